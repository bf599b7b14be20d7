package tcsim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func TestConformanceDescribeRegionsAndZones(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	regions, err := c.DescribeRegions(cvm.NewDescribeRegionsRequest())
	if err != nil {
		t.Fatal(err)
	}
	if got := int(*regions.Response.TotalCount); got != len(defaultRegions) || len(regions.Response.RegionSet) != got {
		t.Fatalf("TotalCount %d, %d regions; want %d", got, len(regions.Response.RegionSet), len(defaultRegions))
	}
	for i, r := range regions.Response.RegionSet {
		if *r.Region != defaultRegions[i] || *r.RegionName == "" || *r.RegionState != "AVAILABLE" {
			t.Fatalf("region %d = %s/%s/%s", i, *r.Region, *r.RegionName, *r.RegionState)
		}
	}
	zones, err := c.DescribeZones(cvm.NewDescribeZonesRequest())
	if err != nil {
		t.Fatal(err)
	}
	if int(*zones.Response.TotalCount) != len(zones.Response.ZoneSet) || len(zones.Response.ZoneSet) == 0 {
		t.Fatalf("TotalCount %d, %d zones", *zones.Response.TotalCount, len(zones.Response.ZoneSet))
	}
	z3 := zones.Response.ZoneSet[2]
	if *z3.Zone != "ap-guangzhou-3" || *z3.ZoneId != "100003" || *z3.ZoneName != "广州三区" || *z3.ZoneState != "AVAILABLE" {
		t.Fatalf("third zone = %s/%s/%s/%s, want ap-guangzhou-3/100003/广州三区/AVAILABLE", *z3.Zone, *z3.ZoneId, *z3.ZoneName, *z3.ZoneState)
	}
	// Every listed zone must launch, and a zone not listed must not: clients pick from this list.
	for _, z := range zones.Response.ZoneSet {
		req := cvm.NewRunInstancesRequest()
		req.Placement, req.ImageId, req.DryRun = &cvm.Placement{Zone: z.Zone}, common.StringPtr("img-9qrfy1xt"), common.BoolPtr(true)
		if _, err := c.RunInstances(req); sdkCode(err) != "DryRunOperation" {
			t.Fatalf("RunInstances in listed zone %s: %v", *z.Zone, err)
		}
	}
	req := cvm.NewRunInstancesRequest()
	req.Placement = &cvm.Placement{Zone: common.StringPtr(fmt.Sprintf("ap-guangzhou-%d", len(zones.Response.ZoneSet)+1))}
	req.ImageId = common.StringPtr("img-9qrfy1xt")
	if _, err := c.RunInstances(req); sdkCode(err) != "InvalidZone.MismatchRegion" {
		t.Fatalf("RunInstances in an unlisted zone: %v, want InvalidZone.MismatchRegion", err)
	}
	sh := cvmClient(t, srv, common.NewCredential(srv.SecretID, srv.SecretKey), "ap-shanghai")
	shz, err := sh.DescribeZones(cvm.NewDescribeZonesRequest())
	if err != nil || !strings.HasPrefix(*shz.Response.ZoneSet[0].Zone, "ap-shanghai-") || *shz.Response.ZoneSet[0].ZoneId != "200001" {
		t.Fatalf("ap-shanghai zones: %v %v", shz, err)
	}
	if _, code := call(t, srv, "ap-guangzhou", "cvm", "DescribeZones", map[string]any{"Filters": []any{}}); code != "UnknownParameter" {
		t.Fatalf("DescribeZones with a parameter it does not have: %q, want UnknownParameter", code)
	}
}

func TestConformanceDescribeInstancesStatus(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	run := cvm.NewRunInstancesRequest()
	run.Placement, run.ImageId = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}, common.StringPtr("img-9qrfy1xt")
	run.InstanceCount = common.Int64Ptr(25)
	out, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	ids := strs(out.Response.InstanceIdSet)
	// Each launch settles on its own timer, so the last one running says nothing about the
	// first under load: wait for all of them (the cases below expect RUNNING).
	for _, id := range ids {
		waitState(t, srv, id, "RUNNING")
	}

	status := func(mod func(*cvm.DescribeInstancesStatusRequest)) (*cvm.DescribeInstancesStatusResponseParams, string) {
		req := cvm.NewDescribeInstancesStatusRequest()
		mod(req)
		resp, err := c.DescribeInstancesStatus(req)
		if err != nil {
			return nil, sdkCode(err)
		}
		return resp.Response, ""
	}
	tests := []struct {
		name       string
		mod        func(*cvm.DescribeInstancesStatusRequest)
		total, set int
		first      string
		code       string
	}{
		{"default limit 20", func(*cvm.DescribeInstancesStatusRequest) {}, 25, 20, ids[0], ""},
		{"second page", func(r *cvm.DescribeInstancesStatusRequest) {
			r.Offset, r.Limit = common.Int64Ptr(20), common.Int64Ptr(20)
		}, 25, 5, ids[20], ""},
		{"offset past end", func(r *cvm.DescribeInstancesStatusRequest) { r.Offset = common.Int64Ptr(99) }, 25, 0, "", ""},
		{"by id", func(r *cvm.DescribeInstancesStatusRequest) {
			r.InstanceIds = common.StringPtrs([]string{ids[7], "ins-zzzzzzzz"})
		}, 1, 1, ids[7], ""},
		{"limit over 100", func(r *cvm.DescribeInstancesStatusRequest) { r.Limit = common.Int64Ptr(101) }, 0, 0, "", "InvalidParameterValue.LimitExceeded"},
		{"negative offset", func(r *cvm.DescribeInstancesStatusRequest) { r.Offset = common.Int64Ptr(-1) }, 0, 0, "", "InvalidParameterValue"},
		{"malformed id", func(r *cvm.DescribeInstancesStatusRequest) { r.InstanceIds = common.StringPtrs([]string{"i-1"}) }, 0, 0, "", "InvalidInstanceId.Malformed"},
	}
	for _, tc := range tests {
		got, code := status(tc.mod)
		if code != tc.code {
			t.Fatalf("%s: code %q, want %q", tc.name, code, tc.code)
		}
		if code != "" {
			continue
		}
		if int(*got.TotalCount) != tc.total || len(got.InstanceStatusSet) != tc.set {
			t.Fatalf("%s: TotalCount %d, %d entries; want %d, %d", tc.name, *got.TotalCount, len(got.InstanceStatusSet), tc.total, tc.set)
		}
		if tc.first != "" && (*got.InstanceStatusSet[0].InstanceId != tc.first || *got.InstanceStatusSet[0].InstanceState != "RUNNING") {
			t.Fatalf("%s: first %s %s, want %s RUNNING", tc.name, *got.InstanceStatusSet[0].InstanceId, *got.InstanceStatusSet[0].InstanceState, tc.first)
		}
	}
}

