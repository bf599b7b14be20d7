package tcsim

import (
	"sort"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// lhBlueprintRec is a Lighthouse blueprint: the SDK shape plus what only tcsim knows.
type lhBlueprintRec struct {
	Blueprint *lighthouse.Blueprint `json:"Blueprint"`
	// BackingRef is what a Backend launches (see MachineSpec); empty means API-only instances.
	BackingRef     string   `json:"BackingRef,omitempty"`
	LoginUser      string   `json:"LoginUser"`
	Seeded         bool     `json:"Seeded,omitempty"`
	SharedAccounts []string `json:"SharedAccounts,omitempty"`
	SourceInstance string   `json:"SourceInstanceId,omitempty"`
	Seq            int64    `json:"Seq"`
}

// lhInstanceRec is a Lighthouse instance; like instanceRec, a Backend machine may back it.
type lhInstanceRec struct {
	Instance   *lighthouse.Instance `json:"Instance"`
	Backing    string               `json:"Backing"`
	BackingRef string               `json:"BackingRef,omitempty"`
	Password   string               `json:"-"`
	Seq        int64                `json:"Seq"`
	// Firewall is the instance's rule set; nil until first read or
	// changed, meaning the defaults (lhDefaultFirewall).
	Firewall        []*lighthouse.FirewallRuleInfo `json:"Firewall,omitempty"`
	FirewallVersion uint64                         `json:"FirewallVersion,omitempty"`

	machine Machine
}

// lhState is the Lighthouse part of a region. It is a separate product with its own ids
// (lhbp-, lhins-, lhkp-), so CVM actions never see these resources and the other way round.
type lhState struct {
	Blueprints map[string]*lhBlueprintRec `json:"Blueprints"`
	Instances  map[string]*lhInstanceRec  `json:"Instances"`
	KeyPairs   map[string]*lhKeyPairRec   `json:"KeyPairs"`
	// ClientTokens maps a CreateInstances ClientToken to the instance ids it created.
	ClientTokens map[string][]string `json:"ClientTokens"`
}

type lhKeyPairRec struct {
	KeyPair *lighthouse.KeyPair `json:"KeyPair"`
	Seq     int64               `json:"Seq"`
}

func newLHState() *lhState {
	return &lhState{Blueprints: map[string]*lhBlueprintRec{}, Instances: map[string]*lhInstanceRec{},
		KeyPairs: map[string]*lhKeyPairRec{}, ClientTokens: map[string][]string{}}
}

// lh returns the Lighthouse state of a region, creating (and seeding) it for a state file
// written before tcsim served Lighthouse; the caller holds s.mu.
func (s *Server) lh(rc *reqCtx) *lhState {
	rs := s.region(rc)
	if rs.Lighthouse == nil {
		rs.Lighthouse = newLHState()
		seedBlueprints(rs.Lighthouse, s.world.next)
	}
	return rs.Lighthouse
}

// lhInstance finds an instance from a background goroutine (the world may have been reset
// meanwhile); the caller holds s.mu.
func (s *Server) lhInstance(region, id string) (*lhInstanceRec, bool) {
	rs := s.world.Regions[region]
	if rs == nil || rs.Lighthouse == nil {
		return nil, false
	}
	r, ok := rs.Lighthouse.Instances[id]
	return r, ok
}

func (s *Server) lighthouseRoutes() map[string]handler {
	return map[string]handler{
		"DescribeBlueprints": s.lhDescribeBlueprints,
		"DescribeBundles":    s.lhDescribeBundles,
		"DescribeRegions":    s.lhDescribeRegions,
		"DescribeZones":      s.lhDescribeZones,
		"CreateInstances":    s.lhCreateInstances,
		"DescribeInstances":  s.lhDescribeInstances,
		"IsolateInstances":   s.lhIsolateInstances,
		"TerminateInstances": s.lhTerminateInstances,
		// lighthouse_build.go: what a hardened-lighthouse Packer build calls.
		"ImportKeyPair":         s.lhImportKeyPair,
		"DeleteKeyPairs":        s.lhDeleteKeyPairs,
		"ModifyFirewallRules":   s.lhModifyFirewallRules,
		"DescribeFirewallRules": s.lhDescribeFirewallRules,
		"CreateBlueprint":       s.lhCreateBlueprint,
		"DeleteBlueprints":      s.lhDeleteBlueprints,
		"StopInstances":         s.lhStopInstances,
		"StartInstances":        s.lhStartInstances,

		"CreateKeyPair":                 s.lhCreateKeyPair,
		"DescribeKeyPairs":              s.lhDescribeKeyPairs,
		"AssociateInstancesKeyPairs":    s.lhAssociateKeyPairs,
		"DisassociateInstancesKeyPairs": s.lhDisassociateKeyPairs,

		"CreateFirewallRules": s.lhCreateFirewallRules,
		"DeleteFirewallRules": s.lhDeleteFirewallRules,

		"ModifyBlueprintAttribute":     s.lhModifyBlueprintAttribute,
		"ShareBlueprintAcrossAccounts": s.lhShareBlueprint,
	}
}

var (
	lhBlueprintIDs = idKind{prefix: "lhbp", what: "blueprint", malformed: "InvalidParameterValue.BlueprintIdMalformed"}
	lhInstanceIDs  = idKind{prefix: "lhins", what: "instance", malformed: "InvalidParameterValue.InstanceIdMalformed"}
	lhSceneIDs     = idKind{prefix: "lhsc", what: "scene", malformed: "InvalidParameterValue.InvalidSceneIdMalformed"}
)

var (
	lhBlueprintTypes  = []string{"APP_OS", "PURE_OS", "DOCKER", "PRIVATE", "SHARED", "GAME_PORTAL"}
	lhPlatformTypes   = []string{"LINUX_UNIX", "WINDOWS"}
	lhBlueprintStates = []string{"CREATING", "NORMAL", "SYNCING", "OFFLINE", "CREATEFAILED", "SYNCING_FAILED", "ISOLATING", "ISOLATED", "DELETING", "DESTROYING"}
)

// lhIDList checks the id list of a Lighthouse action: at most 100, no duplicates, each
// well-formed (the Lighthouse codes, which differ from CVM's).
func lhIDList(k idKind, param string, ids []*string) ([]string, *APIError) {
	list := strs(ids)
	if len(list) > 100 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 100 %s are allowed per request, got %d.", param, len(list))
	}
	seen := map[string]bool{}
	for _, id := range list {
		if e := k.check(id); e != nil {
			return nil, e
		}
		if seen[id] {
			return nil, apiErr("InvalidParameterValue.Duplicated", "The parameter `%s` contains `%s` more than once.", param, id)
		}
		seen[id] = true
	}
	return list, nil
}

