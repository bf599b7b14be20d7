package tcsim

import (
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
	"golang.org/x/crypto/ssh"
)

// lhRunning creates a Debian 12 instance and waits until it runs.
func lhRunning(t *testing.T, c *lighthouse.Client, mod func(*lighthouse.CreateInstancesRequest)) string {
	t.Helper()
	id := lhCreate(t, c, "bundle2022_gen_01", lhBlueprintID(t, c, "Debian 12.4 64bit", "PURE_OS"), mod)
	lhWait(t, c, id, "RUNNING")
	return id
}

func TestLighthouseStopStart(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	id := lhRunning(t, c, nil)
	start := lighthouse.NewStartInstancesRequest()
	start.InstanceIds = common.StringPtrs([]string{id})
	if _, err := c.StartInstances(start); sdkCode(err) != "UnsupportedOperation.InvalidInstanceState" {
		t.Fatalf("StartInstances of a RUNNING instance: %v", err)
	}
	stop := lighthouse.NewStopInstancesRequest()
	stop.InstanceIds = common.StringPtrs([]string{id})
	if _, err := c.StopInstances(stop); err != nil {
		t.Fatal(err)
	}
	if in := lhWait(t, c, id, "STOPPED"); *in.LatestOperation != "StopInstances" || *in.LatestOperationState != "SUCCESS" {
		t.Fatalf("after stop: %s %s", *in.LatestOperation, *in.LatestOperationState)
	}
	if _, err := c.StartInstances(start); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, id, "RUNNING")
	stop.StopType = common.StringPtr("NOW")
	if _, err := c.StopInstances(stop); sdkCode(err) != "InvalidParameterValue" {
		t.Fatalf("bad StopType: %v", err)
	}
	stop.StopType, stop.InstanceIds = nil, common.StringPtrs([]string{id, id})
	if _, err := c.StopInstances(stop); sdkCode(err) != "InvalidParameterValue.Duplicated" {
		t.Fatalf("duplicate ids: %v", err)
	}
}

