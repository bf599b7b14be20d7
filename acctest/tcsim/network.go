package tcsim

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func vpcFilters(in []*vpc.Filter) []*cvm.Filter {
	out := make([]*cvm.Filter, 0, len(in))
	for _, f := range in {
		if f != nil {
			out = append(out, &cvm.Filter{Name: f.Name, Values: f.Values})
		}
	}
	return out
}

func vpcTags(tags []Tag) []*vpc.Tag {
	out := make([]*vpc.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, &vpc.Tag{Key: sp(t.Key), Value: sp(t.Value)})
	}
	return out
}

func tagsOfVPC(in []*vpc.Tag) ([]Tag, *APIError) {
	out := make([]Tag, 0, len(in))
	for i, t := range in {
		if t == nil || str(t.Key) == "" {
			return nil, missingParam(fmt.Sprintf("Tags.%d.Key", i))
		}
		out = append(out, Tag{Key: str(t.Key), Value: str(t.Value)})
	}
	return out, nil
}

var privateRanges = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}

func parseCIDR(field, v string, minBits, maxBits int) (netip.Prefix, *APIError) {
	p, err := netip.ParsePrefix(v)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, apiErr("InvalidParameterValue.Malformed", "The value `%s` of `%s` is not a valid IPv4 CIDR block.", v, field)
	}
	if p.Bits() < minBits || p.Bits() > maxBits {
		return netip.Prefix{}, apiErr("InvalidParameterValue.Range", "The CIDR block `%s` of `%s` must have a mask between /%d and /%d.", v, field, minBits, maxBits)
	}
	return p, nil
}

