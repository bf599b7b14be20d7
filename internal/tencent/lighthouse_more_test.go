package tencent

import (
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestLighthouseKeysFirewallSharing drives the calls beyond a Packer build's through tcsim
// under throttling, so every one of them shows it retries.
func TestLighthouseKeysFirewallSharing(t *testing.T) {
	faults, err := tcsim.ParseFaultSpec("seed=11,*:throttle=0.35")
	if err != nil {
		t.Fatal(err)
	}
	srv := tcsim.StartForTest(t, tcsim.WithFaults(faults), tcsim.WithDelays(tcsim.UniformDelays(5*time.Millisecond)))
	c, _ := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 20 })
	ctx := ctxT(t)
	key, err := c.CreateLighthouseKeyPair(ctx, "ops_key", map[string]string{"team": "web"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key.ID, "lhkp-") || !strings.Contains(key.PrivateKey, "PRIVATE KEY") {
		t.Fatalf("key pair %+v", key)
	}
	listed, err := c.ListLighthouseKeyPairs(ctx, []Filter{{Name: "key-name", Values: []string{"ops"}}})
	if err != nil || len(listed) != 1 || listed[0].ID != key.ID || listed[0].PrivateKey != "" || listed[0].Tags["team"] != "web" {
		t.Fatalf("ListLighthouseKeyPairs: %+v %v", listed, err)
	}
	id, err := c.CreateLighthouseInstance(ctx, CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: lhSeedID(t, c, "Debian 12.4 64bit", "PURE_OS")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLighthouseInstanceState(ctx, id, "RUNNING", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the second time everything is already done
		if err := c.AssociateLighthouseKeyPairs(ctx, id, key.ID); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
	if in, err := c.GetLighthouseInstance(ctx, id); err != nil || len(in.KeyIDs) != 1 || in.KeyIDs[0] != key.ID || in.State != "RUNNING" {
		t.Fatalf("after AssociateLighthouseKeyPairs: %+v %v", in, err)
	}
	if err := c.DisassociateLighthouseKeyPairs(ctx, id, key.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DisassociateLighthouseKeyPairs(ctx, id, key.ID); err != nil {
		t.Fatalf("unbinding an unbound key: %v", err)
	}

	builder := LighthouseFirewallRule{Protocol: "TCP", Port: "22", CIDR: "198.18.7.9", Action: "ACCEPT", Description: "builder"}
	if err := c.AddLighthouseFirewallRules(ctx, id, []LighthouseFirewallRule{builder}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddLighthouseFirewallRules(ctx, id, []LighthouseFirewallRule{builder}); ErrorCode(err) != "InvalidParameter.FirewallRulesExist" {
		t.Fatalf("adding a rule twice: %v", err)
	}
	rules, err := c.LighthouseFirewallRules(ctx, id)
	if err != nil || len(rules) != 6 || rules[5].CIDR != "198.18.7.9" {
		t.Fatalf("rules after add: %+v %v", rules, err)
	}
	if err := c.RemoveLighthouseFirewallRules(ctx, id, []LighthouseFirewallRule{builder}); err != nil {
		t.Fatal(err)
	}
	if rules, err := c.LighthouseFirewallRules(ctx, id); err != nil || len(rules) != 5 {
		t.Fatalf("rules after remove: %+v %v", rules, err)
	}

	if err := c.StopLighthouseInstance(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLighthouseInstanceState(ctx, id, "STOPPED", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := c.StartLighthouseInstance(ctx, id); err != nil {
			t.Fatalf("start round %d: %v", i, err)
		}
		if _, err := c.WaitLighthouseInstanceState(ctx, id, "RUNNING", 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}

	bid, err := c.CreateBlueprint(ctx, CreateBlueprintInput{InstanceID: id, Name: "hardened-debian-12"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitBlueprintState(ctx, bid, "NORMAL", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	desc := "cis level 1"
	if err := c.ModifyBlueprintAttribute(ctx, bid, nil, &desc); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyBlueprintAttribute(ctx, bid, nil, nil); err == nil || !strings.Contains(err.Error(), "nothing to change") {
		t.Fatalf("ModifyBlueprintAttribute with nothing: %v", err)
	}
	if err := c.ShareBlueprintAcrossAccounts(ctx, bid, "100000000002", "100000000002", "100000000003"); err != nil {
		t.Fatal(err)
	}
	if err := c.ShareBlueprintAcrossAccounts(ctx, bid, "100000000003"); err != nil {
		t.Fatalf("sharing again: %v", err)
	}
	if err := c.ShareBlueprintAcrossAccounts(ctx, bid, "alice"); ErrorCode(err) != "InvalidParameterValue.AccountIdsNotExist" {
		t.Fatalf("sharing with a non-account: %v", err)
	}
	b, err := c.GetBlueprint(ctx, bid)
	if err != nil || !b.Shared || b.Description != desc || b.Type != "PRIVATE" {
		t.Fatalf("blueprint %+v %v", b, err)
	}
	if err := c.TerminateLighthouseInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLighthouseInstanceState(ctx, id, StateTerminated, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteLighthouseKeyPairs(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	for _, a := range []string{"CreateKeyPair", "DescribeKeyPairs", "AssociateInstancesKeyPairs", "DisassociateInstancesKeyPairs", "CreateFirewallRules",
		"DeleteFirewallRules", "StartInstances", "ModifyBlueprintAttribute", "ShareBlueprintAcrossAccounts"} {
		if st.Actions[a] == 0 {
			t.Errorf("%s never called", a)
		}
	}
	var faulted int64
	for _, n := range st.Faults {
		faulted += n
	}
	if faulted < 10 {
		t.Fatalf("only %d faults injected (%v): the test did not exercise retries", faulted, st.Faults)
	}
}