// lhListQuery is the front of the Lighthouse Describe* actions: ids or Filters (not both),
// the filter names limited to allowed, with the Lighthouse error codes.
func lhListQuery(k idKind, param string, ids []*string, filters []*lighthouse.Filter, allowed ...string) ([]string, filterSet, *APIError) {
	if len(ids) > 0 && len(filters) > 0 {
		return nil, nil, apiErr("InvalidParameter.ParameterConflict", "The parameters `%s` and `Filters` cannot be specified at the same time.", param)
	}
	list, e := lhIDList(k, param, ids)
	if e != nil {
		return nil, nil, e
	}
	in := make([]*cvm.Filter, 0, len(filters))
	for _, f := range filters {
		if f == nil {
			in = append(in, nil)
			continue
		}
		in = append(in, &cvm.Filter{Name: f.Name, Values: f.Values})
	}
	fs, e := parseFilters(in, allowed...)
	if e != nil {
		// Same checks as CVM, Lighthouse's codes for them.
		switch e.Code {
		case "InvalidFilter":
			e.Code = "InvalidParameter.InvalidFilterNotSupportedName"
		case "InvalidFilterValue.LimitExceeded":
			e.Code = "InvalidParameter.FilterValueLimitExceeded"
		}
		return nil, nil, e
	}
	return list, fs, nil
}