func TestLighthouseKeyPairs(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	create := lighthouse.NewCreateKeyPairRequest()
	create.KeyName = common.StringPtr("builder_1")
	made, err := c.CreateKeyPair(create)
	if err != nil {
		t.Fatal(err)
	}
	kp := made.Response.KeyPair
	if !validID("lhkp", *kp.KeyId) || !strings.Contains(*kp.PrivateKey, "PRIVATE KEY") || !strings.HasPrefix(*kp.PublicKey, "ssh-ed25519 ") {
		t.Fatalf("CreateKeyPair answered %+v", kp)
	}
	if strings.Contains(string(srv.State().Regions["ap-guangzhou"]), "PRIVATE KEY") {
		t.Fatal("the private key is stored in tcsim state")
	}
	for _, tc := range []struct{ name, pub, code string }{
		{"builder_1", "", "InvalidParameterValue.DuplicateParameterValue"},
		{"", "", "InvalidParameterValue.InvalidKeyPairNameEmpty"},
		{"has-dash", "", "InvalidParameterValue.InvalidKeyPairNameIncludeIllegalChar"},
		{strings.Repeat("k", 26), "", "InvalidParameterValue.InvalidKeyPairNameTooLong"},
		{"imported", "ssh-rsa nonsense", "InvalidParameterValue.KeyPairPublicKeyMalformed"},
		{"imported", *kp.PublicKey, "InvalidParameterValue.KeyPairPublicKeyDuplicated"},
	} {
		var err error
		if tc.pub == "" {
			req := lighthouse.NewCreateKeyPairRequest()
			req.KeyName = common.StringPtr(tc.name)
			_, err = c.CreateKeyPair(req)
		} else {
			req := lighthouse.NewImportKeyPairRequest()
			req.KeyName, req.PublicKey = common.StringPtr(tc.name), common.StringPtr(tc.pub)
			_, err = c.ImportKeyPair(req)
		}
		if sdkCode(err) != tc.code {
			t.Errorf("key %q: %v, want %s", tc.name, err, tc.code)
		}
	}
	pub, _, e := newSSHKey()
	if e != nil {
		t.Fatal(e)
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(pub)); err != nil {
		t.Fatal(err)
	}
	imp := lighthouse.NewImportKeyPairRequest()
	imp.KeyName, imp.PublicKey = common.StringPtr("imported"), common.StringPtr(pub)
	got, err := c.ImportKeyPair(imp)
	if err != nil {
		t.Fatal(err)
	}
	imported := *got.Response.KeyId
	desc := lighthouse.NewDescribeKeyPairsRequest()
	desc.Filters = []*lighthouse.Filter{lhFilter("key-name", "build")}
	list, err := c.DescribeKeyPairs(desc)
	if err != nil || *list.Response.TotalCount != 1 || *list.Response.KeyPairSet[0].KeyId != *kp.KeyId || list.Response.KeyPairSet[0].PrivateKey != nil {
		t.Fatalf("DescribeKeyPairs key-name=build: %+v %v", list, err)
	}

	// Created with the key, the instance lists it; the key cannot go while bound.
	id := lhRunning(t, c, func(r *lighthouse.CreateInstancesRequest) {
		r.LoginConfiguration = &lighthouse.LoginConfiguration{KeyIds: []*string{kp.KeyId}}
	})
	del := lighthouse.NewDeleteKeyPairsRequest()
	del.KeyIds = []*string{kp.KeyId}
	if _, err := c.DeleteKeyPairs(del); sdkCode(err) != "ResourceInUse.KeyPairInUse" {
		t.Fatalf("DeleteKeyPairs of a bound key: %v", err)
	}
	assoc := lighthouse.NewAssociateInstancesKeyPairsRequest()
	assoc.KeyIds, assoc.InstanceIds = common.StringPtrs([]string{imported}), common.StringPtrs([]string{id})
	if _, err := c.AssociateInstancesKeyPairs(assoc); err != nil {
		t.Fatal(err)
	}
	in := lhWait(t, c, id, "RUNNING")
	if keys := strs(in.LoginSettings.KeyIds); len(keys) != 2 || keys[1] != imported {
		t.Fatalf("instance keys %v", keys)
	}
	if _, err := c.AssociateInstancesKeyPairs(assoc); sdkCode(err) != "UnsupportedOperation.KeyPairBindDuplicate" {
		t.Fatalf("binding twice: %v", err)
	}
	dis := lighthouse.NewDisassociateInstancesKeyPairsRequest()
	dis.KeyIds, dis.InstanceIds = []*string{kp.KeyId}, common.StringPtrs([]string{id})
	if _, err := c.DisassociateInstancesKeyPairs(dis); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, id, "RUNNING")
	if _, err := c.DisassociateInstancesKeyPairs(dis); sdkCode(err) != "UnsupportedOperation.KeyPairNotBoundToInstance" {
		t.Fatalf("unbinding twice: %v", err)
	}
	if _, err := c.DeleteKeyPairs(del); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteKeyPairs(del); sdkCode(err) != "ResourceNotFound.KeyPairNotFound" {
		t.Fatalf("deleting twice: %v", err)
	}
	if res := srv.Resources("ap-guangzhou").Lighthouse; len(res.KeyPairs) != 1 || res.KeyPairs[0] != imported {
		t.Fatalf("Resources().Lighthouse.KeyPairs = %v", res.KeyPairs)
	}
}

