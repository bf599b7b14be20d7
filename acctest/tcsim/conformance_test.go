package tcsim

import (
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// Conformance tests: each sends a request through an unmodified SDK client and decodes the
// answer into the SDK's own response model, so a shape the real API would not produce fails.

func sdkClients(t *testing.T, srv *TestServer) (*cvm.Client, *vpc.Client) {
	t.Helper()
	cred := common.NewCredential(srv.SecretID, srv.SecretKey)
	vc, err := vpc.NewClient(cred, "ap-guangzhou", sdkProfile(srv))
	if err != nil {
		t.Fatal(err)
	}
	return cvmClient(t, srv, cred, "ap-guangzhou"), vc
}

// runOne launches one instance from image and waits until it is RUNNING.
func runOne(t *testing.T, srv *TestServer, c *cvm.Client, image string, diskSize int64, kil string) string {
	t.Helper()
	req := cvm.NewRunInstancesRequest()
	req.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	req.ImageId = common.StringPtr(image)
	if diskSize > 0 {
		req.SystemDisk = &cvm.SystemDisk{DiskSize: common.Int64Ptr(diskSize)}
	}
	if kil != "" {
		req.LoginSettings = &cvm.LoginSettings{KeepImageLogin: common.StringPtr(kil)}
	}
	resp, err := c.RunInstances(req)
	if err != nil {
		t.Fatalf("RunInstances(KeepImageLogin=%q): %v", kil, err)
	}
	id := *resp.Response.InstanceIdSet[0]
	waitState(t, srv, id, "RUNNING")
	return id
}

func TestConformanceBooleanStringsAnyCase(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	for i, v := range []string{"True", "False", "true", "false", "TRUE", "FALSE"} {
		id := runOne(t, srv, c, "img-9qrfy1xt", 0, v)
		req := cvm.NewCreateImageRequest()
		req.InstanceId = common.StringPtr(id)
		req.ImageName = common.StringPtr("bool-" + string(rune('a'+i)))
		req.ForcePoweroff, req.Sysprep = common.StringPtr(v), common.StringPtr(v)
		resp, err := c.CreateImage(req)
		if err != nil {
			t.Fatalf("CreateImage(ForcePoweroff=Sysprep=%q): %v", v, err)
		}
		if resp.Response.ImageId == nil || !validID("img", *resp.Response.ImageId) {
			t.Fatalf("CreateImage(%q): ImageId %v", v, resp.Response.ImageId)
		}
	}
	id := runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	bad := []struct {
		field string
		set   func(*cvm.CreateImageRequest)
	}{
		{"ForcePoweroff", func(r *cvm.CreateImageRequest) { r.ForcePoweroff = common.StringPtr("yes") }},
		{"Sysprep", func(r *cvm.CreateImageRequest) { r.Sysprep = common.StringPtr("1") }},
	}
	for _, tc := range bad {
		req := cvm.NewCreateImageRequest()
		req.InstanceId, req.ImageName = common.StringPtr(id), common.StringPtr("bad-"+tc.field)
		tc.set(req)
		if _, err := c.CreateImage(req); sdkCode(err) != "InvalidParameterValue" {
			t.Fatalf("CreateImage with bad %s: got %v, want InvalidParameterValue", tc.field, err)
		}
	}
	run := cvm.NewRunInstancesRequest()
	run.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	run.ImageId = common.StringPtr("img-9qrfy1xt")
	run.LoginSettings = &cvm.LoginSettings{KeepImageLogin: common.StringPtr("maybe")}
	if _, err := c.RunInstances(run); sdkCode(err) != "InvalidParameterValue" {
		t.Fatalf("RunInstances with KeepImageLogin=maybe: got %v, want InvalidParameterValue", err)
	}
}

func TestConformanceSecurityGroupPolicyPeer(t *testing.T) {
	srv := StartForTest(t)
	_, v := sdkClients(t, srv)
	mk := func(name string) string {
		req := vpc.NewCreateSecurityGroupRequest()
		req.GroupName, req.GroupDescription = common.StringPtr(name), common.StringPtr(name)
		resp, err := v.CreateSecurityGroup(req)
		if err != nil {
			t.Fatal(err)
		}
		return *resp.Response.SecurityGroup.SecurityGroupId
	}
	owner, peer := mk("web"), mk("lb")
	add := vpc.NewCreateSecurityGroupPoliciesRequest()
	add.SecurityGroupId = common.StringPtr(owner)
	add.SecurityGroupPolicySet = &vpc.SecurityGroupPolicySet{Ingress: []*vpc.SecurityGroupPolicy{
		{Protocol: common.StringPtr("TCP"), Port: common.StringPtr("22"), CidrBlock: common.StringPtr("10.0.0.0/8"), Action: common.StringPtr("ACCEPT")},
		{Protocol: common.StringPtr("TCP"), Port: common.StringPtr("443"), SecurityGroupId: common.StringPtr(peer), Action: common.StringPtr("ACCEPT")},
	}}
	if _, err := v.CreateSecurityGroupPolicies(add); err != nil {
		t.Fatal(err)
	}
	desc := vpc.NewDescribeSecurityGroupPoliciesRequest()
	desc.SecurityGroupId = common.StringPtr(owner)
	resp, err := v.DescribeSecurityGroupPolicies(desc)
	if err != nil {
		t.Fatal(err)
	}
	in := resp.Response.SecurityGroupPolicySet.Ingress
	if len(in) != 2 {
		t.Fatalf("ingress rules = %d, want 2", len(in))
	}
	if got := in[0].SecurityGroupId; got == nil || *got != "" {
		t.Fatalf("CIDR rule SecurityGroupId = %v, want \"\" (no peer group)", got)
	}
	if got := in[1].SecurityGroupId; got == nil || *got != peer {
		t.Fatalf("peer rule SecurityGroupId = %v, want the peer %s (not the owner %s)", got, peer, owner)
	}
	cases := []struct {
		name string
		pol  *vpc.SecurityGroupPolicy
		want string
	}{
		{"unknown peer", &vpc.SecurityGroupPolicy{Protocol: common.StringPtr("TCP"), SecurityGroupId: common.StringPtr("sg-00000000"), Action: common.StringPtr("ACCEPT")}, "ResourceNotFound"},
		{"peer and cidr", &vpc.SecurityGroupPolicy{Protocol: common.StringPtr("TCP"), SecurityGroupId: common.StringPtr(peer), CidrBlock: common.StringPtr("10.0.0.0/8"), Action: common.StringPtr("ACCEPT")}, "InvalidParameter"},
	}
	for _, tc := range cases {
		req := vpc.NewCreateSecurityGroupPoliciesRequest()
		req.SecurityGroupId = common.StringPtr(owner)
		req.SecurityGroupPolicySet = &vpc.SecurityGroupPolicySet{Egress: []*vpc.SecurityGroupPolicy{tc.pol}}
		if _, err := v.CreateSecurityGroupPolicies(req); sdkCode(err) != tc.want {
			t.Fatalf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestConformanceDescribeImagesInstanceType(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	list := func(itype string) []*cvm.Image {
		t.Helper()
		var out []*cvm.Image
		for off := uint64(0); ; off += 100 {
			req := cvm.NewDescribeImagesRequest()
			req.Offset, req.Limit = common.Uint64Ptr(off), common.Uint64Ptr(100)
			if itype != "" {
				req.InstanceType = common.StringPtr(itype)
			}
			resp, err := c.DescribeImages(req)
			if err != nil {
				t.Fatalf("DescribeImages(InstanceType=%q): %v", itype, err)
			}
			out = append(out, resp.Response.ImageSet...)
			if off+100 >= uint64(*resp.Response.TotalCount) {
				return out
			}
		}
	}
	count := func(ims []*cvm.Image, arch string) int {
		n := 0
		for _, im := range ims {
			if *im.Architecture == arch {
				n++
			}
		}
		return n
	}
	all := list("")
	if count(all, "arm") == 0 || count(all, "x86_64") == 0 {
		t.Fatal("catalog must have ARM and x86_64 images for this test")
	}
	tests := []struct{ itype, keep, drop string }{
		{"S5.MEDIUM2", "x86_64", "arm"},
		{"SA2.LARGE8", "x86_64", "arm"},
		{"SR1.MEDIUM4", "arm", "x86_64"},
	}
	for _, tc := range tests {
		got := list(tc.itype)
		if count(got, tc.drop) != 0 || count(got, tc.keep) != count(all, tc.keep) {
			t.Fatalf("InstanceType %s: %d %s / %d %s images, want all %d %s and no %s", tc.itype,
				count(got, tc.keep), tc.keep, count(got, tc.drop), tc.drop, count(all, tc.keep), tc.keep, tc.drop)
		}
	}
	req := cvm.NewDescribeImagesRequest()
	req.InstanceType = common.StringPtr("s5-medium")
	if _, err := c.DescribeImages(req); sdkCode(err) != "InvalidInstanceType.Malformed" {
		t.Fatalf("malformed InstanceType: got %v, want InvalidInstanceType.Malformed", err)
	}
}

func TestConformanceCustomImageSizeIsSystemDisk(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	id := runOne(t, srv, c, "img-9qrfy1xt", 80, "")
	req := cvm.NewCreateImageRequest()
	req.InstanceId, req.ImageName = common.StringPtr(id), common.StringPtr("big-disk")
	resp, err := c.CreateImage(req)
	if err != nil {
		t.Fatal(err)
	}
	d := cvm.NewDescribeImagesRequest()
	d.ImageIds = []*string{resp.Response.ImageId}
	out, err := c.DescribeImages(d)
	if err != nil || len(out.Response.ImageSet) != 1 {
		t.Fatalf("DescribeImages: %v", err)
	}
	if got := *out.Response.ImageSet[0].ImageSize; got != 80 {
		t.Fatalf("custom image ImageSize = %d, want the system disk's 80 (the source image has 20)", got)
	}
}

func TestConformanceDisassociateKeyPairsRunningIsAnOperation(t *testing.T) {
	srv := StartForTest(t, WithDelays(Delays{Stop: 100 * time.Millisecond, Start: 100 * time.Millisecond}))
	c, _ := sdkClients(t, srv)
	imp := cvm.NewImportKeyPairRequest()
	imp.KeyName, imp.ProjectId = common.StringPtr("ops"), common.Int64Ptr(0)
	imp.PublicKey = common.StringPtr("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx3HJpIKfXm6bXkCZvhnzDnHFzUJvQzbn0x5kvvvDw5 ops")
	key, err := c.ImportKeyPair(imp)
	if err != nil {
		t.Fatal(err)
	}
	id := runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	assoc := cvm.NewAssociateInstancesKeyPairsRequest()
	assoc.InstanceIds, assoc.KeyIds = common.StringPtrs([]string{id}), []*string{key.Response.KeyId}
	if _, err := c.AssociateInstancesKeyPairs(assoc); sdkCode(err) != "UnsupportedOperation.InstanceStateRunning" {
		t.Fatalf("AssociateInstancesKeyPairs on RUNNING without ForceStop: %v, want UnsupportedOperation.InstanceStateRunning", err)
	}
	assoc.ForceStop = common.BoolPtr(true)
	if _, err := c.AssociateInstancesKeyPairs(assoc); err != nil {
		t.Fatal(err)
	}
	if got := waitState(t, srv, id, "RUNNING"); got["LatestOperation"] != "AssociateInstancesKeyPairs" {
		t.Fatalf("AssociateInstancesKeyPairs with ForceStop on RUNNING: LatestOperation %v", got["LatestOperation"])
	}
	dis := cvm.NewDisassociateInstancesKeyPairsRequest()
	dis.InstanceIds, dis.KeyIds = assoc.InstanceIds, assoc.KeyIds
	if _, err := c.DisassociateInstancesKeyPairs(dis); sdkCode(err) != "UnsupportedOperation.InstanceStateRunning" {
		t.Fatalf("DisassociateInstancesKeyPairs on RUNNING without ForceStop: %v, want UnsupportedOperation.InstanceStateRunning", err)
	}
	dis.ForceStop = common.BoolPtr(true)
	if _, err := c.DisassociateInstancesKeyPairs(dis); err != nil {
		t.Fatal(err)
	}
	d := cvm.NewDescribeInstancesRequest()
	d.InstanceIds = common.StringPtrs([]string{id})
	out, err := c.DescribeInstances(d)
	if err != nil {
		t.Fatal(err)
	}
	in := out.Response.InstanceSet[0]
	if *in.LatestOperation != "DisassociateInstancesKeyPairs" || *in.LatestOperationState != "OPERATING" || *in.InstanceState != "STOPPING" {
		t.Fatalf("right after DisassociateInstancesKeyPairs on RUNNING: %s %s %s, want DisassociateInstancesKeyPairs OPERATING STOPPING",
			*in.LatestOperation, *in.LatestOperationState, *in.InstanceState)
	}
	if len(in.LoginSettings.KeyIds) != 0 {
		t.Fatalf("key ids after disassociate: %v", strs(in.LoginSettings.KeyIds))
	}
	stop := cvm.NewStopInstancesRequest()
	stop.InstanceIds = d.InstanceIds
	if _, err := c.StopInstances(stop); sdkCode(err) != "OperationDenied.InstanceOperationInProgress" {
		t.Fatalf("StopInstances during the operation: %v, want OperationDenied.InstanceOperationInProgress", err)
	}
	final := waitState(t, srv, id, "RUNNING")
	if final["LatestOperation"] != "DisassociateInstancesKeyPairs" || final["LatestOperationState"] != "SUCCESS" {
		t.Fatalf("after the operation: %v %v, want DisassociateInstancesKeyPairs SUCCESS", final["LatestOperation"], final["LatestOperationState"])
	}
	// A STOPPED instance needs no ForceStop and stays STOPPED.
	if _, err := c.StopInstances(stop); err != nil {
		t.Fatal(err)
	}
	waitState(t, srv, id, "STOPPED")
	assoc.ForceStop = nil
	if _, err := c.AssociateInstancesKeyPairs(assoc); err != nil {
		t.Fatalf("AssociateInstancesKeyPairs on STOPPED without ForceStop: %v", err)
	}
	if got := waitState(t, srv, id, "STOPPED"); len(got["LoginSettings"].(map[string]any)["KeyIds"].([]any)) != 1 {
		t.Fatalf("key ids after associating a STOPPED instance: %v", got["LoginSettings"])
	}
}
