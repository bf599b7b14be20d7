package tcsim

import (
	"context"
	"strings"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

func (s *Server) lhStopInstances(rc *reqCtx) (any, *APIError) {
	var p lighthouse.StopInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if st := str(p.StopType); st != "" && st != "SOFT" && st != "HARD" && st != "SOFT_FIRST" {
		return nil, invalidValue("StopType", st, "use SOFT, HARD or SOFT_FIRST")
	}
	return s.lhTransition(rc, p.InstanceIds, 100, "StopInstances", "STOPPING", "STOPPED", s.opts.Delays.Stop,
		func(ctx context.Context, m Machine) error { return m.Stop(ctx) }, "RUNNING")
}

func (s *Server) lhStartInstances(rc *reqCtx) (any, *APIError) {
	var p lighthouse.StartInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.lhTransition(rc, p.InstanceIds, 100, "StartInstances", "STARTING", "RUNNING", s.opts.Delays.Start,
		func(ctx context.Context, m Machine) error { return m.Start(ctx) }, "STOPPED")
}

// lhKeyName applies the key name rules with the Lighthouse codes.
func lhKeyName(lh *lhState, name string) *APIError {
	return checkKeyName(name, keyNameCodes{"InvalidParameterValue.InvalidKeyPairNameEmpty", "InvalidParameterValue.InvalidKeyPairNameTooLong",
		"InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar", "InvalidParameterValue.DuplicateParameterValue"},
		func() map[string]string {
			out := map[string]string{}
			for id, kp := range lh.KeyPairs {
				out[str(kp.KeyPair.KeyName)] = id
			}
			return out
		})
}

func (s *Server) lhAddKeyPair(rc *reqCtx, lh *lhState, name, pub string, tags []*lighthouse.Tag) (*lighthouse.KeyPair, *APIError) {
	if len(tags) > 10 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 10 Tags are allowed, got %d.", len(tags))
	}
	kp := &lighthouse.KeyPair{KeyId: sp(newID("lhkp")), KeyName: sp(name), PublicKey: sp(pub), AssociatedInstanceIds: []*string{},
		CreatedTime: sp(timestamp(rc)), Tags: append([]*lighthouse.Tag{}, tags...)}
	lh.KeyPairs[*kp.KeyId] = &lhKeyPairRec{KeyPair: kp, Seq: s.world.next()}
	return kp, nil
}

func (s *Server) lhCreateKeyPair(rc *reqCtx) (any, *APIError) {
	var p lighthouse.CreateKeyPairRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	pub, privPEM, e := newSSHKey()
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	if e := lhKeyName(lh, str(p.KeyName)); e != nil {
		return nil, e
	}
	kp, e := s.lhAddKeyPair(rc, lh, str(p.KeyName), pub, p.Tags)
	if e != nil {
		return nil, e
	}
	// The private key is in this answer only; the stored record never holds it.
	out := *kp
	out.PrivateKey = sp(privPEM)
	return rawJSON(map[string]any{"KeyPair": &out}), nil
}

func (s *Server) lhDescribeKeyPairs(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, fs, e := lhListQuery(lhKeyPairIDs, "KeyIds", p.KeyIds, p.Filters, "key-id", "key-name", "tag-key", "tag-value", "tag:")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*lighthouse.KeyPair{}
	for _, rec := range sortedBySeq(s.lh(rc).KeyPairs, func(k *lhKeyPairRec) int64 { return k.Seq }) {
		kp := rec.KeyPair
		if (len(ids) > 0 && !contains(ids, str(kp.KeyId))) || !fs.match("key-id", str(kp.KeyId)) || !fs.matchTags(lhTags(kp.Tags)) {
			continue
		}
		if names, ok := fs["key-name"]; ok && !containsSubstring(str(kp.KeyName), names) {
			continue // key-name matches fuzzily, as documented
		}
		matched = append(matched, kp)
	}
	start, end, e := lhPage(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "KeyPairSet": matched[start:end]}), nil
}

