package tcsim

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"regexp"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	"golang.org/x/crypto/ssh"
)

var keyNameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

func validKeyName(rs *regionState, name string) *APIError {
	return checkKeyName(name, keyNameCodes{"InvalidKeyPairNameEmpty", "InvalidKeyPairNameTooLong", "InvalidKeyPairNameIncludeIllegalChar", "InvalidKeyPairName.Duplicate"},
		func() map[string]string {
			out := map[string]string{}
			for id, kp := range rs.KeyPairs {
				out[str(kp.KeyPair.KeyName)] = id
			}
			return out
		})
}

// keyNameCodes are the error codes of the key name rules, which CVM and Lighthouse share.
type keyNameCodes struct{ empty, tooLong, illegal, duplicate string }

// checkKeyName applies the rules (letters, digits, underscores, at most 25, unique in the
// region); names maps the region's key names to their ids.
func checkKeyName(name string, codes keyNameCodes, names func() map[string]string) *APIError {
	switch {
	case name == "":
		return apiErr(codes.empty, "The key pair name is empty.")
	case len(name) > 25:
		return apiErr(codes.tooLong, "The key pair name `%s` is longer than 25 characters.", name)
	case !keyNameRE.MatchString(name):
		return apiErr(codes.illegal, "The key pair name `%s` may only contain letters, digits and underscores.", name)
	}
	if id, taken := names()[name]; taken {
		return apiErr(codes.duplicate, "A key pair named `%s` already exists (%s).", name, id)
	}
	return nil
}

func (s *Server) addKeyPair(rc *reqCtx, rs *regionState, name string, project int64, pub string, specs []*cvm.TagSpecification) (*cvm.KeyPair, *APIError) {
	tags, e := tagsFromSpec(specs, "keypair")
	if e != nil {
		return nil, e
	}
	kp := &cvm.KeyPair{
		KeyId: sp(newID("skey")), KeyName: sp(name), ProjectId: ip64(project), Description: sp(""),
		PublicKey: sp(pub), AssociatedInstanceIds: []*string{}, CreatedTime: sp(timestamp(rc)), Tags: cvmTags(tags),
	}
	rs.KeyPairs[*kp.KeyId] = &keyPairRec{KeyPair: kp, Seq: s.world.next()}
	return kp, nil
}

// newSSHKey makes a fresh ed25519 key: the OpenSSH public key line and the PEM private key
// (CreateKeyPair of CVM and Lighthouse hand the private key out once and never store it).
func newSSHKey() (string, string, *APIError) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", apiErr("InternalError", "generate key: %v", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", "", apiErr("InternalError", "encode key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return "", "", apiErr("InternalError", "encode key: %v", err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), string(pem.EncodeToMemory(block)), nil
}

func (s *Server) createKeyPair(rc *reqCtx) (any, *APIError) {
	var p cvm.CreateKeyPairRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.ProjectId == nil {
		return nil, missingParam("ProjectId")
	}
	pub, privPEM, e := newSSHKey()
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	name := str(p.KeyName)
	if e := validKeyName(rs, name); e != nil {
		return nil, e
	}
	kp, e := s.addKeyPair(rc, rs, name, *p.ProjectId, pub, p.TagSpecification)
	if e != nil {
		return nil, e
	}
	out := *kp
	out.PrivateKey = sp(privPEM)
	return rawJSON(map[string]any{"KeyPair": &out}), nil
}

func (s *Server) importKeyPair(rc *reqCtx) (any, *APIError) {
	var p cvm.ImportKeyPairRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.ProjectId == nil {
		return nil, missingParam("ProjectId")
	}
	pubText := strings.TrimSpace(str(p.PublicKey))
	if pubText == "" {
		return nil, missingParam("PublicKey")
	}
	parsed, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pubText))
	if err != nil {
		return nil, apiErr("InvalidPublicKey.Malformed", "The public key is not a valid OpenSSH public key: %v.", err)
	}
	canonical := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(parsed)))
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	name := str(p.KeyName)
	if e := validKeyName(rs, name); e != nil {
		return nil, e
	}
	for _, kp := range rs.KeyPairs {
		if str(kp.KeyPair.PublicKey) == canonical {
			return nil, apiErr("InvalidPublicKey.Duplicate", "This public key is already imported as %s.", str(kp.KeyPair.KeyId))
		}
	}
	kp, e := s.addKeyPair(rc, rs, name, *p.ProjectId, canonical, p.TagSpecification)
	if e != nil {
		return nil, e
	}
	return map[string]any{"KeyId": str(kp.KeyId)}, nil
}

func lookupKeyPairs(rs *regionState, ids []string) ([]*keyPairRec, *APIError) {
	if len(ids) == 0 {
		return nil, missingParam("KeyIds")
	}
	if len(ids) > 100 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 100 KeyIds are allowed per request.")
	}
	var out []*keyPairRec
	for _, id := range ids {
		if !validID("skey", id) {
			return nil, apiErr("InvalidKeyPairId.Malformed", "The key pair id `%s` is malformed.", id)
		}
		kp, ok := rs.KeyPairs[id]
		if !ok {
			return nil, apiErr("InvalidKeyPairId.NotFound", "The key pair `%s` does not exist.", id)
		}
		out = append(out, kp)
	}
	return out, nil
}

