package tcsim

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

func tagClient(t *testing.T, srv *TestServer) *tag.Client {
	t.Helper()
	c, err := tag.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), "ap-guangzhou", sdkProfile(srv))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// providerName builds a resource description the way the official provider does
// (BuildTagResourceName: the account segment left empty).
func providerName(service, prefix, id string) string {
	return fmt.Sprintf("qcs::%s:ap-guangzhou:uin/:%s/%s", service, prefix, id)
}

// resourceTags reads one resource's tags as the official provider's DescribeResourceTags does.
func resourceTags(t *testing.T, tc *tag.Client, service, prefix, id string) map[string]string {
	t.Helper()
	req := tag.NewDescribeResourceTagsByResourceIdsRequest()
	req.ServiceType, req.ResourcePrefix, req.ResourceRegion = common.StringPtr(service), common.StringPtr(prefix), common.StringPtr("ap-guangzhou")
	req.ResourceIds = common.StringPtrs([]string{id})
	req.Offset, req.Limit = common.Uint64Ptr(0), common.Uint64Ptr(20)
	resp, err := tc.DescribeResourceTagsByResourceIds(req)
	if err != nil {
		t.Fatalf("DescribeResourceTagsByResourceIds(%s/%s): %v", prefix, id, err)
	}
	out := map[string]string{}
	for _, r := range resp.Response.Tags {
		if n := nilFields(r); len(n) > 0 {
			t.Fatalf("TagResource fields left null: %v", n)
		}
		if *r.ResourceId != id || *r.TagKeyMd5 != md5Hex(*r.TagKey) || *r.ServiceType != service {
			t.Fatalf("row %+v does not describe %s:%s", r, service, id)
		}
		out[*r.TagKey] = *r.TagValue
	}
	return out
}