func containsSubstring(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// lhLookupKeys validates a KeyIds list (at most limit) against the region.
func lhLookupKeys(rc *reqCtx, lh *lhState, ids []*string, limit int) ([]*lhKeyPairRec, *APIError) {
	return lhLookup(rc, lh.KeyPairs, lhKeyPairIDs, "KeyIds", "ResourceNotFound.KeyIdNotFound", ids, limit)
}

func (s *Server) lhAssociateKeyPairs(rc *reqCtx) (any, *APIError) {
	var p lighthouse.AssociateInstancesKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.lhChangeKeys(rc, p.InstanceIds, p.KeyIds, str(p.AssociateType), true)
}

func (s *Server) lhDisassociateKeyPairs(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DisassociateInstancesKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.lhChangeKeys(rc, p.InstanceIds, p.KeyIds, str(p.DisassociateType), false)
}

// lhChangeKeys binds or unbinds keys on LINUX_UNIX instances that are RUNNING or STOPPED.
// OFFLINE (the default) forces a RUNNING instance off and on again, so the key change takes
// the Stop and Start delays and restarts the machine; ONLINE changes keys in place.
func (s *Server) lhChangeKeys(rc *reqCtx, instanceIDs, keyIDs []*string, mode string, bind bool) (any, *APIError) {
	if mode != "" && mode != "ONLINE" && mode != "OFFLINE" {
		return nil, invalidValue("AssociateType", mode, "use ONLINE or OFFLINE")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	keys, e := lhLookupKeys(rc, lh, keyIDs, 100)
	if e != nil {
		return nil, e
	}
	recs, e := lhLookupInstances(rc, lh, instanceIDs, 100)
	if e != nil {
		return nil, e
	}
	for _, rec := range recs {
		id := str(rec.Instance.InstanceId)
		if str(rec.Instance.PlatformType) == "WINDOWS" {
			return nil, apiErr("UnsupportedOperation.WindowsNotSupportKeyPair", "The instance `%s` runs Windows, which does not support key pairs.", id)
		}
		if e := lhOperable(rec, "RUNNING", "STOPPED"); e != nil {
			return nil, e
		}
		bound := strs(rec.Instance.LoginSettings.KeyIds)
		for _, kp := range keys {
			kid := str(kp.KeyPair.KeyId)
			switch {
			case bind && contains(bound, kid):
				return nil, apiErr("UnsupportedOperation.KeyPairBindDuplicate", "The key pair `%s` is already bound to the instance `%s`.", kid, id)
			case !bind && !contains(bound, kid):
				return nil, apiErr("UnsupportedOperation.KeyPairNotBoundToInstance", "The key pair `%s` is not bound to the instance `%s`.", kid, id)
			}
		}
	}
	action := map[bool]string{true: "AssociateInstancesKeyPairs", false: "DisassociateInstancesKeyPairs"}[bind]
	region := rc.region
	for _, rec := range recs {
		id := str(rec.Instance.InstanceId)
		bound := strs(rec.Instance.LoginSettings.KeyIds)
		for _, kp := range keys {
			kid := str(kp.KeyPair.KeyId)
			users := strs(kp.KeyPair.AssociatedInstanceIds)
			if bind {
				bound, users = append(bound, kid), append(users, id)
			} else {
				bound, users = removeString(bound, kid), removeString(users, id)
			}
			kp.KeyPair.AssociatedInstanceIds = sps(users)
		}
		rec.Instance.LoginSettings.KeyIds = sps(bound)
		state := str(rec.Instance.InstanceState)
		lhStartOperation(rec, action, rc, "")
		if state == "RUNNING" && mode != "ONLINE" {
			s.async(s.opts.Delays.Stop+s.opts.Delays.Start, func(ctx context.Context) { s.lhMachineStep(ctx, region, id, restartMachine, "RUNNING", "RUNNING") })
			continue
		}
		s.async(0, func(ctx context.Context) { s.lhMachineStep(ctx, region, id, nil, state, state) })
	}
	return nil, nil
}
