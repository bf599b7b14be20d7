package tcsim

import (
	"net/netip"
	"strconv"
	"strings"

	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// mainRouteTableID is the id of the default route table a VPC is created with. It is derived
// from the VPC id (vpc-abcd1234 → rtb-abcd1234) instead of stored: the table lives and dies
// with its VPC, and state files written before tcsim modelled route tables get one too.
func mainRouteTableID(vpcID string) string {
	return "rtb-" + strings.TrimPrefix(vpcID, "vpc-")
}

// mainRouteTable is the VPC's default table: every subnet of the VPC associated with it and
// the one LOCAL route for the VPC's own CIDR block, as a new VPC has on the real API.
func mainRouteTable(rs *regionState, v *vpc.Vpc) *vpc.RouteTable {
	id := sp(mainRouteTableID(str(v.VpcId)))
	assoc := []*vpc.RouteTableAssociation{}
	for _, sn := range sortedBySeq(rs.Subnets, func(r *subnetRec) int64 { return r.Seq }) {
		if str(sn.Subnet.VpcId) == str(v.VpcId) {
			assoc = append(assoc, &vpc.RouteTableAssociation{SubnetId: sn.Subnet.SubnetId, RouteTableId: id})
		}
	}
	local := &vpc.Route{
		DestinationCidrBlock: v.CidrBlock, GatewayType: sp("LOCAL"), GatewayId: sp("Local"), RouteId: ptrU64(0),
		RouteDescription: sp(""), Enabled: bp(true), RouteType: sp("DEFAULT"), RouteTableId: id,
		DestinationIpv6CidrBlock: sp(""), RouteItemId: sp("rti-" + strings.TrimPrefix(str(v.VpcId), "vpc-")),
		PublishedToVbc: bp(false), CreatedTime: v.CreatedTime, CdcId: sp(""),
	}
	return &vpc.RouteTable{
		VpcId: v.VpcId, RouteTableId: id, RouteTableName: sp("default"), AssociationSet: assoc,
		RouteSet: []*vpc.Route{local}, Main: bp(true), CreatedTime: v.CreatedTime, TagSet: []*vpc.Tag{},
		LocalCidrForCcn: []*vpc.CidrForCcn{},
	}
}

func (s *Server) describeRouteTables(rc *reqCtx) (any, *APIError) {
	var p vpc.DescribeRouteTablesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	q, e := parseVPCListQuery("RouteTableIds", p.RouteTableIds, p.Filters, p.Offset, p.Limit,
		"route-table-id", "route-table-name", "vpc-id", "association.main", "next-hop-type", "tag-key", "tag-value", "tag:")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	matched := []*vpc.RouteTable{}
	for _, rec := range sortedBySeq(rs.Vpcs, func(v *vpcRec) int64 { return v.Seq }) {
		rt := mainRouteTable(rs, rec.Vpc)
		if !q.wantsID(str(rt.RouteTableId)) || !q.fs.match("route-table-id", str(rt.RouteTableId)) ||
			!q.fs.match("route-table-name", str(rt.RouteTableName)) || !q.fs.match("vpc-id", str(rt.VpcId)) ||
			!q.fs.match("association.main", "true") || !q.fs.match("next-hop-type", "LOCAL") || !q.fs.matchTags(nil) {
			continue
		}
		matched = append(matched, rt)
	}
	return pagedSet(q.offset, q.lim, "RouteTableSet", matched)
}

func (s *Server) modifySubnetAttribute(rc *reqCtx) (any, *APIError) {
	var p vpc.ModifySubnetAttributeRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	id := str(p.SubnetId)
	if id == "" {
		return nil, missingParam("SubnetId")
	}
	if !validID("subnet", id) {
		return nil, apiErr("InvalidParameterValue.Malformed", "The subnet id `%s` is malformed; subnet ids look like subnet-xxxxxxxx.", id)
	}
	if p.SubnetName != nil && (*p.SubnetName == "" || len(*p.SubnetName) > 60) {
		return nil, apiErr("InvalidParameterValue.TooLong", "SubnetName must be 1-60 characters, got %d.", len(*p.SubnetName))
	}
	var broadcast *bool
	if v := str(p.EnableBroadcast); v != "" {
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return nil, invalidValue("EnableBroadcast", v, "use true or false")
		}
		broadcast = &b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sn, ok := s.region(rc).Subnets[id]
	if !ok {
		return nil, apiErr("ResourceNotFound", "The subnet `%s` does not exist.", id)
	}
	if p.SubnetName != nil {
		sn.Subnet.SubnetName = sp(*p.SubnetName)
	}
	if broadcast != nil {
		sn.Subnet.EnableBroadcast = broadcast
	}
	return nil, nil
}

// sgStatistics counts what uses the security group: instances bound to it and the other groups
// whose rules name it as their peer (delete waits for both to reach zero).
func sgStatistics(rs *regionState, id string) *vpc.SecurityGroupAssociationStatistics {
	cvms := uint64(len(rs.instancesWhere(func(in *instanceRec) bool { return contains(strs(in.Instance.SecurityGroupIds), id) })))
	var peers uint64
	for gid, g := range rs.SecurityGroups {
		if gid == id || g.Policies == nil {
			continue
		}
		for _, pol := range append(append([]*vpc.SecurityGroupPolicy{}, g.Policies.Ingress...), g.Policies.Egress...) {
			if str(pol.SecurityGroupId) == id {
				peers++
				break
			}
		}
	}
	return &vpc.SecurityGroupAssociationStatistics{
		SecurityGroupId: sp(id), CVM: ptrU64(cvms), CDB: ptrU64(0), ENI: ptrU64(0), SG: ptrU64(peers), CLB: ptrU64(0),
		InstanceStatistics: []*vpc.InstanceStatistic{{InstanceType: sp("CVM"), InstanceCount: ptrU64(cvms)}},
		TotalCount:         ptrU64(cvms + peers),
	}
}

func (s *Server) describeSecurityGroupAssociationStatistics(rc *reqCtx) (any, *APIError) {
	var p vpc.DescribeSecurityGroupAssociationStatisticsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids := strs(p.SecurityGroupIds)
	if len(ids) == 0 {
		return nil, missingParam("SecurityGroupIds")
	}
	if len(ids) > 100 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 100 SecurityGroupIds are allowed per request, got %d.", len(ids))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	set := make([]*vpc.SecurityGroupAssociationStatistics, 0, len(ids))
	for _, id := range ids {
		if !validID("sg", id) {
			return nil, apiErr("InvalidParameterValue.Malformed", "The security group id `%s` is malformed; ids look like sg-xxxxxxxx.", id)
		}
		if _, e := lookupSG(rs, id); e != nil {
			return nil, e
		}
		set = append(set, sgStatistics(rs, id))
	}
	return rawJSON(map[string]any{"SecurityGroupAssociationStatisticsSet": set}), nil
}

func (s *Server) describeUsedIpAddress(rc *reqCtx) (any, *APIError) {
	var p vpc.DescribeUsedIpAddressRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	vpcID, subnetID := str(p.VpcId), str(p.SubnetId)
	if vpcID == "" {
		return nil, missingParam("VpcId")
	}
	if len(p.IpAddresses) > 0 && len(p.Filters) > 0 {
		return nil, apiErr("InvalidParameterCombination", "The parameters `IpAddresses` and `Filters` cannot be specified at the same time.")
	}
	if len(p.IpAddresses) > 100 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 100 IpAddresses are allowed per request, got %d.", len(p.IpAddresses))
	}
	fs, e := parseFilters(vpcFilters(p.Filters), "ip-addresses", "resource-id")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	v, ok := rs.Vpcs[vpcID]
	if !ok {
		return nil, apiErr("ResourceNotFound", "The VPC `%s` does not exist.", vpcID)
	}
	scope := netip.MustParsePrefix(str(v.Vpc.CidrBlock))
	if subnetID != "" {
		sn, ok := rs.Subnets[subnetID]
		if !ok || str(sn.Subnet.VpcId) != vpcID {
			return nil, apiErr("InvalidParameterValue.ParameterMismatch", "The subnet `%s` is not in VPC %s.", subnetID, vpcID)
		}
		scope = netip.MustParsePrefix(str(sn.Subnet.CidrBlock))
	}
	wantIPs := strs(p.IpAddresses)
	for _, ip := range wantIPs {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return nil, apiErr("InvalidParameterValue.Malformed", "The IP address `%s` is malformed.", ip)
		}
		if !scope.Contains(a) {
			return nil, apiErr("InvalidParameterValue.ParameterMismatch", "The IP address `%s` is not inside %s.", ip, scope)
		}
	}
	used := []*vpc.IpAddressStates{}
	for _, rec := range sortedBySeq(rs.Instances, func(i *instanceRec) int64 { return i.Seq }) {
		in := rec.Instance
		vc := in.VirtualPrivateCloud
		if vc == nil || str(vc.VpcId) != vpcID || (subnetID != "" && str(vc.SubnetId) != subnetID) {
			continue
		}
		for _, ip := range strs(in.PrivateIpAddresses) {
			if (len(wantIPs) > 0 && !contains(wantIPs, ip)) || !fs.match("ip-addresses", ip) || !fs.match("resource-id", str(in.InstanceId)) {
				continue
			}
			used = append(used, &vpc.IpAddressStates{VpcId: vc.VpcId, SubnetId: vc.SubnetId, IpAddress: sp(ip),
				ResourceType: sp("CVM"), ResourceId: in.InstanceId})
		}
	}
	var off, lim *int64
	if p.Offset != nil {
		off = ip64(int64(*p.Offset))
	}
	if p.Limit != nil {
		lim = ip64(int64(*p.Limit))
	}
	return pagedSet(off, lim, "IpAddressStates", used)
}