func TestLighthouseFirewallRules(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	id := lhRunning(t, c, nil)
	describe := func() *lighthouse.DescribeFirewallRulesResponseParams {
		t.Helper()
		req := lighthouse.NewDescribeFirewallRulesRequest()
		req.InstanceId = common.StringPtr(id)
		resp, err := c.DescribeFirewallRules(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Response
	}
	before := describe()
	if *before.TotalCount != 5 || *before.FirewallRuleSet[0].Port != "22" || *before.FirewallVersion != 0 {
		t.Fatalf("default firewall %+v", before)
	}
	builder := &lighthouse.FirewallRule{Protocol: common.StringPtr("TCP"), Port: common.StringPtr("22"), CidrBlock: common.StringPtr("198.18.7.9"),
		Action: common.StringPtr("ACCEPT"), FirewallRuleDescription: common.StringPtr("packer builder")}
	add := lighthouse.NewCreateFirewallRulesRequest()
	add.InstanceId, add.FirewallRules, add.FirewallVersion = common.StringPtr(id), []*lighthouse.FirewallRule{builder}, common.Uint64Ptr(0)
	if _, err := c.CreateFirewallRules(add); err != nil {
		t.Fatal(err)
	}
	after := describe()
	if *after.TotalCount != 6 || *after.FirewallVersion != 1 || *after.FirewallRuleSet[5].CidrBlock != "198.18.7.9" || *after.FirewallRuleSet[5].AppType != "自定义" {
		t.Fatalf("after CreateFirewallRules %+v", after)
	}
	add.FirewallVersion = nil
	bad := []struct {
		name string
		rule *lighthouse.FirewallRule
		ver  *uint64
		code string
	}{
		{"exists", builder, nil, "InvalidParameter.FirewallRulesExist"},
		{"stale version", &lighthouse.FirewallRule{Protocol: common.StringPtr("UDP"), Port: common.StringPtr("53")}, common.Uint64Ptr(0), "UnsupportedOperation.FirewallVersionMismatch"},
		{"protocol", &lighthouse.FirewallRule{Protocol: common.StringPtr("SCTP")}, nil, "InvalidParameterValue"},
		{"port", &lighthouse.FirewallRule{Protocol: common.StringPtr("TCP"), Port: common.StringPtr("22,80-90")}, nil, "InvalidParameterValue"},
		{"icmp port", &lighthouse.FirewallRule{Protocol: common.StringPtr("ICMP"), Port: common.StringPtr("8")}, nil, "InvalidParameter.ParameterConflict"},
		{"cidr", &lighthouse.FirewallRule{Protocol: common.StringPtr("TCP"), CidrBlock: common.StringPtr("10.0.0.0/33")}, nil, "InvalidParameterValue"},
		{"description", &lighthouse.FirewallRule{Protocol: common.StringPtr("TCP"), FirewallRuleDescription: common.StringPtr(strings.Repeat("d", 65))}, nil, "InvalidParameterValue.FirewallRuleDescriptionTooLong"},
	}
	for _, tc := range bad {
		req := lighthouse.NewCreateFirewallRulesRequest()
		req.InstanceId, req.FirewallRules, req.FirewallVersion = common.StringPtr(id), []*lighthouse.FirewallRule{tc.rule}, tc.ver
		if _, err := c.CreateFirewallRules(req); sdkCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	twice := lighthouse.NewCreateFirewallRulesRequest()
	twice.InstanceId, twice.FirewallRules = common.StringPtr(id), []*lighthouse.FirewallRule{builder, builder}
	if _, err := c.CreateFirewallRules(twice); sdkCode(err) != "InvalidParameter.FirewallRulesDuplicated" {
		t.Fatalf("the same rule twice: %v", err)
	}
	del := lighthouse.NewDeleteFirewallRulesRequest()
	del.InstanceId, del.FirewallRules = common.StringPtr(id), []*lighthouse.FirewallRule{builder}
	if _, err := c.DeleteFirewallRules(del); err != nil {
		t.Fatal(err)
	}
	if got := describe(); *got.TotalCount != 5 || *got.FirewallVersion != 2 {
		t.Fatalf("after DeleteFirewallRules %+v", got)
	}
	if _, err := c.DeleteFirewallRules(del); sdkCode(err) != "ResourceNotFound.FirewallRulesNotFound" {
		t.Fatalf("deleting twice: %v", err)
	}
	req := lighthouse.NewDescribeFirewallRulesRequest()
	req.InstanceId = common.StringPtr("lhins-00000000")
	if _, err := c.DescribeFirewallRules(req); sdkCode(err) != "ResourceNotFound.InstanceIdNotFound" {
		t.Fatalf("unknown instance: %v", err)
	}
}

func TestLighthouseCustomBlueprint(t *testing.T) {
	var srv *TestServer
	fb := &fakeBackend{t: t, srv: func() *Server {
		if srv == nil {
			return nil
		}
		return srv.Server
	}}
	srv = StartForTest(t, WithBackend(fb), WithDelays(Delays{CreateImage: 20 * time.Millisecond}))
	c := lhClient(t, srv, "ap-guangzhou")
	id := lhRunning(t, c, nil)
	create := lighthouse.NewCreateBlueprintRequest()
	create.InstanceId, create.BlueprintName, create.Description = common.StringPtr(id), common.StringPtr("hardened-debian-12"), common.StringPtr("cis level 1")
	create.Tags = []*lighthouse.Tag{{Key: common.StringPtr("hardened:profile"), Value: common.StringPtr("cis-l1")}}
	resp, err := c.CreateBlueprint(create)
	if err != nil {
		t.Fatal(err)
	}
	bid := *resp.Response.BlueprintId
	get := func() *lighthouse.Blueprint {
		req := lighthouse.NewDescribeBlueprintsRequest()
		req.BlueprintIds = common.StringPtrs([]string{bid})
		out, err := c.DescribeBlueprints(req)
		if err != nil || len(out.Response.BlueprintSet) != 1 {
			t.Fatalf("DescribeBlueprints %s: %v %v", bid, out, err)
		}
		return out.Response.BlueprintSet[0]
	}
	if b := get(); *b.BlueprintState != "CREATING" || *b.BlueprintType != "PRIVATE" || *b.OsName != "Debian 12.4 64bit" {
		t.Fatalf("new blueprint %+v", b)
	}
	mod := lighthouse.NewModifyBlueprintAttributeRequest()
	mod.BlueprintId, mod.Description = common.StringPtr(bid), common.StringPtr("cis level 1, signed")
	if _, err := c.ModifyBlueprintAttribute(mod); sdkCode(err) != "UnsupportedOperation.BlueprintCurStateInvalid" {
		t.Fatalf("ModifyBlueprintAttribute while CREATING: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for *get().BlueprintState != "NORMAL" && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if b := get(); *b.BlueprintState != "NORMAL" || *b.CreatedTime == "" || *b.Tags[0].Value != "cis-l1" {
		t.Fatalf("blueprint %+v", b)
	}
	if !fb.has("snapshot " + id) {
		t.Fatalf("backend events %v", fb.events)
	}
	if _, err := c.ModifyBlueprintAttribute(mod); err != nil || *get().Description != "cis level 1, signed" {
		t.Fatalf("ModifyBlueprintAttribute: %v", err)
	}
	// A new instance from the custom blueprint boots the snapshot.
	from := lhCreate(t, c, "bundle2022_gen_01", bid, nil)
	lhWait(t, c, from, "RUNNING")
	if !fb.has("launch " + from + " snap:" + id) {
		t.Fatalf("backend events %v", fb.events)
	}
	share := lighthouse.NewShareBlueprintAcrossAccountsRequest()
	share.BlueprintId, share.AccountIds = common.StringPtr(bid), common.StringPtrs([]string{"100000000002"})
	if _, err := c.ShareBlueprintAcrossAccounts(share); err != nil || !*get().BlueprintShared {
		t.Fatalf("ShareBlueprintAcrossAccounts: %v", err)
	}
	for _, tc := range []struct {
		accounts []string
		code     string
	}{
		{[]string{"100000000002"}, "UnsupportedOperation.BlueprintAlreadyShared"},
		{[]string{srv.opts.OwnerUin}, "InvalidParameterValue.AccountIdSameWithUin"},
		{[]string{"alice"}, "InvalidParameterValue.AccountIdsNotExist"},
	} {
		share.AccountIds = common.StringPtrs(tc.accounts)
		if _, err := c.ShareBlueprintAcrossAccounts(share); sdkCode(err) != tc.code {
			t.Errorf("share with %v: %v, want %s", tc.accounts, err, tc.code)
		}
	}
	// lighthouse_build.go's DeleteBlueprints: system blueprints and shared ones stay.
	del := lighthouse.NewDeleteBlueprintsRequest()
	del.BlueprintIds = common.StringPtrs([]string{bid})
	if _, err := c.DeleteBlueprints(del); sdkCode(err) != "UnsupportedOperation.BlueprintAlreadyShared" {
		t.Fatalf("DeleteBlueprints of a shared blueprint: %v", err)
	}
	system := lighthouse.NewDeleteBlueprintsRequest()
	system.BlueprintIds = common.StringPtrs([]string{lhBlueprintID(t, c, "Debian 13.1 64bit", "PURE_OS")})
	if _, err := c.DeleteBlueprints(system); sdkCode(err) != "UnsupportedOperation.BlueprintTypeNotSupportOperation" {
		t.Fatalf("DeleteBlueprints of a system blueprint: %v", err)
	}
	lhDestroy(t, c, from)
}

func TestLighthouseRegionsAndZones(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-shanghai")
	regions, err := c.DescribeRegions(lighthouse.NewDescribeRegionsRequest())
	if err != nil || int(*regions.Response.TotalCount) != len(defaultRegions) {
		t.Fatalf("DescribeRegions: %+v %v", regions, err)
	}
	for _, r := range regions.Response.RegionSet {
		if want := *r.Region == "ap-shanghai" || *r.Region == "ap-guangzhou"; want && !*r.IsChinaMainland {
			t.Errorf("%s: IsChinaMainland false", *r.Region)
		} else if *r.Region == "ap-singapore" && *r.IsChinaMainland {
			t.Errorf("ap-singapore: IsChinaMainland true")
		}
	}
	req := lighthouse.NewDescribeZonesRequest()
	req.OrderField, req.Order = common.StringPtr("ZONE"), common.StringPtr("DESC")
	zones, err := c.DescribeZones(req)
	if err != nil || *zones.Response.TotalCount != zonesPerRegion || *zones.Response.ZoneInfoSet[0].Zone != "ap-shanghai-7" {
		t.Fatalf("DescribeZones: %+v %v", zones, err)
	}
	// Every listed zone is one CreateInstances accepts.
	for _, z := range zones.Response.ZoneInfoSet {
		if !validZone("ap-shanghai", *z.Zone) {
			t.Errorf("zone %s is not accepted by CreateInstances", *z.Zone)
		}
	}
	req.OrderField = common.StringPtr("NAME")
	if _, err := c.DescribeZones(req); sdkCode(err) != "InvalidParameterValue" {
		t.Fatalf("bad OrderField: %v", err)
	}
}
