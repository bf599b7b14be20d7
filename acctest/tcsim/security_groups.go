package tcsim

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

func (s *Server) createSecurityGroup(rc *reqCtx) (any, *APIError) {
	var p vpc.CreateSecurityGroupRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if str(p.GroupName) == "" {
		return nil, missingParam("GroupName")
	}
	if str(p.GroupDescription) == "" {
		return nil, missingParam("GroupDescription")
	}
	if len(str(p.GroupName)) > 60 || len(str(p.GroupDescription)) > 100 {
		return nil, apiErr("InvalidParameterValue.TooLong", "GroupName must be ≤ 60 and GroupDescription ≤ 100 characters.")
	}
	tags, e := vpcRequestTags(p.Tags)
	if e != nil {
		return nil, e
	}
	project := str(p.ProjectId)
	if project == "" {
		project = "0"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	now := rc.now.UTC().Format("2006-01-02 15:04:05")
	sg := &vpc.SecurityGroup{
		SecurityGroupId: sp(newID("sg")), SecurityGroupName: p.GroupName, SecurityGroupDesc: p.GroupDescription,
		ProjectId: sp(project), IsDefault: bp(false), CreatedTime: sp(now), UpdateTime: sp(now), TagSet: vpcTags(tags),
	}
	rs.SecurityGroups[*sg.SecurityGroupId] = &securityGroupRec{
		SecurityGroup: sg, Seq: s.world.next(),
		Policies: &vpc.SecurityGroupPolicySet{Version: sp("0"), Ingress: []*vpc.SecurityGroupPolicy{}, Egress: []*vpc.SecurityGroupPolicy{}},
	}
	return rawJSON(map[string]any{"SecurityGroup": sg}), nil
}

func lookupSG(rs *regionState, id string) (*securityGroupRec, *APIError) {
	return lookup(rs.SecurityGroups, "SecurityGroupId", "security group", id)
}

func (s *Server) deleteSecurityGroup(rc *reqCtx) (any, *APIError) {
	return inRegion(s, rc, nil, func(p *vpc.DeleteSecurityGroupRequestParams, rs *regionState) (any, *APIError) {
		id := str(p.SecurityGroupId)
		if _, e := lookupSG(rs, id); e != nil {
			return nil, e
		}
		users := rs.instancesWhere(func(in *instanceRec) bool {
			return contains(strs(in.Instance.SecurityGroupIds), id)
		})
		if len(users) > 0 {
			return nil, apiErr("ResourceInUse", "The security group `%s` is associated with instance(s) %s.", id, strings.Join(users, ", "))
		}
		delete(rs.SecurityGroups, id)
		return nil, nil
	})
}

func (s *Server) describeSecurityGroups(rc *reqCtx) (any, *APIError) {
	var p vpc.DescribeSecurityGroupsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	q, e := parseVPCListQuery("SecurityGroupIds", p.SecurityGroupIds, p.Filters, p.Offset, p.Limit, "security-group-id", "security-group-name", "project-id", "tag-key", "tag-value", "tag:")
	if e != nil {
		return nil, e
	}
	fs := q.fs
	return describeVPCList(s, rc, q, "SecurityGroupSet", func(rs *regionState) map[string]*securityGroupRec { return rs.SecurityGroups }, func(r *securityGroupRec) int64 { return r.Seq },
		func(rec *securityGroupRec) (*vpc.SecurityGroup, bool) {
			sg := rec.SecurityGroup
			tags, _ := tagsOfVPC(sg.TagSet)
			return sg, q.wantsID(str(sg.SecurityGroupId)) && fs.match("security-group-id", str(sg.SecurityGroupId)) &&
				fs.match("security-group-name", str(sg.SecurityGroupName)) && fs.match("project-id", str(sg.ProjectId)) && fs.matchTags(tags)
		})
}

var portRE = regexp.MustCompile(`^(ALL|\d{1,5}(-\d{1,5})?(,\d{1,5})*)$`)

func validPolicy(dir string, i int, pol *vpc.SecurityGroupPolicy) *APIError {
	field := fmt.Sprintf("SecurityGroupPolicySet.%s.%d", dir, i)
	proto := strings.ToUpper(str(pol.Protocol))
	if proto == "" {
		proto = "ALL"
	}
	if !contains([]string{"TCP", "UDP", "ICMP", "ICMPV6", "ALL", "GRE"}, proto) {
		return invalidValue(field+".Protocol", str(pol.Protocol), "use TCP, UDP, ICMP, ICMPv6, GRE or ALL")
	}
	if port := str(pol.Port); port != "" && !portRE.MatchString(port) {
		return invalidValue(field+".Port", port, "use ALL, a port, a range 8000-9000 or a list 80,443")
	}
	if c := str(pol.CidrBlock); c != "" {
		if _, err := netip.ParsePrefix(c); err != nil {
			if _, err := netip.ParseAddr(c); err != nil {
				return invalidValue(field+".CidrBlock", c, "must be an IPv4 CIDR block or address")
			}
		}
	}
	if a := strings.ToUpper(str(pol.Action)); a != "ACCEPT" && a != "DROP" {
		return invalidValue(field+".Action", str(pol.Action), "use ACCEPT or DROP")
	}
	return nil
}

func (s *Server) createSecurityGroupPolicies(rc *reqCtx) (any, *APIError) {
	var p vpc.CreateSecurityGroupPoliciesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.SecurityGroupPolicySet == nil || len(p.SecurityGroupPolicySet.Ingress)+len(p.SecurityGroupPolicySet.Egress) == 0 {
		return nil, missingParam("SecurityGroupPolicySet")
	}
	for dir, list := range map[string][]*vpc.SecurityGroupPolicy{"Ingress": p.SecurityGroupPolicySet.Ingress, "Egress": p.SecurityGroupPolicySet.Egress} {
		for i, pol := range list {
			if pol == nil {
				return nil, missingParam(fmt.Sprintf("SecurityGroupPolicySet.%s.%d", dir, i))
			}
			if e := validPolicy(dir, i, pol); e != nil {
				return nil, e
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sg, e := lookupSG(s.region(rc), str(p.SecurityGroupId))
	if e != nil {
		return nil, e
	}
	for dir, list := range map[string][]*vpc.SecurityGroupPolicy{"Ingress": p.SecurityGroupPolicySet.Ingress, "Egress": p.SecurityGroupPolicySet.Egress} {
		for i, pol := range list {
			peer := str(pol.SecurityGroupId)
			if peer == "" {
				continue
			}
			if str(pol.CidrBlock) != "" {
				return nil, apiErr("InvalidParameter", "SecurityGroupPolicySet.%s.%d: set either CidrBlock or SecurityGroupId (the peer group), not both.", dir, i)
			}
			if _, ok := s.region(rc).SecurityGroups[peer]; !ok {
				return nil, apiErr("ResourceNotFound", "SecurityGroupPolicySet.%s.%d.SecurityGroupId: the peer security group `%s` does not exist.", dir, i, peer)
			}
		}
	}
	now := rc.now.UTC().Format("2006-01-02 15:04:05")
	add := func(dst []*vpc.SecurityGroupPolicy, src []*vpc.SecurityGroupPolicy) []*vpc.SecurityGroupPolicy {
		for _, pol := range src {
			cp := *pol
			cp.Protocol = sp(strings.ToUpper(str(pol.Protocol)))
			cp.Action = sp(strings.ToUpper(str(pol.Action)))
			// SecurityGroupId of a rule is the peer group it allows (empty for CIDR rules), as
			// sent; overwriting it with the owning group made every rule look changed to clients.
			cp.SecurityGroupId = sp(str(pol.SecurityGroupId))
			cp.ModifyTime = sp(now)
			dst = append(dst, &cp)
		}
		for i, pol := range dst {
			pol.PolicyIndex = ip64(int64(i))
		}
		return dst
	}
	sg.Policies.Ingress = add(sg.Policies.Ingress, p.SecurityGroupPolicySet.Ingress)
	sg.Policies.Egress = add(sg.Policies.Egress, p.SecurityGroupPolicySet.Egress)
	bumpVersion(sg, now)
	return nil, nil
}

func bumpVersion(sg *securityGroupRec, now string) {
	v, _ := strconv.Atoi(str(sg.Policies.Version))
	sg.Policies.Version = sp(strconv.Itoa(v + 1))
	sg.SecurityGroup.UpdateTime = sp(now)
}

func (s *Server) deleteSecurityGroupPolicies(rc *reqCtx) (any, *APIError) {
	var p vpc.DeleteSecurityGroupPoliciesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.SecurityGroupPolicySet == nil {
		return nil, missingParam("SecurityGroupPolicySet")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sg, e := lookupSG(s.region(rc), str(p.SecurityGroupId))
	if e != nil {
		return nil, e
	}
	remove := func(list []*vpc.SecurityGroupPolicy, del []*vpc.SecurityGroupPolicy, dir string) ([]*vpc.SecurityGroupPolicy, *APIError) {
		drop := map[int64]bool{}
		for _, d := range del {
			if d == nil || d.PolicyIndex == nil {
				return nil, missingParam("SecurityGroupPolicySet." + dir + ".PolicyIndex")
			}
			if *d.PolicyIndex < 0 || *d.PolicyIndex >= int64(len(list)) {
				return nil, apiErr("ResourceNotFound", "The %s policy index %d does not exist.", dir, *d.PolicyIndex)
			}
			drop[*d.PolicyIndex] = true
		}
		var kept []*vpc.SecurityGroupPolicy
		for i, pol := range list {
			if !drop[int64(i)] {
				pol.PolicyIndex = ip64(int64(len(kept)))
				kept = append(kept, pol)
			}
		}
		if kept == nil {
			kept = []*vpc.SecurityGroupPolicy{}
		}
		return kept, nil
	}
	in, e := remove(sg.Policies.Ingress, p.SecurityGroupPolicySet.Ingress, "Ingress")
	if e != nil {
		return nil, e
	}
	eg, e := remove(sg.Policies.Egress, p.SecurityGroupPolicySet.Egress, "Egress")
	if e != nil {
		return nil, e
	}
	sg.Policies.Ingress, sg.Policies.Egress = in, eg
	bumpVersion(sg, rc.now.UTC().Format("2006-01-02 15:04:05"))
	return nil, nil
}

func (s *Server) describeSecurityGroupPolicies(rc *reqCtx) (any, *APIError) {
	return inRegion(s, rc, nil, func(p *vpc.DescribeSecurityGroupPoliciesRequestParams, rs *regionState) (any, *APIError) {
		sg, e := lookupSG(rs, str(p.SecurityGroupId))
		if e != nil {
			return nil, e
		}
		return rawJSON(map[string]any{"SecurityGroupPolicySet": sg.Policies}), nil
	})
}
