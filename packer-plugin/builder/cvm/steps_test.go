package cvm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/communicator"
	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
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
		Endpoints: map[string]string{tencent.ServiceCVM: srv.Endpoint(), tencent.ServiceVPC: srv.Endpoint()},
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

func findImage(t *testing.T, cl *tencent.Client, osName string) tencent.Image {
	t.Helper()
	imgs, err := cl.ListImages(context.Background(), []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range imgs {
		if img.OsName == osName && img.Architecture == "x86_64" {
			return img
		}
	}
	t.Fatalf("no image %q in tcsim", osName)
	return tencent.Image{}
}

func TestStepSourceImageGate(t *testing.T) {
	srv, cl, state := testState(t)
	eol := findImage(t, cl, "Debian 10.2 64位")
	s := &stepSourceImage{ImageID: eol.ID, Policy: testPolicy(t)}
	if a := s.Run(context.Background(), state); a != multistep.ActionHalt {
		t.Fatal("EOL base passed the gate")
	}
	err := state.Get("error").(error)
	var ge *hcommon.GateError
	if !errors.As(err, &ge) {
		t.Fatalf("want a GateError, got %v", err)
	}
	for _, want := range []string{eol.ID, "Debian 10.2 64位", "2022-09-10", "Debian 13"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("gate error lacks %q: %v", want, err)
		}
	}
	st := srv.Stats()
	for a := range st.Actions {
		if a != "DescribeImages" {
			t.Errorf("gate called %s", a)
		}
	}

	// Debian 12 is in extended support: refused by default, allowed on request.
	d12 := findImage(t, cl, "Debian 12.4 64位")
	_, state2 := state, new(multistep.BasicStateBag)
	state2.Put(stateUI, packersdk.TestUi(t))
	state2.Put(stateClient, cl)
	s = &stepSourceImage{ImageID: d12.ID, Policy: testPolicy(t)}
	if s.Run(context.Background(), state2) != multistep.ActionHalt || !strings.Contains(state2.Get("error").(error).Error(), "allow_extended_support") {
		t.Fatalf("extended base: %v", state2.Get("error"))
	}
	pol := testPolicy(t)
	pol.Policy.AllowExtended = true
	state3 := new(multistep.BasicStateBag)
	state3.Put(stateUI, packersdk.TestUi(t))
	state3.Put(stateClient, cl)
	s = &stepSourceImage{ImageID: d12.ID, Policy: pol}
	mustContinue(t, s.Run(context.Background(), state3), state3)

	// Filter: newest supported Debian.
	state4 := new(multistep.BasicStateBag)
	state4.Put(stateUI, packersdk.TestUi(t))
	state4.Put(stateClient, cl)
	s = &stepSourceImage{Filter: &hcommon.ImageFilter{OSFamily: "debian", Architecture: "x86_64"}, Policy: testPolicy(t)}
	mustContinue(t, s.Run(context.Background(), state4), state4)
	if c := state4.Get(stateSource).(hcommon.Candidate); c.OS.Version != "13" {
		t.Fatalf("filter picked %s", c.Image.OsName)
	}
}

