package tencent

import (
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func TestImageAttributesSharingAndKeyAssociation(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	id, img := customImage(t, c, "ap-guangzhou-1", "img-j5e5hadz", "ocs9-hardened")
	name, deprecated := "ocs9-hardened-v2", true
	if err := c.ModifyImage(ctx, img, ModifyImageInput{Name: &name, Deprecated: &deprecated}); err != nil {
		t.Fatal(err)
	}
	im, err := c.GetImage(ctx, img)
	if err != nil || im.Name != name || !im.Deprecated {
		t.Fatalf("after modify: %+v %v (the cache must be invalidated)", im, err)
	}
	if err := c.ShareImage(ctx, img, []string{"100000000777"}, true); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImages(ctx, img); ErrorCode(err) != "InvalidImageId.InShared" {
		t.Fatalf("deleting a shared image: %v", err)
	}
	// Sharing again with one account that already has the image: the API would refuse the
	// whole request (FailedOperation.AccountAlreadyExists); the client shares only the new one.
	if err := c.ShareImage(ctx, img, []string{"100000000777", "100000000888"}, true); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ImageShares(ctx, img); err != nil || strings.Join(got, ",") != "100000000777,100000000888" {
		t.Fatalf("DescribeImageSharePermission after sharing: %v %v", got, err)
	}
	if err := c.ShareImage(ctx, img, []string{"100000000777", "100000000888"}, false); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ImageShares(ctx, img); err != nil || len(got) != 0 {
		t.Fatalf("DescribeImageSharePermission after cancelling: %v %v", got, err)
	}
	key, err := c.ImportKeyPair(ctx, "ops", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx3HJpIKfXm6bXkCZvhnzDnHFzUJvQzbn0x5kvvvDw5 ops", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The instance is RUNNING: the API refuses key changes unless told to force-stop it.
	if err := c.AssociateKeyPairs(ctx, []string{id}, []string{key}, true, false); ErrorCode(err) != "UnsupportedOperation.InstanceStateRunning" {
		t.Fatalf("associating a RUNNING instance without forceStop: %v", err)
	}
	if err := c.AssociateKeyPairs(ctx, []string{id}, []string{key}, true, true); err != nil {
		t.Fatal(err)
	}
	in, err := c.WaitInstanceOperation(ctx, id, time.Minute)
	if err != nil || len(in.KeyIDs) != 1 || in.KeyIDs[0] != key {
		t.Fatalf("key ids after associate: %v %v", in.KeyIDs, err)
	}
	if err := c.AssociateKeyPairs(ctx, []string{id}, []string{key}, false, true); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceOperation(ctx, id, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteKeyPair(ctx, key); err != nil {
		t.Fatal(err)
	}
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteImages(ctx, img); err != nil {
		t.Fatal(err)
	}
	subnets, err := c.DescribeSubnets(ctx, nil)
	if err != nil || len(subnets) != 0 {
		t.Fatalf("subnets: %v %v", subnets, err)
	}
	sgs, err := c.DescribeSecurityGroups(ctx, []Filter{{Name: "security-group-name", Values: []string{"x"}}})
	if err != nil || len(sgs) != 0 {
		t.Fatalf("security groups: %v %v", sgs, err)
	}
}

func TestModifyInstanceAndTerminationProtection(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-2", ImageID: "img-9qrfy1xt", Name: "old"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceState(ctx, id, "RUNNING", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	sg, err := c.CreateSecurityGroup(ctx, "web", "web", nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	name, protect := "new", true
	if err := c.ModifyInstance(ctx, id, ModifyInstanceInput{Name: &name, SecurityGroupIDs: []string{sg.ID}, DisableAPITermination: &protect}); err != nil {
		t.Fatal(err)
	}
	in, err := c.GetInstance(ctx, id)
	if err != nil || in.Name != "new" || len(in.SecurityGroupIDs) != 1 || !in.TerminationProtected {
		t.Fatalf("after modify: %+v %v", in, err)
	}
	if err := c.TerminateInstances(ctx, id); ErrorCode(err) != "UnsupportedOperation.InstancesProtected" {
		t.Fatalf("terminating a protected instance: %v", err)
	}
	protect = false
	if err := c.ModifyInstance(ctx, id, ModifyInstanceInput{DisableAPITermination: &protect, SecurityGroupIDs: []string{}}); err != nil {
		t.Fatal(err)
	}
	if err := c.TerminateInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSecurityGroup(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
}