func (s *Server) deleteKeyPairs(rc *reqCtx) (any, *APIError) {
	var p cvm.DeleteKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	kps, e := lookupKeyPairs(rs, strs(p.KeyIds))
	if e != nil {
		return nil, e
	}
	for _, kp := range kps {
		if n := len(kp.KeyPair.AssociatedInstanceIds); n > 0 {
			return nil, apiErr("ResourceInUse", "The key pair `%s` is associated with %d instance(s) (%s); disassociate or terminate them first.", str(kp.KeyPair.KeyId), n, strings.Join(strs(kp.KeyPair.AssociatedInstanceIds), ", "))
		}
	}
	for _, kp := range kps {
		delete(rs.KeyPairs, str(kp.KeyPair.KeyId))
	}
	return nil, nil
}

func (s *Server) describeKeyPairs(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if len(p.KeyIds) > 0 && len(p.Filters) > 0 {
		return nil, apiErr("InvalidParameterCombination", "The parameters `KeyIds` and `Filters` cannot be specified at the same time.")
	}
	ids := strs(p.KeyIds)
	fs, e := parseFilters(p.Filters, "project-id", "key-name", "tag-key", "tag-value", "tag:")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cvm.KeyPair{}
	for _, rec := range sortedBySeq(s.region(rc).KeyPairs, func(k *keyPairRec) int64 { return k.Seq }) {
		kp := rec.KeyPair
		if len(ids) > 0 && !contains(ids, str(kp.KeyId)) {
			continue
		}
		project := "0"
		if kp.ProjectId != nil {
			project = itoa(*kp.ProjectId)
		}
		if !fs.match("key-name", str(kp.KeyName)) || !fs.match("project-id", project) || !fs.matchTags(tagsOfCVM(kp.Tags)) {
			continue
		}
		matched = append(matched, kp)
	}
	start, end, e := page(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "KeyPairSet": matched[start:end]}), nil
}

// changeKeyAssociation binds or unbinds key pairs. Without ForceStop the API only changes
// STOPPED instances (UnsupportedOperation.InstanceStateRunning otherwise); with it a RUNNING
// instance is stopped, changed and started again, an operation clients see and wait for.
func (s *Server) changeKeyAssociation(rc *reqCtx, instanceIDs, keyIDs []*string, associate, forceStop bool) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	recs, e := lookupInstances(rs, rc.region, strs(instanceIDs))
	if e != nil {
		return nil, e
	}
	kps, e := lookupKeyPairs(rs, strs(keyIDs))
	if e != nil {
		return nil, e
	}
	for _, rec := range recs {
		if e := operable(rec, "RUNNING", "STOPPED"); e != nil {
			return nil, e
		}
		if str(rec.Instance.InstanceState) == "RUNNING" && !forceStop {
			return nil, apiErr("UnsupportedOperation.InstanceStateRunning", "The instance `%s` is RUNNING; stop it first, or set ForceStop to true to have it stopped, changed and started again.", str(rec.Instance.InstanceId))
		}
		if im, ok := rs.Images[str(rec.Instance.ImageId)]; ok && im.Platform == "Windows" {
			return nil, apiErr("UnsupportedOperation.KeyPairUnsupportedWindows", "Key pairs cannot be used with Windows instances (%s).", str(rec.Instance.InstanceId))
		}
	}
	for _, rec := range recs {
		id := str(rec.Instance.InstanceId)
		if rec.Instance.LoginSettings == nil {
			rec.Instance.LoginSettings = &cvm.LoginSettings{}
		}
		keys := strs(rec.Instance.LoginSettings.KeyIds)
		for _, kp := range kps {
			kid := str(kp.KeyPair.KeyId)
			assoc := strs(kp.KeyPair.AssociatedInstanceIds)
			if associate {
				if !contains(keys, kid) {
					keys = append(keys, kid)
				}
				if !contains(assoc, id) {
					assoc = append(assoc, id)
				}
			} else {
				keys = removeString(keys, kid)
				assoc = removeString(assoc, id)
			}
			kp.KeyPair.AssociatedInstanceIds = sps(assoc)
		}
		rec.Instance.LoginSettings.KeyIds = sps(keys)
		if str(rec.Instance.InstanceState) == "RUNNING" {
			startOperation(rec, rc.action, rc.requestID, "STOPPING")
			s.async(s.opts.Delays.Stop+s.opts.Delays.Start, s.machineStep(rc.region, id, restartMachine, "RUNNING", "RUNNING"))
		}
	}
	return nil, nil
}

// restartMachine stops and starts the backing machine (so sshd re-reads authorized keys).
func restartMachine(ctx context.Context, m Machine) error {
	if err := m.Stop(ctx); err != nil {
		return err
	}
	return m.Start(ctx)
}

func (s *Server) associateKeyPairs(rc *reqCtx) (any, *APIError) {
	var p cvm.AssociateInstancesKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.changeKeyAssociation(rc, p.InstanceIds, p.KeyIds, true, p.ForceStop != nil && *p.ForceStop)
}

func (s *Server) disassociateKeyPairs(rc *reqCtx) (any, *APIError) {
	var p cvm.DisassociateInstancesKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.changeKeyAssociation(rc, p.InstanceIds, p.KeyIds, false, p.ForceStop != nil && *p.ForceStop)
}
