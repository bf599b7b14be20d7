package lighthouse

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

const testRegion = "ap-guangzhou"

// testState starts tcsim (API only) and returns a state bag wired to it.
func testState(t *testing.T) (*tcsim.TestServer, *tencent.Client, multistep.StateBag) {
	t.Helper()
	srv := tcsim.StartForTest(t)
	cl, err := tencent.New(context.Background(), tencent.Config{
		Region: testRegion, SecretID: srv.SecretID, SecretKey: srv.SecretKey,
		Endpoints: map[string]string{tencent.ServiceLighthouse: srv.Endpoint()},
		Scheme:    "http", PollInterval: 50 * time.Millisecond, MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	state := new(multistep.BasicStateBag)
	state.Put(stateUI, packersdk.TestUi(t))
	state.Put(stateClient, cl)
	return srv, cl, state
}

func testPolicy(t *testing.T) hcommon.LifecyclePolicy {
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return hcommon.LifecyclePolicy{Catalog: cat, Today: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Policy: lifecycle.DefaultPolicy()}
}

func mustContinue(t *testing.T, a multistep.StepAction, state multistep.StateBag) {
	t.Helper()
	if a != multistep.ActionContinue {
		t.Fatalf("step halted: %v", state.Get("error"))
	}
}

// TestStepsBuildAndCancel runs every API step of a build against tcsim: the
// gate picks Debian 13, a temporary key pair, the instance, the firewall
// reduced to SSH from the builder, and a blueprint whose packed tags carry
// provenance that verifies. Then the build is cancelled, and the cleanups
// (in reverse, as multistep runs them) leave nothing behind.
func TestStepsBuildAndCancel(t *testing.T) {
	srv, cl, state := testState(t)
	ctx := context.Background()
	c := &Config{BundleID: DefaultBundleID, BlueprintName: "debian13-cis", StateTimeout: time.Minute,
		BlueprintTags: map[string]string{"team": "platform"}}
	comm := &communicator.Config{Type: "ssh"}
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	steps := []multistep.Step{
		&stepSourceBlueprint{Filter: &hcommon.ImageFilter{OSFamily: "debian", OSVersion: "13", Architecture: "x86_64"}, Policy: testPolicy(t)},
		newStepKeyPair(comm, "pkr_hardened_test", map[string]string{"packer-hardened-build": "x"}),
		&stepInstance{Config: c, Name: "packer-hardened-test"},
		&stepFirewall{SSHCIDR: "198.18.0.7/32"},
	}
	for _, s := range steps {
		mustContinue(t, s.Run(ctx, state), state)
	}
	inst := state.Get(stateInstance).(tencent.LighthouseInstance)
	if src := state.Get(stateSource).(hcommon.Candidate); src.Image.OsName != "Debian 13.1 64bit" || inst.BlueprintID != src.Image.ID {
		t.Fatalf("source %+v, instance from %s", src.Image, inst.BlueprintID)
	}
	if len(comm.SSHPrivateKey) == 0 || len(inst.KeyIDs) != 1 || inst.KeyIDs[0] != state.Get(stateKeyID) {
		t.Fatalf("temporary key pair not used: instance keys %v", inst.KeyIDs)
	}
	rules, err := cl.LighthouseFirewallRules(ctx, inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || rules[0].Protocol != "TCP" || rules[0].Port != "22" || rules[0].CIDR != "198.18.0.7/32" {
		t.Fatalf("firewall after the step: %+v (want only TCP 22 from the builder)", rules)
	}

	in, err := hcommon.ParseProvenanceInput([]byte(`{"profile":"debian-13","tool":"harden","version":"0.1.0",
		"summary":{"pass":221,"fail":0,"waived":1,"manual":0},"packages":{"sha256":"0123abcd"}}`))
	if err != nil {
		t.Fatal(err)
	}
	state.Put(stateProvInput, in)
	fixed := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	cb := &stepCreateBlueprint{Config: c, SigningKey: key, Now: func() time.Time { return fixed }}
	mustContinue(t, cb.Run(ctx, state), state)
	id := state.Get(stateBlueprintID).(string)
	bp, err := cl.GetBlueprint(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if bp.State != "NORMAL" || bp.Type != "PRIVATE" || bp.Tags["team"] != "platform" || len(bp.Tags) > MaxBlueprintTags ||
		!strings.HasPrefix(bp.Description, "hardened debian-13 from lhbp-") {
		t.Fatalf("blueprint %+v", bp)
	}
	ring, _ := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	p, err := provenance.VerifyTags(bp.Tags, ring)
	if err != nil {
		t.Fatalf("provenance of %s: %v (tags %v)", id, err, bp.Tags)
	}
	if p.ProfileID != "debian-13" || p.Pass != 221 || p.BaseImageID != inst.BlueprintID || p.BaseOsName != "Debian 13.1 64bit" || !p.BuildTime.Equal(fixed) {
		t.Fatalf("provenance %+v", p.Record)
	}

	// Ctrl-C now: every Cleanup, in reverse order.
	state.Put(multistep.StateCancelled, true)
	all := append(steps, cb)
	for i := len(all) - 1; i >= 0; i-- {
		all[i].Cleanup(state)
	}
	r := srv.Resources(testRegion).Lighthouse
	if len(r.Instances) != 0 || len(r.KeyPairs) != 0 || len(r.Blueprints) != 0 {
		t.Fatalf("left after a cancelled build: %+v", r)
	}
}

// TestGateRefusesEOLBlueprint: an EOL base is refused before anything is
// created, with the date and the successor.
func TestGateRefusesEOLBlueprint(t *testing.T) {
	srv, cl, state := testState(t)
	bps, err := cl.ListBlueprints(context.Background(), []tencent.Filter{{Name: "blueprint-name", Values: []string{"CentOS 7.9 64bit"}}})
	if err != nil || len(bps) != 1 {
		t.Fatalf("CentOS 7.9 blueprint: %v %v", bps, err)
	}
	s := &stepSourceBlueprint{BlueprintID: bps[0].ID, Policy: testPolicy(t)}
	if s.Run(context.Background(), state) != multistep.ActionHalt {
		t.Fatal("EOL blueprint passed the gate")
	}
	msg := state.Get("error").(error).Error()
	for _, want := range []string{"base blueprint " + bps[0].ID, "CentOS 7.9 64bit", "2024-06-30", "Build from"} {
		if !strings.Contains(msg, want) {
			t.Errorf("gate error %q lacks %q", msg, want)
		}
	}
	if r := srv.Resources(testRegion).Lighthouse; len(r.Instances)+len(r.KeyPairs) != 0 {
		t.Fatalf("the refused build created %+v", r)
	}
}