func within(inner, outer netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

func (s *Server) createVpc(rc *reqCtx) (any, *APIError) {
	var p vpc.CreateVpcRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	name := str(p.VpcName)
	if name == "" {
		return nil, missingParam("VpcName")
	}
	if len(name) > 60 {
		return nil, invalidValue("VpcName", name, "must be at most 60 characters")
	}
	if str(p.CidrBlock) == "" {
		return nil, missingParam("CidrBlock")
	}
	cidr, e := parseCIDR("CidrBlock", str(p.CidrBlock), 12, 28)
	if e != nil {
		return nil, e
	}
	private := false
	for _, r := range privateRanges {
		private = private || within(cidr, r)
	}
	if !private {
		return nil, apiErr("InvalidParameterValue.Range", "The VPC CIDR block `%s` must lie within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.", cidr)
	}
	tags, e := vpcRequestTags(p.Tags)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	v := &vpc.Vpc{
		VpcName: sp(name), VpcId: sp(newID("vpc")), CidrBlock: sp(cidr.String()), IsDefault: bp(false),
		EnableMulticast: bp(str(p.EnableMulticast) == "true"), CreatedTime: sp(rc.now.UTC().Format("2006-01-02 15:04:05")),
		DnsServerSet: sps([]string{"183.60.83.19", "183.60.82.98"}), DomainName: p.DomainName, EnableDhcp: bp(true),
		TagSet: vpcTags(tags), Ipv6CidrBlock: sp(""),
	}
	rs.Vpcs[*v.VpcId] = &vpcRec{Vpc: v, Seq: s.world.next()}
	return rawJSON(map[string]any{"Vpc": v}), nil
}

func (s *Server) deleteVpc(rc *reqCtx) (any, *APIError) {
	return inRegion(s, rc, nil, func(p *vpc.DeleteVpcRequestParams, rs *regionState) (any, *APIError) {
		id := str(p.VpcId)
		if _, e := lookup(rs.Vpcs, "VpcId", "VPC", id); e != nil {
			return nil, e
		}
		var subnets []string
		for sid, sn := range rs.Subnets {
			if str(sn.Subnet.VpcId) == id {
				subnets = append(subnets, sid)
			}
		}
		sort.Strings(subnets)
		if len(subnets) > 0 {
			return nil, apiErr("ResourceInUse", "The VPC `%s` still has subnets (%s); delete them first.", id, strings.Join(subnets, ", "))
		}
		delete(rs.Vpcs, id)
		return nil, nil
	})
}

func (s *Server) describeVpcs(rc *reqCtx) (any, *APIError) {
	var p vpc.DescribeVpcsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	q, e := parseVPCListQuery("VpcIds", p.VpcIds, p.Filters, p.Offset, p.Limit, "vpc-name", "vpc-id", "cidr-block", "is-default", "tag-key", "tag-value", "tag:")
	if e != nil {
		return nil, e
	}
	fs := q.fs
	return describeVPCList(s, rc, q, "VpcSet", func(rs *regionState) map[string]*vpcRec { return rs.Vpcs }, func(r *vpcRec) int64 { return r.Seq },
		func(rec *vpcRec) (*vpc.Vpc, bool) {
			v := rec.Vpc
			tags, _ := tagsOfVPC(v.TagSet)
			return v, q.wantsID(str(v.VpcId)) && fs.match("vpc-name", str(v.VpcName)) && fs.match("vpc-id", str(v.VpcId)) &&
				fs.match("cidr-block", str(v.CidrBlock)) && fs.match("is-default", strconv.FormatBool(*v.IsDefault)) && fs.matchTags(tags)
		})
}

func (s *Server) createSubnet(rc *reqCtx) (any, *APIError) {
	var p vpc.CreateSubnetRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	for field, v := range map[string]*string{"VpcId": p.VpcId, "SubnetName": p.SubnetName, "CidrBlock": p.CidrBlock, "Zone": p.Zone} {
		if str(v) == "" {
			return nil, missingParam(field)
		}
	}
	cidr, e := parseCIDR("CidrBlock", str(p.CidrBlock), 16, 29)
	if e != nil {
		return nil, e
	}
	zone := str(p.Zone)
	if !validZone(rc.region, zone) {
		return nil, apiErr("InvalidParameterValue.Zone", "The zone `%s` in Zone does not belong to the region %s; DescribeZones lists its zones.", zone, rc.region)
	}
	tags, e := vpcRequestTags(p.Tags)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	vr, e := lookup(rs.Vpcs, "VpcId", "VPC", str(p.VpcId))
	if e != nil {
		return nil, e
	}
	vpcCIDR := netip.MustParsePrefix(str(vr.Vpc.CidrBlock))
	if !within(cidr, vpcCIDR) {
		return nil, apiErr("InvalidParameterValue.SubnetRange", "The subnet CIDR `%s` is not inside the VPC CIDR %s.", cidr, vpcCIDR)
	}
	for _, sn := range rs.Subnets {
		if str(sn.Subnet.VpcId) == str(p.VpcId) && netip.MustParsePrefix(str(sn.Subnet.CidrBlock)).Overlaps(cidr) {
			return nil, apiErr("InvalidParameterValue.SubnetConflict", "The subnet CIDR `%s` overlaps subnet %s (%s).", cidr, str(sn.Subnet.SubnetId), str(sn.Subnet.CidrBlock))
		}
	}
	total := uint64(1) << (32 - cidr.Bits())
	sub := &vpc.Subnet{
		VpcId: p.VpcId, SubnetId: sp(newID("subnet")), SubnetName: p.SubnetName, CidrBlock: sp(cidr.String()),
		IsDefault: bp(false), EnableBroadcast: bp(false), Zone: sp(zone), RouteTableId: sp(mainRouteTableID(str(p.VpcId))),
		CreatedTime: sp(rc.now.UTC().Format("2006-01-02 15:04:05")), AvailableIpAddressCount: ptrU64(total - 3),
		TotalIpAddressCount: ptrU64(total), NetworkAclId: sp(""), IsRemoteVpcSnat: bp(false), TagSet: vpcTags(tags),
		Ipv6CidrBlock: sp(""), CdcId: sp(""), IsCdcSubnet: ip64(0),
	}
	rs.Subnets[*sub.SubnetId] = &subnetRec{Subnet: sub, Seq: s.world.next()}
	return rawJSON(map[string]any{"Subnet": sub}), nil
}

func ptrU64(v uint64) *uint64 { return &v }

// allocateSubnetIP hands out the next address of the subnet (the first two and the last are
// reserved, as in Tencent Cloud); caller holds s.mu.
func allocateSubnetIP(sn *subnetRec) string {
	p := netip.MustParsePrefix(str(sn.Subnet.CidrBlock))
	base := binary.BigEndian.Uint32(p.Addr().AsSlice())
	size := uint32(1) << (32 - p.Bits())
	offset := 2 + sn.NextIP%(size-3)
	sn.NextIP++
	if sn.Subnet.AvailableIpAddressCount != nil && *sn.Subnet.AvailableIpAddressCount > 0 {
		*sn.Subnet.AvailableIpAddressCount--
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], base+offset)
	return netip.AddrFrom4(b).String()
}