// lhPage is Offset/Limit of the Lighthouse API: Offset ≥ 0, Limit 0..100 (0 → 20).
func lhPage(offset, limit *int64, n int) (int, int, *APIError) {
	if offset != nil && *offset < 0 {
		return 0, 0, apiErr("InvalidParameterValue.Negative", "The value `%d` of the parameter `Offset` must not be negative.", *offset)
	}
	if limit != nil && (*limit < 0 || *limit > 100) {
		return 0, 0, apiErr("InvalidParameterValue.OutOfRange", "The value `%d` of the parameter `Limit` is out of range: it must be between 1 and 100.", *limit)
	}
	start, end, e := page(offset, limit, n)
	return start, end, e
}

// checkValues rejects filter values outside allowed with code, naming the filter.
func (fs filterSet) checkValues(name, code string, allowed []string) *APIError {
	for _, v := range fs[name] {
		if !contains(allowed, v) {
			return apiErr(code, "The value `%s` of the filter `%s` is not valid; use one of %s.", v, name, strings.Join(allowed, ", "))
		}
	}
	return nil
}

func lhTags(in []*lighthouse.Tag) []Tag {
	out := make([]Tag, 0, len(in))
	for _, t := range in {
		if t != nil {
			out = append(out, Tag{Key: str(t.Key), Value: str(t.Value)})
		}
	}
	return out
}

var blueprintFilters = []string{"blueprint-id", "blueprint-type", "platform-type", "blueprint-name", "blueprint-state", "scene-id", "tag-key", "tag-value", "tag:"}

func (s *Server) lhDescribeBlueprints(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeBlueprintsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, fs, e := lhListQuery(lhBlueprintIDs, "BlueprintIds", p.BlueprintIds, p.Filters, blueprintFilters...)
	if e != nil {
		return nil, e
	}
	for _, c := range []struct {
		name, code string
		allowed    []string
	}{
		{"blueprint-type", "InvalidParameterValue.InvalidBlueprintType", lhBlueprintTypes},
		{"platform-type", "InvalidParameterValue.InvalidBlueprintPlatformType", lhPlatformTypes},
		{"blueprint-state", "InvalidParameterValue.InvalidBlueprintState", lhBlueprintStates},
	} {
		if e := fs.checkValues(c.name, c.code, c.allowed); e != nil {
			return nil, e
		}
	}
	for _, id := range fs["blueprint-id"] {
		if e := lhBlueprintIDs.check(id); e != nil {
			return nil, e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	for _, sc := range fs["scene-id"] {
		if e := lhSceneIDs.check(sc); e != nil {
			return nil, e
		}
		if sc != lhSceneWebsite && sc != lhSceneDocker {
			return nil, apiErr("ResourceNotFound.SceneIdNotFound", "The scene `%s` does not exist.", sc)
		}
	}
	matched := []*lighthouse.Blueprint{}
	for _, rec := range sortedBySeq(lh.Blueprints, func(b *lhBlueprintRec) int64 { return b.Seq }) {
		b := rec.Blueprint
		if len(ids) > 0 && !contains(ids, str(b.BlueprintId)) {
			continue
		}
		if !fs.match("blueprint-id", str(b.BlueprintId)) || !fs.match("blueprint-type", str(b.BlueprintType)) ||
			!fs.match("platform-type", str(b.PlatformType)) || !fs.match("blueprint-name", str(b.BlueprintName)) ||
			!fs.match("blueprint-state", str(b.BlueprintState)) || !fs.match("scene-id", strs(b.SceneIdSet)...) ||
			!fs.matchTags(lhTags(b.Tags)) {
			continue
		}
		matched = append(matched, b)
	}
	start, end, e := lhPage(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "BlueprintSet": matched[start:end]}), nil
}

func (s *Server) lhDescribeBundles(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeBundlesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if len(p.BundleIds) > 0 && len(p.Filters) > 0 {
		return nil, apiErr("InvalidParameter.ParameterConflict", "The parameters `BundleIds` and `Filters` cannot be specified at the same time.")
	}
	_, fs, e := lhListQuery(lhInstanceIDs, "BundleIds", nil, p.Filters, "bundle-id", "support-platform-type", "bundle-type", "bundle-state")
	if e != nil {
		return nil, e
	}
	for i, z := range strs(p.Zones) {
		if !validZone(rc.region, z) {
			return nil, apiErr("InvalidParameterValue.ZoneInvalid", "The zone `%s` in Zones.%d is not a zone of %s; DescribeZones lists them.", z, i, rc.region)
		}
	}
	ids := strs(p.BundleIds)
	matched := []*lighthouse.Bundle{}
	for _, b := range lhBundles {
		var platforms []string
		if b.linux {
			platforms = append(platforms, "LINUX_UNIX")
		}
		if b.windows {
			platforms = append(platforms, "WINDOWS")
		}
		if (len(ids) > 0 && !contains(ids, b.id)) || !fs.match("bundle-id", b.id) || !fs.match("support-platform-type", platforms...) ||
			!fs.match("bundle-type", b.bundleType) || !fs.match("bundle-state", "ONLINE") {
			continue
		}
		matched = append(matched, b.wire())
	}
	start, end, e := lhPage(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "BundleSet": matched[start:end]}), nil
}

