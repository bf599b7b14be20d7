package tcsim

import (
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

var lhPortRE = regexp.MustCompile(`^(ALL|\d{1,5}(-\d{1,5})?|\d{1,5}(,\d{1,5})+)$`)

// lhFirewallKey is what makes two rules the same rule (the description is not part of it).
func lhFirewallKey(proto, port, cidr, cidr6, action string) string {
	return strings.Join([]string{proto, port, cidr, cidr6, action}, "|")
}

// lhCheckRules validates the FirewallRules of Create/DeleteFirewallRules and returns them
// normalised (defaults filled in) with their keys.
func lhCheckRules(in []*lighthouse.FirewallRule) ([]*lighthouse.FirewallRuleInfo, []string, *APIError) {
	if len(in) == 0 {
		return nil, nil, missingParam("FirewallRules")
	}
	var out []*lighthouse.FirewallRuleInfo
	var keys []string
	for i, r := range in {
		field := "FirewallRules." + strconv.Itoa(i)
		if r == nil || str(r.Protocol) == "" {
			return nil, nil, missingParam(field + ".Protocol")
		}
		proto := strings.ToUpper(str(r.Protocol))
		if !contains([]string{"TCP", "UDP", "ICMP", "ICMPv6", "ALL"}, proto) && proto != "ICMPV6" {
			return nil, nil, invalidValue(field+".Protocol", str(r.Protocol), "use TCP, UDP, ICMP, ICMPv6 or ALL")
		}
		if proto == "ICMPV6" {
			proto = "ICMPv6"
		}
		port := str(r.Port)
		icmp := proto == "ICMP" || proto == "ICMPv6"
		switch {
		case icmp && port != "" && port != "ALL":
			return nil, nil, apiErr("InvalidParameter.ParameterConflict", "%s: ICMP rules take no Port (got %q).", field, port)
		case port == "":
			port = "ALL"
		case !lhPortRE.MatchString(port):
			return nil, nil, invalidValue(field+".Port", port, "use ALL, one port, ports separated by commas or a range such as 8000-8080")
		}
		cidr, cidr6 := str(r.CidrBlock), str(r.Ipv6CidrBlock)
		if cidr != "" && cidr6 != "" {
			return nil, nil, apiErr("InvalidParameter.ParameterConflict", "%s: CidrBlock and Ipv6CidrBlock cannot be set together.", field)
		}
		if cidr == "" && cidr6 == "" && proto != "ICMPv6" {
			cidr = "0.0.0.0/0"
		}
		for _, c := range []struct{ name, v string }{{"CidrBlock", cidr}, {"Ipv6CidrBlock", cidr6}} {
			if c.v == "" {
				continue
			}
			if _, err := netip.ParsePrefix(c.v); err != nil {
				if _, err := netip.ParseAddr(c.v); err != nil {
					return nil, nil, invalidValue(field+"."+c.name, c.v, "use an address or a CIDR block such as 198.18.0.0/15")
				}
			}
		}
		action := strings.ToUpper(str(r.Action))
		if action == "" {
			action = "ACCEPT"
		}
		if action != "ACCEPT" && action != "DROP" {
			return nil, nil, invalidValue(field+".Action", str(r.Action), "use ACCEPT or DROP")
		}
		if len([]rune(str(r.FirewallRuleDescription))) > 64 {
			return nil, nil, apiErr("InvalidParameterValue.FirewallRuleDescriptionTooLong", "%s.FirewallRuleDescription is longer than 64 characters.", field)
		}
		key := lhFirewallKey(proto, port, cidr, cidr6, action)
		if contains(keys, key) {
			return nil, nil, apiErr("InvalidParameter.FirewallRulesDuplicated", "%s repeats an earlier rule of the request (%s).", field, key)
		}
		keys = append(keys, key)
		out = append(out, &lighthouse.FirewallRuleInfo{AppType: sp("自定义"), Protocol: sp(proto), Port: sp(port), CidrBlock: sp(cidr),
			Ipv6CidrBlock: sp(cidr6), Action: sp(action), FirewallRuleDescription: sp(str(r.FirewallRuleDescription))})
	}
	return out, keys, nil
}

func ruleKey(r *lighthouse.FirewallRuleInfo) string {
	return lhFirewallKey(str(r.Protocol), str(r.Port), str(r.CidrBlock), str(r.Ipv6CidrBlock), str(r.Action))
}

// lhFirewallOf finds the instance a firewall action names (lhInstanceByID) and checks
// FirewallVersion when the request sends one.
func (s *Server) lhFirewallOf(rc *reqCtx, id string, version *uint64) (*lhInstanceRec, *APIError) {
	rec, e := s.lhInstanceByID(rc, id)
	if e != nil {
		return nil, e
	}
	if version != nil && *version != rec.FirewallVersion {
		return nil, apiErr("UnsupportedOperation.FirewallVersionMismatch", "The firewall of `%s` is at version %d, not %d; describe it again and retry.", id, rec.FirewallVersion, *version)
	}
	return rec, nil
}

// lhFirewallChange is the opening Create- and DeleteFirewallRules share: rules checked, the
// instance found, FirewallVersion matched; change runs under the lock and bumps the version.
func (s *Server) lhFirewallChange(rc *reqCtx, id string, in []*lighthouse.FirewallRule, version *uint64,
	change func(rec *lhInstanceRec, rules []*lighthouse.FirewallRuleInfo, keys []string) *APIError) (any, *APIError) {
	rules, keys, e := lhCheckRules(in)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, e := s.lhFirewallOf(rc, id, version)
	if e != nil {
		return nil, e
	}
	if e := change(rec, rules, keys); e != nil {
		return nil, e
	}
	rec.FirewallVersion++
	return nil, nil
}

func (s *Server) lhCreateFirewallRules(rc *reqCtx) (any, *APIError) {
	var p lighthouse.CreateFirewallRulesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.lhFirewallChange(rc, str(p.InstanceId), p.FirewallRules, p.FirewallVersion, func(rec *lhInstanceRec, rules []*lighthouse.FirewallRuleInfo, keys []string) *APIError {
		for _, r := range rec.Firewall {
			if contains(keys, ruleKey(r)) {
				return apiErr("InvalidParameter.FirewallRulesExist", "The instance `%s` already has the rule %s.", str(p.InstanceId), ruleKey(r))
			}
		}
		if n := len(rec.Firewall) + len(rules); n > 100 {
			return apiErr("LimitExceeded.FirewallRulesLimitExceeded", "An instance has at most 100 firewall rules; this would make %d.", n)
		}
		rec.Firewall = append(rec.Firewall, rules...)
		return nil
	})
}

func (s *Server) lhDeleteFirewallRules(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DeleteFirewallRulesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.lhFirewallChange(rc, str(p.InstanceId), p.FirewallRules, p.FirewallVersion, func(rec *lhInstanceRec, _ []*lighthouse.FirewallRuleInfo, keys []string) *APIError {
		have := map[string]bool{}
		for _, r := range rec.Firewall {
			have[ruleKey(r)] = true
		}
		for _, k := range keys {
			if !have[k] {
				return apiErr("ResourceNotFound.FirewallRulesNotFound", "The instance `%s` has no rule %s.", str(p.InstanceId), k)
			}
		}
		kept := rec.Firewall[:0]
		for _, r := range rec.Firewall {
			if !contains(keys, ruleKey(r)) {
				kept = append(kept, r)
			}
		}
		rec.Firewall = kept
		return nil
	})
}