func tagsString(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// modifyTags sends ModifyResourceTags: replace holds "key=value" pairs, del the keys to unbind.
func modifyTags(tc *tag.Client, resource string, replace []string, del ...string) error {
	req := tag.NewModifyResourceTagsRequest()
	req.Resource = common.StringPtr(resource)
	for _, kv := range replace {
		k, v, _ := strings.Cut(kv, "=")
		req.ReplaceTags = append(req.ReplaceTags, &tag.Tag{TagKey: common.StringPtr(k), TagValue: common.StringPtr(v)})
	}
	for _, k := range del {
		req.DeleteTags = append(req.DeleteTags, &tag.TagKeyObject{TagKey: common.StringPtr(k)})
	}
	_, err := tc.ModifyResourceTags(req)
	return err
}

func TestTagAPISeesAndChangesResourceTags(t *testing.T) {
	srv := StartForTest(t)
	c, v := sdkClients(t, srv)
	tc := tagClient(t, srv)

	run := cvm.NewRunInstancesRequest()
	run.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	run.ImageId = common.StringPtr("img-9qrfy1xt")
	run.TagSpecification = []*cvm.TagSpecification{{ResourceType: common.StringPtr("instance"),
		Tags: []*cvm.Tag{{Key: common.StringPtr("env"), Value: common.StringPtr("prod")}, {Key: common.StringPtr("team"), Value: common.StringPtr("ops")}}}}
	out, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	ins := *out.Response.InstanceIdSet[0]
	if got := tagsString(resourceTags(t, tc, "cvm", "instance", ins)); got != "env=prod,team=ops" {
		t.Fatalf("RunInstances TagSpecification through the Tag API: %q", got)
	}

	cv := vpc.NewCreateVpcRequest()
	cv.VpcName, cv.CidrBlock = common.StringPtr("net"), common.StringPtr("10.1.0.0/16")
	cv.Tags = []*vpc.Tag{{Key: common.StringPtr("env"), Value: common.StringPtr("dev")}}
	vr, err := v.CreateVpc(cv)
	if err != nil {
		t.Fatal(err)
	}
	vpcID := *vr.Response.Vpc.VpcId
	if got := tagsString(resourceTags(t, tc, "vpc", "vpc", vpcID)); got != "env=dev" {
		t.Fatalf("CreateVpc Tags through the Tag API: %q", got)
	}

	// One TagResources call for both; a third, unknown resource fails alone.
	tr := tag.NewTagResourcesRequest()
	tr.ResourceList = common.StringPtrs([]string{providerName("cvm", "instance", ins), providerName("vpc", "vpc", vpcID), providerName("vpc", "vpc", "vpc-00000000")})
	tr.Tags = []*tag.Tag{{TagKey: common.StringPtr("env"), TagValue: common.StringPtr("stage")}, {TagKey: common.StringPtr("cost"), TagValue: common.StringPtr("a1")}}
	trr, err := tc.TagResources(tr)
	if err != nil {
		t.Fatal(err)
	}
	if f := trr.Response.FailedResources; len(f) != 1 || *f[0].Code != "InvalidParameterValue.ResourceIdInvalid" || !strings.Contains(*f[0].Resource, "vpc-00000000") {
		t.Fatalf("FailedResources = %v, want only vpc-00000000", f)
	}
	di := cvm.NewDescribeInstancesRequest()
	di.InstanceIds = common.StringPtrs([]string{ins})
	dio, err := c.DescribeInstances(di)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tg := range dio.Response.InstanceSet[0].Tags {
		got[*tg.Key] = *tg.Value
	}
	if tagsString(got) != "cost=a1,env=stage,team=ops" {
		t.Fatalf("DescribeInstances Tags after TagResources: %q", tagsString(got))
	}
	dv := vpc.NewDescribeVpcsRequest()
	dv.VpcIds = common.StringPtrs([]string{vpcID})
	dvo, err := v.DescribeVpcs(dv)
	if err != nil {
		t.Fatal(err)
	}
	if ts := dvo.Response.VpcSet[0].TagSet; len(ts) != 2 || *ts[0].Key != "env" || *ts[0].Value != "stage" {
		t.Fatalf("DescribeVpcs TagSet after TagResources: %v", ts)
	}

	un := tag.NewUnTagResourcesRequest()
	un.ResourceList, un.TagKeys = tr.ResourceList[:1], common.StringPtrs([]string{"cost", "absent"})
	if _, err := tc.UnTagResources(un); err != nil {
		t.Fatal(err)
	}
	if got := tagsString(resourceTags(t, tc, "cvm", "instance", ins)); got != "env=stage,team=ops" {
		t.Fatalf("after UnTagResources: %q", got)
	}

	// The official provider's security group and subnet updates: ModifyResourceTags.
	sgr := vpc.NewCreateSecurityGroupRequest()
	sgr.GroupName, sgr.GroupDescription = common.StringPtr("web"), common.StringPtr("web")
	sgo, err := v.CreateSecurityGroup(sgr)
	if err != nil {
		t.Fatal(err)
	}
	sg := *sgo.Response.SecurityGroup.SecurityGroupId
	if err := modifyTags(tc, providerName("cvm", "sg", sg), []string{"a=1", "b=2"}); err != nil {
		t.Fatal(err)
	}
	if err := modifyTags(tc, providerName("cvm", "sg", sg), []string{"a=9"}, "b"); err != nil {
		t.Fatal(err)
	}
	sgs := mustCall(t, srv, "vpc", "DescribeSecurityGroups", map[string]any{"SecurityGroupIds": []string{sg}})["SecurityGroupSet"].([]any)
	if ts := sgs[0].(map[string]any)["TagSet"].([]any); len(ts) != 1 || ts[0].(map[string]any)["Key"] != "a" || ts[0].(map[string]any)["Value"] != "9" {
		t.Fatalf("DescribeSecurityGroups TagSet after ModifyResourceTags: %v", ts)
	}

	// CBS volumes are cvm:volume; a terminated instance's tags read as none, not an error.
	disk := *dio.Response.InstanceSet[0].SystemDisk.DiskId
	if err := modifyTags(tc, providerName("cvm", "volume", disk), []string{"disk=sys"}); err != nil {
		t.Fatal(err)
	}
	if got := tagsString(resourceTags(t, tc, "cvm", "volume", disk)); got != "disk=sys" {
		t.Fatalf("volume tags: %q", got)
	}
	term := cvm.NewTerminateInstancesRequest()
	term.InstanceIds = di.InstanceIds
	if _, err := c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	waitState(t, srv, ins, "")
	if got := resourceTags(t, tc, "cvm", "instance", ins); len(got) != 0 {
		t.Fatalf("tags of a terminated instance: %v", got)
	}
}

func TestTagAPIImagesAndListings(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	tc := tagClient(t, srv)
	ins := runOne(t, srv, c, "img-9qrfy1xt", 0, "")
	ci := cvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName = common.StringPtr(ins), common.StringPtr("golden")
	ci.TagSpecification = []*cvm.TagSpecification{{ResourceType: common.StringPtr("image"),
		Tags: []*cvm.Tag{{Key: common.StringPtr("hardened:profile"), Value: common.StringPtr("cis-l1")}}}}
	cio, err := c.CreateImage(ci)
	if err != nil {
		t.Fatal(err)
	}
	img := *cio.Response.ImageId
	if err := modifyTags(tc, fmt.Sprintf("qcs::cvm:ap-guangzhou:uin/%s:image/%s", srv.opts.OwnerUin, img), []string{"owner=sec team"}); err != nil {
		t.Fatal(err)
	}
	d := cvm.NewDescribeImagesRequest()
	d.ImageIds = common.StringPtrs([]string{img})
	dio, err := c.DescribeImages(d)
	if err != nil {
		t.Fatal(err)
	}
	if ts := dio.Response.ImageSet[0].Tags; len(ts) != 2 || *ts[1].Key != "owner" || *ts[1].Value != "sec team" {
		t.Fatalf("DescribeImages Tags after ModifyResourceTags: %v", ts)
	}
	// Public images belong to Tencent: not this account's to tag.
	if err := modifyTags(tc, providerName("cvm", "image", "img-9qrfy1xt"), []string{"owner=x"}); sdkCode(err) != "InvalidParameterValue.ResourceIdInvalid" {
		t.Fatalf("tagging a public image: %v", err)
	}

	gr := tag.NewGetResourcesRequest()
	gr.TagFilters = []*tag.TagFilter{{TagKey: common.StringPtr("hardened:profile"), TagValue: common.StringPtrs([]string{"cis-l1"})}}
	gro, err := tc.GetResources(gr)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("qcs::cvm:ap-guangzhou:uin/%s:image/%s", srv.opts.OwnerUin, img)
	if l := gro.Response.ResourceTagMappingList; len(l) != 1 || *l[0].Resource != want || len(l[0].Tags) != 2 || *gro.Response.PaginationToken != "" {
		t.Fatalf("GetResources by tag: %v (token %q), want %s with 2 tags", l, *gro.Response.PaginationToken, want)
	}
	for _, tg := range gro.Response.ResourceTagMappingList[0].Tags {
		if n := nilFields(tg); len(n) > 0 {
			t.Fatalf("GetResources tag fields left null: %v", n)
		}
	}

	dt := tag.NewDescribeTagsRequest()
	dt.TagKeys = common.StringPtrs([]string{"owner"})
	dto, err := tc.DescribeTags(dt)
	if err != nil {
		t.Fatal(err)
	}
	if ts := dto.Response.Tags; *dto.Response.TotalCount != 1 || len(ts) != 1 || *ts[0].TagValue != "sec team" || len(nilFields(ts[0])) > 0 {
		t.Fatalf("DescribeTags(owner): %v", ts)
	}
	dr := tag.NewDescribeResourceTagsRequest()
	dr.ServiceType, dr.ResourcePrefix, dr.ResourceRegion = common.StringPtr("cvm"), common.StringPtr("image"), common.StringPtr("ap-guangzhou")
	dro, err := tc.DescribeResourceTags(dr)
	if err != nil {
		t.Fatal(err)
	}
	if rows := dro.Response.Rows; *dro.Response.TotalCount != 2 || len(rows) != 2 || *rows[0].ResourceId != img {
		t.Fatalf("DescribeResourceTags(cvm image): %d rows %v", *dro.Response.TotalCount, rows)
	}
}
