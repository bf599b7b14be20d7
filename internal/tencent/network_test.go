package tencent

import (
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestNetworkHelpersAndInUseRetries builds what the Packer builder builds (key pair, VPC,
// subnet, locked-down security group, instance), then tears it down in the usual order without
// waiting for the instance to be gone: the deletes must ride out ResourceInUse with backoff.
func TestNetworkHelpersAndInUseRetries(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithDelays(tcsim.Delays{Terminate: 100 * time.Millisecond}))
	c, logs := newTestClient(t, srv, func(cfg *Config) {
		cfg.RetryBaseDelay, cfg.RetryMaxDelay, cfg.MaxRetries = 10*time.Millisecond, 40*time.Millisecond, 60
	})
	ctx := ctxT(t)
	tags := map[string]string{"packer": "build-1"}
	kp, err := c.CreateKeyPair(ctx, "packer_build_1", tags)
	if err != nil || !strings.Contains(kp.PrivateKey, "PRIVATE KEY") || kp.PublicKey == "" {
		t.Fatalf("CreateKeyPair: %+v, %v", kp, err)
	}
	v, err := c.CreateVpc(ctx, "packer", "10.20.0.0/16", tags)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := c.CreateSubnet(ctx, v.ID, "packer", "10.20.1.0/24", "ap-guangzhou-3", tags)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := c.CreateSecurityGroup(ctx, "packer", "ssh from the builder only",
		[]SecurityGroupRule{{Protocol: "TCP", Port: "22", CIDR: "198.18.0.1/32", Action: "ACCEPT"}},
		[]SecurityGroupRule{{Protocol: "ALL", Port: "ALL", CIDR: "0.0.0.0/0", Action: "ACCEPT"}}, tags)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSecurityGroup(ctx, "bad", "rule fails", []SecurityGroupRule{{Protocol: "TCP", Port: "22", CIDR: "x", Action: "ACCEPT"}}, nil, nil); err == nil ||
		!strings.Contains(err.Error(), "deleted again") {
		t.Fatalf("a security group whose rules fail must be removed again: %v", err)
	}
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-j5e5hadz", VpcID: v.ID, SubnetID: sn.ID,
		SecurityGroupIDs: []string{sg.ID}, KeyIDs: []string{kp.ID}, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.WaitInstanceState(ctx, id, "RUNNING", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if in.VpcID != v.ID || in.SubnetID != sn.ID || len(in.KeyIDs) != 1 || in.KeyIDs[0] != kp.ID || !strings.HasPrefix(in.PrivateIPs[0], "10.20.1.") {
		t.Fatalf("instance = %+v", in)
	}
	listed, err := c.ListInstances(ctx, []Filter{{Name: "tag:packer", Values: []string{"build-1"}}})
	if err != nil || len(listed) != 1 {
		t.Fatalf("ListInstances by tag: %v, %v", listed, err)
	}
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	// No wait: the instance is still TERMINATING while we delete what it uses.
	if err := c.DeleteSecurityGroup(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKeyPair(ctx, kp.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSubnet(ctx, sn.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteVpc(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "code=ResourceInUse") {
		t.Fatal("expected ResourceInUse retries while the instance was terminating")
	}
	res := srv.Resources("ap-guangzhou")
	if len(res.Instances)+len(res.KeyPairs)+len(res.Vpcs)+len(res.Subnets)+len(res.SecurityGroups) != 0 {
		t.Fatalf("orphans: %+v", res)
	}
	if vpcs, err := c.DescribeVpcs(ctx, nil); err != nil || len(vpcs) != 0 {
		t.Fatalf("DescribeVpcs after delete: %v %v", vpcs, err)
	}
}

func TestSyncImagesAndForRegion(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	id, img := customImage(t, c, "ap-guangzhou-3", "img-9qrfy1xt", "golden")
	copies, err := c.SyncImages(ctx, []string{img}, []string{"ap-shanghai"})
	if err != nil || len(copies["ap-shanghai"]) != 1 {
		t.Fatalf("SyncImages: %v %v", copies, err)
	}
	sh, err := c.ForRegion("ap-shanghai")
	if err != nil {
		t.Fatal(err)
	}
	copyID := copies["ap-shanghai"][0]
	if _, err := sh.WaitImageNormal(ctx, copyID, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// The copy lives in ap-shanghai only: the guangzhou client does not see it.
	if m, err := c.DescribeImagesByID(ctx, []string{copyID}); err != nil || len(m) != 0 {
		t.Fatalf("guangzhou sees the shanghai copy: %v %v", m, err)
	}
	if err := sh.DeleteImages(ctx, copyID); err != nil {
		t.Fatal(err)
	}
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImages(ctx, img); err != nil {
		t.Fatal(err)
	}
	if len(srv.Resources("ap-shanghai").PrivateImages)+len(srv.Resources("ap-guangzhou").PrivateImages) != 0 {
		t.Fatal("images left behind")
	}
}

// TestOperationsWaitForRunningOperation: calls refused with OperationDenied.InstanceOperationInProgress
// (a slow launch, an image being created) wait for that operation instead of burning retries.
func TestOperationsWaitForRunningOperation(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithDelays(tcsim.Delays{Launch: 300 * time.Millisecond, CreateImage: 300 * time.Millisecond}))
	c, logs := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 1 })
	ctx := ctxT(t)
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-9qrfy1xt"})
	if err != nil {
		t.Fatal(err)
	}
	// Still PENDING: image creation must wait for the launch to finish.
	img, err := c.CreateImage(ctx, CreateImageInput{InstanceID: id, Name: "while-launching"})
	if err != nil {
		t.Fatalf("CreateImage during launch: %v", err)
	}
	// The image is still CREATING: terminate must wait for it.
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatalf("TerminateInstances during image creation: %v", err)
	}
	if _, err := c.WaitImageNormal(ctx, img, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceState(ctx, id, StateTerminated, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "waiting for running instance operations before retrying") {
		t.Fatal("the refused calls did not wait for the running operation")
	}
	if err := c.DeleteImages(ctx, img); err != nil {
		t.Fatal(err)
	}
}