func (s *Server) deleteSubnet(rc *reqCtx) (any, *APIError) {
	return inRegion(s, rc, nil, func(p *vpc.DeleteSubnetRequestParams, rs *regionState) (any, *APIError) {
		id := str(p.SubnetId)
		if _, e := lookup(rs.Subnets, "SubnetId", "subnet", id); e != nil {
			return nil, e
		}
		users := rs.instancesWhere(func(in *instanceRec) bool {
			v := in.Instance.VirtualPrivateCloud
			return v != nil && str(v.SubnetId) == id
		})
		if len(users) > 0 {
			return nil, apiErr("ResourceInUse", "The subnet `%s` is used by instance(s) %s.", id, strings.Join(users, ", "))
		}
		delete(rs.Subnets, id)
		return nil, nil
	})
}

func (s *Server) describeSubnets(rc *reqCtx) (any, *APIError) {
	var p vpc.DescribeSubnetsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	q, e := parseVPCListQuery("SubnetIds", p.SubnetIds, p.Filters, p.Offset, p.Limit, "subnet-id", "vpc-id", "cidr-block", "is-default", "subnet-name", "zone", "tag-key", "tag-value", "tag:")
	if e != nil {
		return nil, e
	}
	fs := q.fs
	return describeVPCList(s, rc, q, "SubnetSet", func(rs *regionState) map[string]*subnetRec { return rs.Subnets }, func(r *subnetRec) int64 { return r.Seq },
		func(rec *subnetRec) (*vpc.Subnet, bool) {
			sn := rec.Subnet
			tags, _ := tagsOfVPC(sn.TagSet)
			return sn, q.wantsID(str(sn.SubnetId)) && fs.match("subnet-id", str(sn.SubnetId)) && fs.match("vpc-id", str(sn.VpcId)) &&
				fs.match("cidr-block", str(sn.CidrBlock)) && fs.match("subnet-name", str(sn.SubnetName)) && fs.match("zone", str(sn.Zone)) &&
				fs.match("is-default", strconv.FormatBool(*sn.IsDefault)) && fs.matchTags(tags)
		})
}

// describeVPCList answers a VPC Describe* action: the records of the request's region in
// creation order (seq), those that pick selects (it returns the wire value and whether q's
// ids and filters select it), paged by q's Offset/Limit into setName.
func describeVPCList[R, W any](s *Server, rc *reqCtx, q vpcListQuery, setName string, records func(*regionState) map[string]R,
	seq func(R) int64, pick func(R) (W, bool)) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []W{}
	for _, rec := range sortedBySeq(records(s.region(rc)), seq) {
		if w, ok := pick(rec); ok {
			matched = append(matched, w)
		}
	}
	start, end, e := page(q.offset, q.lim, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), setName: matched[start:end]}), nil
}

// vpcListQuery is the common front of the VPC Describe* actions: ids xor
// filters (like the real API), filters limited to the allowed names, and the
// string-typed Offset/Limit the VPC API uses.
type vpcListQuery struct {
	ids         []string
	fs          filterSet
	offset, lim *int64
}

func parseVPCListQuery(idsParam string, ids []*string, filters []*vpc.Filter, offset, limit *string, allowed ...string) (vpcListQuery, *APIError) {
	q := vpcListQuery{ids: strs(ids)}
	if len(q.ids) > 0 && len(filters) > 0 {
		return q, apiErr("InvalidParameterCombination", "The parameters `%s` and `Filters` cannot be specified at the same time.", idsParam)
	}
	var e *APIError
	if q.fs, e = parseFilters(vpcFilters(filters), allowed...); e != nil {
		return q, e
	}
	if q.offset, e = stringNum("Offset", offset); e != nil {
		return q, e
	}
	if q.lim, e = stringNum("Limit", limit); e != nil {
		return q, e
	}
	return q, nil
}

// wantsID reports whether an explicit id list (if any) names id.
func (q vpcListQuery) wantsID(id string) bool { return len(q.ids) == 0 || contains(q.ids, id) }