// TestStepsCleanupUndoRun runs every resource-creating step against tcsim,
// then their Cleanups in reverse order, and checks nothing is left.
func TestStepsCleanupUndoRun(t *testing.T) {
	srv, cl, state := testState(t)
	ctx := context.Background()
	img := findImage(t, cl, "Debian 13.1 64位")
	state.Put(stateSource, hcommon.Candidate{Image: img})
	tru := true
	cfg := &Config{Zone: testRegion + "-3", InstanceType: "S5.MEDIUM2", DiskType: "CLOUD_PREMIUM",
		AssociatePublicIP: &tru, InternetMaxBandwidthOut: 10, StateTimeout: time.Minute}
	comm := &communicator.Config{Type: "ssh"}
	tags := map[string]string{"packer-hardened-build": "test"}
	steps := []multistep.Step{
		newStepKeyPair(comm, "pkr_test", tags),
		&stepNetwork{VpcCIDR: "10.77.0.0/16", SubnetCIDR: "10.77.1.0/24", Zone: cfg.Zone, Name: "pkr-test", Tags: tags},
		&stepSecurityGroup{SSHCIDR: "198.18.0.0/15", Name: "pkr-test", Tags: tags},
		&stepRunInstance{Config: cfg, Name: "pkr-test", Tags: tags},
	}
	for _, s := range steps {
		mustContinue(t, s.Run(ctx, state), state)
	}
	r := srv.Resources(testRegion)
	if len(r.Instances) != 1 || len(r.KeyPairs) != 1 || len(r.SecurityGroups) != 1 || len(r.Vpcs) != 1 || len(r.Subnets) != 1 {
		t.Fatalf("after Run: %+v", r)
	}
	if len(comm.SSHPrivateKey) == 0 || !strings.Contains(string(comm.SSHPrivateKey), "OPENSSH PRIVATE KEY") {
		t.Fatal("temporary private key not handed to the communicator")
	}
	inst := state.Get(stateInstance).(tencent.Instance)
	if inst.State != "RUNNING" || len(inst.KeyIDs) != 1 || inst.SubnetID != state.Get(stateSubnetID) {
		t.Fatalf("instance: %+v", inst)
	}
	host, err := sshHost("public_ip")(state)
	if err != nil || host == "" {
		t.Fatalf("ssh host: %q %v", host, err)
	}
	// The security group opens TCP 22 from ssh_cidr only.
	st := srv.State()
	if !strings.Contains(stateJSON(t, st), "198.18.0.0/15") {
		t.Error("security group rule with ssh_cidr not found in tcsim state")
	}
	for i := len(steps) - 1; i >= 0; i-- {
		steps[i].Cleanup(state)
	}
	r = srv.Resources(testRegion)
	if len(r.Instances) != 0 || len(r.KeyPairs) != 0 || len(r.SecurityGroups) != 0 || len(r.Vpcs) != 0 || len(r.Subnets) != 0 {
		t.Fatalf("after Cleanup: %+v", r)
	}
	// Cleanup twice is harmless.
	for i := len(steps) - 1; i >= 0; i-- {
		steps[i].Cleanup(state)
	}
}

// TestStepsUseExistingResources: given ids are used and never deleted.
func TestStepsUseExistingResources(t *testing.T) {
	srv, cl, state := testState(t)
	ctx := context.Background()
	vpc, err := cl.CreateVpc(ctx, "mine", "10.1.0.0/16", nil)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := cl.CreateSubnet(ctx, vpc.ID, "mine", "10.1.1.0/24", testRegion+"-3", nil)
	if err != nil {
		t.Fatal(err)
	}
	n := &stepNetwork{VpcID: vpc.ID, SubnetID: sub.ID, Zone: testRegion + "-3"}
	mustContinue(t, n.Run(ctx, state), state)
	n.Cleanup(state)
	sg := &stepSecurityGroup{GroupID: "sg-mine"}
	mustContinue(t, sg.Run(ctx, state), state)
	sg.Cleanup(state)
	if r := srv.Resources(testRegion); len(r.Vpcs) != 1 || len(r.Subnets) != 1 {
		t.Fatalf("user resources deleted: %+v", r)
	}
	wrongZone := &stepNetwork{VpcID: vpc.ID, SubnetID: sub.ID, Zone: testRegion + "-4"}
	if wrongZone.Run(ctx, state) != multistep.ActionHalt || !strings.Contains(state.Get("error").(error).Error(), "zone") {
		t.Fatalf("subnet in another zone accepted: %v", state.Get("error"))
	}
}