func (b lhBundle) wire() *lighthouse.Bundle {
	price := b.monthlyPrice
	return &lighthouse.Bundle{
		BundleId: sp(b.id), Memory: ip64(b.memory), SystemDiskType: sp("CLOUD_SSD"), SystemDiskSize: ip64(b.disk),
		MonthlyTraffic: ip64(b.traffic), SupportLinuxUnixPlatform: bp(b.linux), SupportWindowsPlatform: bp(b.windows),
		Price: &lighthouse.Price{InstancePrice: &lighthouse.InstancePrice{
			OriginalBundlePrice: fp64(price), OriginalPrice: fp64(price), Discount: fp64(100), DiscountPrice: fp64(price), Currency: sp("CNY"),
		}},
		CPU: ip64(b.cpu), InternetMaxBandwidthOut: &b.bandwidth, InternetChargeType: sp("TRAFFIC_POSTPAID_BY_HOUR"),
		BundleSalesState: sp("AVAILABLE"), BundleType: sp(b.bundleType), BundleTypeDescription: sp(b.bundleType),
		BundleDisplayLabel: sp("NORMAL"), TrafficUnlimited: bp(false),
	}
}

// errLHNotFound is the ResourceNotFound of a Lighthouse id.
func errLHNotFound(code, what, id, region string) *APIError {
	return apiErr(code, "The %s `%s` does not exist in %s.", what, id, region)
}

// LighthouseResources is the Lighthouse part of RegionResources; seeded (system) blueprints
// are left out.
type LighthouseResources struct {
	Instances  map[string]string // id → InstanceState
	Blueprints map[string]string // id → BlueprintState of the account's own blueprints
	KeyPairs   []string
	// Backing maps instance id → "machine" or "api-only: why".
	Backing map[string]string
}

func lighthouseResources(lh *lhState) LighthouseResources {
	out := LighthouseResources{Instances: map[string]string{}, Blueprints: map[string]string{}, Backing: map[string]string{}}
	if lh == nil {
		return out
	}
	for id, in := range lh.Instances {
		out.Instances[id] = str(in.Instance.InstanceState)
		out.Backing[id] = in.Backing
	}
	for id, b := range lh.Blueprints {
		if !b.Seeded {
			out.Blueprints[id] = str(b.Blueprint.BlueprintState)
		}
	}
	for id := range lh.KeyPairs {
		out.KeyPairs = append(out.KeyPairs, id)
	}
	sort.Strings(out.KeyPairs)
	return out
}