func TestConformanceDescribeImageSharePermission(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	id := runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	ci := cvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName = common.StringPtr(id), common.StringPtr("shared")
	img, err := c.CreateImage(ci)
	if err != nil {
		t.Fatal(err)
	}
	imageID := img.Response.ImageId
	waitImage(t, c, *imageID, "NORMAL")
	describe := func() []*cvm.SharePermission {
		t.Helper()
		req := cvm.NewDescribeImageSharePermissionRequest()
		req.ImageId = imageID
		resp, err := c.DescribeImageSharePermission(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Response.SharePermissionSet
	}
	if got := describe(); len(got) != 0 {
		t.Fatalf("new image shared with %d accounts", len(got))
	}
	share := cvm.NewModifyImageSharePermissionRequest()
	share.ImageId, share.Permission = imageID, common.StringPtr("SHARE")
	share.AccountIds = common.StringPtrs([]string{"100000000777", "100000000888"})
	if _, err := c.ModifyImageSharePermission(share); err != nil {
		t.Fatal(err)
	}
	got := describe()
	if len(got) != 2 || *got[0].AccountId != "100000000777" || *got[1].AccountId != "100000000888" || *got[0].CreatedTime == "" {
		t.Fatalf("after SHARE: %v", got)
	}
	share.Permission, share.AccountIds = common.StringPtr("CANCEL"), common.StringPtrs([]string{"100000000777"})
	if _, err := c.ModifyImageSharePermission(share); err != nil {
		t.Fatal(err)
	}
	if got := describe(); len(got) != 1 || *got[0].AccountId != "100000000888" {
		t.Fatalf("after CANCEL: %v", got)
	}
	// ModifyImageSharePermission refuses with the SDK's error codes (and changes nothing).
	for _, tc := range []struct {
		name, perm string
		accounts   []string
		want       string
	}{
		{"already shared", "SHARE", []string{"100000000999", "100000000888"}, "FailedOperation.AccountAlreadyExists"},
		{"own account", "SHARE", []string{"100000000001"} /* tcsim's default OwnerUin */, "FailedOperation.AccountIsYourSelf"},
		{"malformed account", "SHARE", []string{"12ab"}, "InvalidAccountId.NotFound"},
		{"bad permission", "LEND", []string{"100000000999"}, "InvalidParameterValue"},
		{"no accounts", "SHARE", nil, "MissingParameter"},
	} {
		req := cvm.NewModifyImageSharePermissionRequest()
		req.ImageId, req.Permission, req.AccountIds = imageID, common.StringPtr(tc.perm), common.StringPtrs(tc.accounts)
		if _, err := c.ModifyImageSharePermission(req); sdkCode(err) != tc.want {
			t.Fatalf("%s: %v, want %s", tc.name, err, tc.want)
		}
	}
	if got := describe(); len(got) != 1 {
		t.Fatalf("a refused request changed the shares: %v", got)
	}
	for _, tc := range []struct{ image, want string }{
		{"", "MissingParameter"},
		{"img-zzzzzzzz", "InvalidImageId.NotFound"},
		{"img-9qrfy1xt", "UnauthorizedOperation.ImageNotBelongToAccount"},
	} {
		req := cvm.NewDescribeImageSharePermissionRequest()
		if tc.image != "" {
			req.ImageId = common.StringPtr(tc.image)
		}
		if _, err := c.DescribeImageSharePermission(req); sdkCode(err) != tc.want {
			t.Fatalf("DescribeImageSharePermission(%q): %v, want %s", tc.image, err, tc.want)
		}
	}
}

func waitImage(t *testing.T, c *cvm.Client, id, want string) {
	t.Helper()
	for range 2000 {
		req := cvm.NewDescribeImagesRequest()
		req.ImageIds = common.StringPtrs([]string{id})
		resp, err := c.DescribeImages(req)
		if err == nil && len(resp.Response.ImageSet) == 1 && *resp.Response.ImageSet[0].ImageState == want {
			return
		}
	}
	t.Fatalf("image %s never became %s", id, want)
}