// TestStepCreateImageCleanupOnFailure: an image made by a build that then
// fails is deleted; one of a successful build is kept.
func TestStepCreateImageCleanupOnFailure(t *testing.T) {
	for _, fail := range []bool{false, true} {
		srv, cl, state := testState(t)
		ctx := context.Background()
		img := findImage(t, cl, "Debian 13.1 64位")
		state.Put(stateSource, hcommon.Candidate{Image: img})
		id, err := cl.RunInstance(ctx, tencent.RunInstanceInput{Zone: testRegion + "-3", ImageID: img.ID, InstanceType: "S5.MEDIUM2", Name: "x"})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := cl.WaitInstanceState(ctx, id, "RUNNING", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		state.Put(stateInstance, inst)
		state.Put(stateProvInput, hcommon.ProvenanceInput{Profile: "debian-13", BundleVersion: "harden 0.1.0"})
		s := &stepCreateImage{Config: &Config{ImageName: "img-test", StateTimeout: time.Minute}, Now: time.Now}
		mustContinue(t, s.Run(ctx, state), state)
		if fail {
			state.Put(multistep.StateHalted, true)
		}
		s.Cleanup(state)
		got := len(srv.Resources(testRegion).PrivateImages)
		if fail && got != 0 || !fail && got != 1 {
			t.Errorf("fail=%v: %d private images left", fail, got)
		}
	}
}

// TestSecurityGroupDefaultCIDR: without ssh_cidr the group opens SSH to this
// machine's address only.
func TestSecurityGroupDefaultCIDR(t *testing.T) {
	srv, _, state := testState(t)
	s := &stepSecurityGroup{Name: "pkr-default", localAddr: func(string) (string, error) { return "203.0.113.7", nil }}
	mustContinue(t, s.Run(context.Background(), state), state)
	js := stateJSON(t, srv.State())
	if !strings.Contains(js, "203.0.113.7/32") {
		t.Fatalf("security group rules: %s", js)
	}
	s.Cleanup(state)
	if r := srv.Resources(testRegion); len(r.SecurityGroups) != 0 {
		t.Fatalf("left: %v", r.SecurityGroups)
	}
	failing := &stepSecurityGroup{Name: "x", localAddr: func(string) (string, error) { return "", errors.New("no route") }}
	if failing.Run(context.Background(), state) != multistep.ActionHalt || !strings.Contains(state.Get("error").(error).Error(), "set ssh_cidr") {
		t.Fatalf("no-address error: %v", state.Get("error"))
	}
	if ip, err := hcommon.LocalAddress("127.0.0.1:1", ""); err != nil || ip != "127.0.0.1" {
		t.Fatalf("localAddress: %q %v", ip, err)
	}
}

// TestExistingKeyPair: with ssh_keypair_name + ssh_private_key_file no
// temporary key pair is made, the instance gets the given one, and cleanup
// leaves it alone.
func TestExistingKeyPair(t *testing.T) {
	srv, cl, state := testState(t)
	ctx := context.Background()
	kp, err := cl.CreateKeyPair(ctx, "mine", nil)
	if err != nil {
		t.Fatal(err)
	}
	img := findImage(t, cl, "Debian 13.1 64位")
	state.Put(stateSource, hcommon.Candidate{Image: img})
	netw := &stepNetwork{VpcCIDR: "10.77.0.0/16", SubnetCIDR: "10.77.1.0/24", Zone: testRegion + "-3", Name: "n"}
	mustContinue(t, netw.Run(ctx, state), state)
	sg := &stepSecurityGroup{SSHCIDR: "198.18.0.0/15", Name: "n"}
	mustContinue(t, sg.Run(ctx, state), state)
	f := false
	cfg := &Config{Zone: testRegion + "-3", InstanceType: "S5.MEDIUM2", AssociatePublicIP: &f, StateTimeout: time.Minute}
	cfg.Comm = communicator.Config{Type: "ssh"}
	cfg.Comm.SSHKeyPairName = kp.ID
	cfg.Comm.SSHPrivateKeyFile = "/dev/null"
	k := newStepKeyPair(&cfg.Comm, "pkr_x", nil)
	mustContinue(t, k.Run(ctx, state), state)
	if _, ok := state.GetOk(stateKeyID); ok {
		t.Fatal("a temporary key pair was created")
	}
	ri := &stepRunInstance{Config: cfg, Name: "x"}
	mustContinue(t, ri.Run(ctx, state), state)
	inst := state.Get(stateInstance).(tencent.Instance)
	if len(inst.KeyIDs) != 1 || inst.KeyIDs[0] != kp.ID {
		t.Fatalf("instance keys %v, want %s", inst.KeyIDs, kp.ID)
	}
	ri.Cleanup(state)
	sg.Cleanup(state)
	netw.Cleanup(state)
	k.Cleanup(state)
	if r := srv.Resources(testRegion); len(r.KeyPairs) != 1 || len(r.Instances) != 0 || len(r.Vpcs) != 0 {
		t.Fatalf("after cleanup: %+v", r)
	}
}
