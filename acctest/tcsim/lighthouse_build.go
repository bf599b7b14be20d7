package tcsim

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
	"golang.org/x/crypto/ssh"
)

// The Lighthouse actions a hardened-lighthouse Packer build calls besides
// instances: key pairs, an instance's firewall, and custom blueprints.

var (
	lhKeyPairIDs   = idKind{prefix: "lhkp", what: "key pair", malformed: "InvalidParameterValue.KeyPairIdMalformed"}
	lhKeyNameChars = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// lhDefaultFirewall is the firewall a new Lighthouse instance gets: SSH,
// HTTP, HTTPS, RDP and ping open to everyone (what the console shows).
func lhDefaultFirewall() []*lighthouse.FirewallRuleInfo {
	rule := func(app, proto, port string) *lighthouse.FirewallRuleInfo {
		return &lighthouse.FirewallRuleInfo{AppType: sp(app), Protocol: sp(proto), Port: sp(port), CidrBlock: sp("0.0.0.0/0"),
			Ipv6CidrBlock: sp(""), Action: sp("ACCEPT"), FirewallRuleDescription: sp("")}
	}
	return []*lighthouse.FirewallRuleInfo{rule("Linux登录(22)", "TCP", "22"), rule("Web服务HTTP(80)", "TCP", "80"),
		rule("Web服务HTTPS(443)", "TCP", "443"), rule("Windows登录(3389)", "TCP", "3389"), rule("Ping", "ICMP", "ALL")}
}

func (s *Server) lhImportKeyPair(rc *reqCtx) (any, *APIError) {
	var p lighthouse.ImportKeyPairRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	// Stored as one line, as the API shows it (an authorized_keys line usually ends in a newline).
	name, pub := str(p.KeyName), strings.TrimSpace(str(p.PublicKey))
	switch {
	case name == "":
		return nil, apiErr("InvalidParameterValue.InvalidKeyPairNameEmpty", "KeyName must not be empty.")
	case utf8.RuneCountInString(name) > 25:
		return nil, apiErr("InvalidParameterValue.InvalidKeyPairNameTooLong", "KeyName `%s` is longer than 25 characters.", name)
	case !lhKeyNameChars.MatchString(name):
		return nil, apiErr("InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar", "KeyName `%s` may only hold letters, digits and underscores.", name)
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub)); err != nil {
		return nil, apiErr("InvalidParameterValue.KeyPairPublicKeyMalformed", "PublicKey is not an OpenSSH public key: %v.", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	for _, k := range lh.KeyPairs {
		if str(k.KeyPair.PublicKey) == pub {
			return nil, apiErr("InvalidParameterValue.KeyPairPublicKeyDuplicated", "The public key is already imported as `%s`.", str(k.KeyPair.KeyId))
		}
	}
	id := newID("lhkp")
	lh.KeyPairs[id] = &lhKeyPairRec{KeyPair: &lighthouse.KeyPair{KeyId: sp(id), KeyName: sp(name), PublicKey: sp(pub),
		AssociatedInstanceIds: []*string{}, CreatedTime: sp(timestamp(rc)), Tags: append([]*lighthouse.Tag{}, p.Tags...)}, Seq: s.world.next()}
	s.persistLocked()
	return map[string]any{"KeyId": id}, nil
}

func (s *Server) lhDeleteKeyPairs(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DeleteKeyPairsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, e := lhIDList(lhKeyPairIDs, "KeyIds", p.KeyIds)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return nil, lhDeleteAll(s, s.lh(rc).KeyPairs, ids, func(id string, k *lhKeyPairRec, ok bool) *APIError {
		if !ok {
			return errLHNotFound("ResourceNotFound.KeyPairNotFound", "key pair", id, rc.region)
		}
		if n := len(k.KeyPair.AssociatedInstanceIds); n > 0 {
			return apiErr("ResourceInUse.KeyPairInUse", "The key pair `%s` is bound to %d instance(s); unbind or terminate them first.", id, n)
		}
		return nil
	})
}

// lhDeleteAll deletes ids from m when check passes for every one of them
// (all or nothing, as the API answers); the caller holds s.mu.
func lhDeleteAll[T any](s *Server, m map[string]T, ids []string, check func(id string, v T, ok bool) *APIError) *APIError {
	for _, id := range ids {
		v, ok := m[id]
		if e := check(id, v, ok); e != nil {
			return e
		}
	}
	for _, id := range ids {
		delete(m, id)
	}
	s.persistLocked()
	return nil
}

// lhInstanceByID finds the instance of a firewall action; the caller holds s.mu.
func (s *Server) lhInstanceByID(rc *reqCtx, id string) (*lhInstanceRec, *APIError) {
	if id == "" {
		return nil, missingParam("InstanceId")
	}
	if e := lhInstanceIDs.check(id); e != nil {
		return nil, e
	}
	rec, ok := s.lh(rc).Instances[id]
	if !ok {
		return nil, errLHNotFound("ResourceNotFound.InstanceIdNotFound", "instance", id, rc.region)
	}
	if rec.Firewall == nil {
		rec.Firewall = lhDefaultFirewall()
	}
	return rec, nil
}

// lhModifyFirewallRules replaces the instance's whole rule set.
func (s *Server) lhModifyFirewallRules(rc *reqCtx) (any, *APIError) {
	var p lighthouse.ModifyFirewallRulesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.lhInstanceByID(rc, str(p.InstanceId))
	if e != nil {
		return nil, e
	}
	if len(p.FirewallRules) > 100 {
		return nil, apiErr("LimitExceeded.FirewallRulesLimitExceeded", "At most 100 firewall rules are allowed, got %d.", len(p.FirewallRules))
	}
	seen := map[string]bool{}
	rules := make([]*lighthouse.FirewallRuleInfo, 0, len(p.FirewallRules))
	for i, r := range p.FirewallRules {
		proto, port, cidr, action := str(r.Protocol), str(r.Port), str(r.CidrBlock), str(r.Action)
		switch proto {
		case "TCP", "UDP", "ICMP", "ALL":
		default:
			return nil, invalidValue("FirewallRules."+itoa(int64(i))+".Protocol", proto, "use TCP, UDP, ICMP or ALL")
		}
		if action == "" {
			action = "ACCEPT"
		}
		if action != "ACCEPT" && action != "DROP" {
			return nil, invalidValue("FirewallRules."+itoa(int64(i))+".Action", action, "use ACCEPT or DROP")
		}
		if cidr == "" {
			cidr = "0.0.0.0/0"
		}
		if utf8.RuneCountInString(str(r.FirewallRuleDescription)) > 64 {
			return nil, apiErr("InvalidParameterValue.FirewallRuleDescriptionTooLong", "FirewallRules.%d.FirewallRuleDescription is longer than 64 characters.", i)
		}
		key := proto + "|" + port + "|" + cidr + "|" + action
		if seen[key] {
			return nil, apiErr("InvalidParameter.FirewallRulesDuplicated", "FirewallRules.%d repeats an earlier rule.", i)
		}
		seen[key] = true
		rules = append(rules, &lighthouse.FirewallRuleInfo{AppType: sp("自定义"), Protocol: sp(proto), Port: sp(port), CidrBlock: sp(cidr),
			Ipv6CidrBlock: sp(""), Action: sp(action), FirewallRuleDescription: sp(str(r.FirewallRuleDescription))})
	}
	rec.Firewall = rules
	rec.FirewallVersion++
	s.persistLocked()
	return nil, nil
}

func (s *Server) lhDescribeFirewallRules(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeFirewallRulesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.lhInstanceByID(rc, str(p.InstanceId))
	if e != nil {
		return nil, e
	}
	start, end, e := lhPage(p.Offset, p.Limit, len(rec.Firewall))
	if e != nil {
		return nil, e
	}
	return map[string]any{"TotalCount": len(rec.Firewall), "FirewallRuleSet": rec.Firewall[start:end], "FirewallVersion": rec.FirewallVersion}, nil
}

// lhCreateBlueprint captures a PRIVATE blueprint from an instance: CREATING,
// then (after a snapshot of the backing machine, when there is one) NORMAL.
func (s *Server) lhCreateBlueprint(rc *reqCtx) (any, *APIError) {
	var p lighthouse.CreateBlueprintRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	name, desc, instanceID := str(p.BlueprintName), str(p.Description), str(p.InstanceId)
	switch {
	case name == "":
		return nil, missingParam("BlueprintName")
	case utf8.RuneCountInString(name) > 60:
		return nil, invalidValue("BlueprintName", name, "at most 60 characters")
	case utf8.RuneCountInString(desc) > 60:
		return nil, invalidValue("Description", desc, "at most 60 characters")
	case len(p.Tags) > 10:
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 10 tags are allowed, got %d.", len(p.Tags))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	rec, e := s.lhInstanceByID(rc, instanceID)
	if e != nil {
		return nil, e
	}
	if e := lhOperable(rec, "RUNNING", "STOPPED"); e != nil {
		return nil, e
	}
	src := lh.Blueprints[str(rec.Instance.BlueprintId)]
	id := newID("lhbp")
	bp := &lighthouse.Blueprint{
		BlueprintId: sp(id), DisplayTitle: sp(name), DisplayVersion: sp(""), Description: sp(desc),
		OsName: rec.Instance.OsName, Platform: rec.Instance.Platform, PlatformType: rec.Instance.PlatformType,
		BlueprintType: sp("PRIVATE"), ImageUrl: sp(""), RequiredSystemDiskSize: rec.Instance.SystemDisk.DiskSize,
		RequiredMemorySize: ip64(1), BlueprintState: sp("CREATING"), CreatedTime: sp(timestamp(rc)), BlueprintName: sp(name),
		SupportAutomationTools: bp(true), ImageId: sp(newID("img")), SceneIdSet: []*string{}, BlueprintShared: bp(false),
		Tags: append([]*lighthouse.Tag{}, p.Tags...),
	}
	user := "root"
	if src != nil {
		user = src.LoginUser
	}
	lh.Blueprints[id] = &lhBlueprintRec{Blueprint: bp, LoginUser: user, SourceInstance: instanceID, Seq: s.world.next()}
	stopFirst := p.ForcePowerOff == nil || *p.ForcePowerOff
	from := str(rec.Instance.InstanceState)
	lhStartOperation(rec, "CreateBlueprint", rc, "")
	region := rc.region
	s.async(s.opts.Delays.CreateImage, func(ctx context.Context) { s.lhFinishCreateBlueprint(ctx, region, instanceID, id, stopFirst, from) })
	s.persistLocked()
	return map[string]any{"BlueprintId": id}, nil
}

// lhFinishCreateBlueprint snapshots the machine outside the lock (powered
// off first with ForcePowerOff, as the API does) and settles blueprint and instance.
func (s *Server) lhFinishCreateBlueprint(ctx context.Context, region, instanceID, blueprintID string, stopFirst bool, from string) {
	s.mu.Lock()
	var m Machine
	if r, ok := s.lhInstance(region, instanceID); ok {
		m = r.machine
	}
	s.mu.Unlock()
	ref, state, after := "", "NORMAL", from
	if m != nil {
		var err error
		if stopFirst && from == "RUNNING" {
			err = m.Stop(ctx)
			after = "STOPPED"
		}
		if err == nil {
			ref, err = m.Snapshot(ctx)
		}
		if err != nil {
			state = "CREATEFAILED"
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if lh := s.world.Regions[region].Lighthouse; lh != nil {
		if b, ok := lh.Blueprints[blueprintID]; ok {
			b.BackingRef, b.Blueprint.BlueprintState = ref, sp(state)
		}
	}
	if r, ok := s.lhInstance(region, instanceID); ok {
		r.Instance.InstanceState, r.Instance.LatestOperationState = sp(after), sp("SUCCESS")
		if state != "NORMAL" {
			r.Instance.LatestOperationState = sp("FAILED")
		}
	}
	s.persistLocked()
}

// lhDeleteBlueprints deletes the account's own blueprints; a blueprint
// still CREATING (or a system one) cannot be deleted.
func (s *Server) lhDeleteBlueprints(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DeleteBlueprintsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, e := lhIDList(lhBlueprintIDs, "BlueprintIds", p.BlueprintIds)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return nil, lhDeleteAll(s, s.lh(rc).Blueprints, ids, func(id string, b *lhBlueprintRec, ok bool) *APIError {
		switch {
		case !ok:
			return errLHNotFound("ResourceNotFound.BlueprintIdNotFound", "blueprint", id, rc.region)
		case b.Seeded || str(b.Blueprint.BlueprintType) != "PRIVATE":
			return apiErr("UnsupportedOperation.BlueprintTypeNotSupportOperation", "The blueprint `%s` is a %s blueprint; only PRIVATE blueprints can be deleted.", id, str(b.Blueprint.BlueprintType))
		case str(b.Blueprint.BlueprintState) == "CREATING":
			return apiErr("UnsupportedOperation.BlueprintCurStateInvalid", "The blueprint `%s` is CREATING; delete it once it is NORMAL or CREATEFAILED.", id)
		case len(b.SharedAccounts) > 0:
			return apiErr("UnsupportedOperation.BlueprintAlreadyShared", "The blueprint `%s` is shared; cancel the sharing first.", id)
		}
		return nil
	})
}
