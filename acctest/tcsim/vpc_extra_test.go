package tcsim

import (
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// netFixture is a VPC with one subnet in ap-guangzhou-3, a security group, and one instance in both.
type netFixture struct {
	vpcID, subnetID, sgID, instanceID, ip string
}

func newNetFixture(t *testing.T, srv *TestServer, c *cvm.Client, v *vpc.Client, cidr string) netFixture {
	t.Helper()
	cv := vpc.NewCreateVpcRequest()
	cv.VpcName, cv.CidrBlock = common.StringPtr("net"), common.StringPtr(cidr)
	vr, err := v.CreateVpc(cv)
	if err != nil {
		t.Fatal(err)
	}
	f := netFixture{vpcID: *vr.Response.Vpc.VpcId}
	cs := vpc.NewCreateSubnetRequest()
	cs.VpcId, cs.SubnetName, cs.Zone = vr.Response.Vpc.VpcId, common.StringPtr("a"), common.StringPtr("ap-guangzhou-3")
	cs.CidrBlock = common.StringPtr(cidr[:len(cidr)-3] + "/24")
	sr, err := v.CreateSubnet(cs)
	if err != nil {
		t.Fatal(err)
	}
	f.subnetID = *sr.Response.Subnet.SubnetId
	cg := vpc.NewCreateSecurityGroupRequest()
	cg.GroupName, cg.GroupDescription = common.StringPtr("web"), common.StringPtr("web")
	gr, err := v.CreateSecurityGroup(cg)
	if err != nil {
		t.Fatal(err)
	}
	f.sgID = *gr.Response.SecurityGroup.SecurityGroupId
	run := cvm.NewRunInstancesRequest()
	run.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	run.ImageId = common.StringPtr("img-9qrfy1xt")
	run.VirtualPrivateCloud = &cvm.VirtualPrivateCloud{VpcId: common.StringPtr(f.vpcID), SubnetId: common.StringPtr(f.subnetID)}
	run.SecurityGroupIds = common.StringPtrs([]string{f.sgID})
	rr, err := c.RunInstances(run)
	if err != nil {
		t.Fatal(err)
	}
	f.instanceID = *rr.Response.InstanceIdSet[0]
	f.ip = waitState(t, srv, f.instanceID, "RUNNING")["PrivateIpAddresses"].([]any)[0].(string)
	return f
}

func TestConformanceDescribeRouteTables(t *testing.T) {
	srv := StartForTest(t)
	c, v := sdkClients(t, srv)
	a := newNetFixture(t, srv, c, v, "10.1.0.0/16")
	b := newNetFixture(t, srv, c, v, "10.2.0.0/16")
	list := func(set func(*vpc.DescribeRouteTablesRequest)) (*vpc.DescribeRouteTablesResponseParams, string) {
		req := vpc.NewDescribeRouteTablesRequest()
		set(req)
		resp, err := v.DescribeRouteTables(req)
		if err != nil {
			return nil, sdkCode(err)
		}
		return resp.Response, ""
	}
	out, _ := list(func(r *vpc.DescribeRouteTablesRequest) {
		r.Filters = []*vpc.Filter{{Name: common.StringPtr("vpc-id"), Values: common.StringPtrs([]string{a.vpcID})}}
	})
	if *out.TotalCount != 1 {
		t.Fatalf("route tables of %s: %d, want its one default table", a.vpcID, *out.TotalCount)
	}
	rt := out.RouteTableSet[0]
	if n := nilFields(rt); len(n) > 0 {
		t.Fatalf("route table fields left null: %v", n)
	}
	if n := nilFields(rt.RouteSet[0]); len(n) > 0 {
		t.Fatalf("route fields left null: %v", n)
	}
	if !*rt.Main || len(rt.AssociationSet) != 1 || *rt.AssociationSet[0].SubnetId != a.subnetID ||
		*rt.RouteSet[0].DestinationCidrBlock != "10.1.0.0/16" || *rt.RouteSet[0].GatewayType != "LOCAL" {
		t.Fatalf("default table of %s: main %v, %d associations, route %s via %s", a.vpcID, *rt.Main, len(rt.AssociationSet),
			*rt.RouteSet[0].DestinationCidrBlock, *rt.RouteSet[0].GatewayType)
	}
	ds := vpc.NewDescribeSubnetsRequest()
	ds.SubnetIds = common.StringPtrs([]string{a.subnetID})
	subs, err := v.DescribeSubnets(ds)
	if err != nil {
		t.Fatal(err)
	}
	if got := *subs.Response.SubnetSet[0].RouteTableId; got != *rt.RouteTableId {
		t.Fatalf("subnet's RouteTableId %s, want its VPC's default table %s", got, *rt.RouteTableId)
	}
	cases := []struct {
		name        string
		set         func(*vpc.DescribeRouteTablesRequest)
		total, page int
		code        string
	}{
		{"all", func(r *vpc.DescribeRouteTablesRequest) {}, 2, 2, ""},
		{"ids", func(r *vpc.DescribeRouteTablesRequest) { r.RouteTableIds = []*string{rt.RouteTableId} }, 1, 1, ""},
		{"Limit", func(r *vpc.DescribeRouteTablesRequest) { r.Limit = common.StringPtr("1") }, 2, 1, ""},
		{"Offset", func(r *vpc.DescribeRouteTablesRequest) { r.Offset = common.StringPtr("1") }, 2, 1, ""},
		{"Limit over 100", func(r *vpc.DescribeRouteTablesRequest) { r.Limit = common.StringPtr("101") }, 0, 0, "InvalidParameterValue.LimitExceeded"},
		{"ids and filters", func(r *vpc.DescribeRouteTablesRequest) {
			r.RouteTableIds = []*string{rt.RouteTableId}
			r.Filters = []*vpc.Filter{{Name: common.StringPtr("vpc-id"), Values: common.StringPtrs([]string{b.vpcID})}}
		}, 0, 0, "InvalidParameterCombination"},
		{"unknown filter", func(r *vpc.DescribeRouteTablesRequest) {
			r.Filters = []*vpc.Filter{{Name: common.StringPtr("colour"), Values: common.StringPtrs([]string{"x"})}}
		}, 0, 0, "InvalidFilter"},
	}
	for _, tc := range cases {
		got, code := list(tc.set)
		if code != tc.code || (code == "" && (*got.TotalCount != uint64(tc.total) || len(got.RouteTableSet) != tc.page)) {
			t.Fatalf("%s: %+v %q, want TotalCount %d, %d tables, error %q", tc.name, got, code, tc.total, tc.page, tc.code)
		}
	}
}

func TestModifySubnetAttribute(t *testing.T) {
	srv := StartForTest(t)
	c, v := sdkClients(t, srv)
	f := newNetFixture(t, srv, c, v, "10.3.0.0/16")
	m := vpc.NewModifySubnetAttributeRequest()
	m.SubnetId, m.SubnetName, m.EnableBroadcast = common.StringPtr(f.subnetID), common.StringPtr("renamed"), common.StringPtr("TRUE")
	if _, err := v.ModifySubnetAttribute(m); err != nil {
		t.Fatal(err)
	}
	ds := vpc.NewDescribeSubnetsRequest()
	ds.SubnetIds = common.StringPtrs([]string{f.subnetID})
	subs, err := v.DescribeSubnets(ds)
	if err != nil {
		t.Fatal(err)
	}
	if sn := subs.Response.SubnetSet[0]; *sn.SubnetName != "renamed" || !*sn.EnableBroadcast {
		t.Fatalf("after ModifySubnetAttribute: name %q broadcast %v, want renamed true", *sn.SubnetName, *sn.EnableBroadcast)
	}
	cases := []struct {
		name            string
		id, sname, bcst *string
		want            string
	}{
		{"no id", nil, common.StringPtr("x"), nil, "MissingParameter"},
		{"malformed id", common.StringPtr("sn-1"), common.StringPtr("x"), nil, "InvalidParameterValue.Malformed"},
		{"unknown id", common.StringPtr("subnet-00000000"), common.StringPtr("x"), nil, "ResourceNotFound"},
		{"empty name", common.StringPtr(f.subnetID), common.StringPtr(""), nil, "InvalidParameterValue.TooLong"},
		{"bad broadcast", common.StringPtr(f.subnetID), nil, common.StringPtr("sometimes"), "InvalidParameterValue"},
	}
	for _, tc := range cases {
		r := vpc.NewModifySubnetAttributeRequest()
		r.SubnetId, r.SubnetName, r.EnableBroadcast = tc.id, tc.sname, tc.bcst
		if _, err := v.ModifySubnetAttribute(r); sdkCode(err) != tc.want {
			t.Fatalf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestConformanceSecurityGroupAssociationStatistics(t *testing.T) {
	srv := StartForTest(t)
	c, v := sdkClients(t, srv)
	f := newNetFixture(t, srv, c, v, "10.4.0.0/16")
	cg := vpc.NewCreateSecurityGroupRequest()
	cg.GroupName, cg.GroupDescription = common.StringPtr("lb"), common.StringPtr("lb")
	lb, err := v.CreateSecurityGroup(cg)
	if err != nil {
		t.Fatal(err)
	}
	// The lb group's rule names the web group as its peer: one more user of web.
	add := vpc.NewCreateSecurityGroupPoliciesRequest()
	add.SecurityGroupId = lb.Response.SecurityGroup.SecurityGroupId
	add.SecurityGroupPolicySet = &vpc.SecurityGroupPolicySet{Egress: []*vpc.SecurityGroupPolicy{
		{Protocol: common.StringPtr("TCP"), Port: common.StringPtr("80"), SecurityGroupId: common.StringPtr(f.sgID), Action: common.StringPtr("ACCEPT")}}}
	if _, err := v.CreateSecurityGroupPolicies(add); err != nil {
		t.Fatal(err)
	}
	stats := func(ids ...string) ([]*vpc.SecurityGroupAssociationStatistics, string) {
		req := vpc.NewDescribeSecurityGroupAssociationStatisticsRequest()
		req.SecurityGroupIds = common.StringPtrs(ids)
		resp, err := v.DescribeSecurityGroupAssociationStatistics(req)
		if err != nil {
			return nil, sdkCode(err)
		}
		return resp.Response.SecurityGroupAssociationStatisticsSet, ""
	}
	set, code := stats(f.sgID, *lb.Response.SecurityGroup.SecurityGroupId)
	if code != "" || len(set) != 2 {
		t.Fatalf("statistics: %d, %q", len(set), code)
	}
	if n := nilFields(set[0]); len(n) > 0 {
		t.Fatalf("statistics fields left null: %v", n)
	}
	if web := set[0]; *web.CVM != 1 || *web.SG != 1 || *web.TotalCount != 2 || *web.InstanceStatistics[0].InstanceCount != 1 {
		t.Fatalf("web group: CVM %d SG %d total %d, want 1 1 2", *web.CVM, *web.SG, *web.TotalCount)
	}
	if *set[1].TotalCount != 0 {
		t.Fatalf("lb group: total %d, want 0 (nothing uses it)", *set[1].TotalCount)
	}
	term := cvm.NewTerminateInstancesRequest()
	term.InstanceIds = common.StringPtrs([]string{f.instanceID})
	if _, err := c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	waitState(t, srv, f.instanceID, "")
	if set, _ := stats(f.sgID); *set[0].CVM != 0 || *set[0].TotalCount != 1 {
		t.Fatalf("after terminate: CVM %d total %d, want 0 1", *set[0].CVM, *set[0].TotalCount)
	}
	for _, tc := range []struct {
		name string
		ids  []string
		want string
	}{
		{"no ids", nil, "MissingParameter"},
		{"malformed", []string{"group-1"}, "InvalidParameterValue.Malformed"},
		{"unknown", []string{"sg-00000000"}, "ResourceNotFound"},
	} {
		if _, code := stats(tc.ids...); code != tc.want {
			t.Fatalf("%s: got %q, want %s", tc.name, code, tc.want)
		}
	}
}

func TestConformanceDescribeUsedIpAddress(t *testing.T) {
	srv := StartForTest(t)
	c, v := sdkClients(t, srv)
	f := newNetFixture(t, srv, c, v, "10.5.0.0/16")
	ask := func(set func(*vpc.DescribeUsedIpAddressRequest)) (*vpc.DescribeUsedIpAddressResponseParams, string) {
		req := vpc.NewDescribeUsedIpAddressRequest()
		req.VpcId = common.StringPtr(f.vpcID)
		set(req)
		resp, err := v.DescribeUsedIpAddress(req)
		if err != nil {
			return nil, sdkCode(err)
		}
		return resp.Response, ""
	}
	out, code := ask(func(r *vpc.DescribeUsedIpAddressRequest) { r.SubnetId = common.StringPtr(f.subnetID) })
	if code != "" || *out.TotalCount != 1 {
		t.Fatalf("used addresses of %s: %v %q, want 1", f.subnetID, out, code)
	}
	st := out.IpAddressStates[0]
	if n := nilFields(st); len(n) > 0 {
		t.Fatalf("IpAddressStates fields left null: %v", n)
	}
	if *st.IpAddress != f.ip || *st.ResourceId != f.instanceID || *st.ResourceType != "CVM" {
		t.Fatalf("used address %s by %s %s, want %s by CVM %s", *st.IpAddress, *st.ResourceType, *st.ResourceId, f.ip, f.instanceID)
	}
	cases := []struct {
		name        string
		set         func(*vpc.DescribeUsedIpAddressRequest)
		total, page int
		code        string
	}{
		{"free address", func(r *vpc.DescribeUsedIpAddressRequest) { r.IpAddresses = common.StringPtrs([]string{"10.5.0.200"}) }, 0, 0, ""},
		{"its address", func(r *vpc.DescribeUsedIpAddressRequest) { r.IpAddresses = common.StringPtrs([]string{f.ip}) }, 1, 1, ""},
		{"resource-id", func(r *vpc.DescribeUsedIpAddressRequest) {
			r.Filters = []*vpc.Filter{{Name: common.StringPtr("resource-id"), Values: common.StringPtrs([]string{f.instanceID})}}
		}, 1, 1, ""},
		{"Offset past end", func(r *vpc.DescribeUsedIpAddressRequest) { r.Offset = common.Uint64Ptr(1) }, 1, 0, ""},
		{"Limit over 100", func(r *vpc.DescribeUsedIpAddressRequest) { r.Limit = common.Uint64Ptr(101) }, 0, 0, "InvalidParameterValue.LimitExceeded"},
		{"outside the VPC", func(r *vpc.DescribeUsedIpAddressRequest) { r.IpAddresses = common.StringPtrs([]string{"10.9.0.1"}) }, 0, 0, "InvalidParameterValue.ParameterMismatch"},
		{"malformed address", func(r *vpc.DescribeUsedIpAddressRequest) { r.IpAddresses = common.StringPtrs([]string{"10.5.0"}) }, 0, 0, "InvalidParameterValue.Malformed"},
		{"no VpcId", func(r *vpc.DescribeUsedIpAddressRequest) { r.VpcId = nil }, 0, 0, "MissingParameter"},
		{"unknown VPC", func(r *vpc.DescribeUsedIpAddressRequest) { r.VpcId = common.StringPtr("vpc-00000000") }, 0, 0, "ResourceNotFound"},
	}
	for _, tc := range cases {
		got, code := ask(tc.set)
		if code != tc.code || (code == "" && (*got.TotalCount != uint64(tc.total) || len(got.IpAddressStates) != tc.page)) {
			t.Fatalf("%s: %+v %q, want TotalCount %d, %d states, error %q", tc.name, got, code, tc.total, tc.page, tc.code)
		}
	}
}
