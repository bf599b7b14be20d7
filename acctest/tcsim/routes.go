package tcsim

import (
	"fmt"
	"strconv"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

const (
	versionCVM = "2017-03-12"
	versionVPC = "2017-03-12"
	versionSTS = "2018-08-13"
)

func (s *Server) registerRoutes() {
	s.versions = map[string]string{"cvm": versionCVM, "vpc": versionVPC, "sts": versionSTS, "cbs": versionCBS, "tag": versionTag, "lighthouse": versionLighthouse}
	s.routes = map[string]map[string]handler{
		"cvm": {
			"DescribeImages":                  s.describeImages,
			"CreateImage":                     s.createImage,
			"DeleteImages":                    s.deleteImages,
			"ModifyImageAttribute":            s.modifyImageAttribute,
			"SyncImages":                      s.syncImages,
			"ModifyImageSharePermission":      s.modifyImageSharePermission,
			"DescribeImageSharePermission":    s.describeImageSharePermission,
			"DescribeRegions":                 s.describeRegions,
			"DescribeZones":                   s.describeZones,
			"DescribeInstancesStatus":         s.describeInstancesStatus,
			"DescribeInstancesAttributes":     s.describeInstancesAttributes,
			"DescribeInstanceTypeConfigs":     s.describeInstanceTypeConfigs,
			"DescribeZoneInstanceConfigInfos": s.describeZoneInstanceConfigInfos,
			"InquiryPriceRunInstances":        s.inquiryPriceRunInstances,
			"DescribeInstances":               s.describeInstances,
			"RunInstances":                    s.runInstances,
			"TerminateInstances":              s.terminateInstances,
			"StopInstances":                   s.stopInstances,
			"StartInstances":                  s.startInstances,
			"RebootInstances":                 s.rebootInstances,
			"ResetInstance":                   s.resetInstance,
			"ModifyInstancesAttribute":        s.modifyInstancesAttribute,
			"CreateKeyPair":                   s.createKeyPair,
			"ImportKeyPair":                   s.importKeyPair,
			"DeleteKeyPairs":                  s.deleteKeyPairs,
			"DescribeKeyPairs":                s.describeKeyPairs,
			"AssociateInstancesKeyPairs":      s.associateKeyPairs,
			"DisassociateInstancesKeyPairs":   s.disassociateKeyPairs,
		},
		"vpc": {
			"CreateVpc":                                  s.createVpc,
			"DeleteVpc":                                  s.deleteVpc,
			"DescribeVpcs":                               s.describeVpcs,
			"CreateSubnet":                               s.createSubnet,
			"DeleteSubnet":                               s.deleteSubnet,
			"DescribeSubnets":                            s.describeSubnets,
			"CreateSecurityGroup":                        s.createSecurityGroup,
			"DeleteSecurityGroup":                        s.deleteSecurityGroup,
			"DescribeSecurityGroups":                     s.describeSecurityGroups,
			"CreateSecurityGroupPolicies":                s.createSecurityGroupPolicies,
			"DeleteSecurityGroupPolicies":                s.deleteSecurityGroupPolicies,
			"DescribeSecurityGroupPolicies":              s.describeSecurityGroupPolicies,
			"ModifySubnetAttribute":                      s.modifySubnetAttribute,
			"DescribeRouteTables":                        s.describeRouteTables,
			"DescribeUsedIpAddress":                      s.describeUsedIpAddress,
			"DescribeSecurityGroupAssociationStatistics": s.describeSecurityGroupAssociationStatistics,
		},
		"sts": {
			"AssumeRole": s.assumeRole,
		},
		"cbs": {
			"DescribeDisks":     s.describeDisks,
			"DescribeSnapshots": s.describeSnapshots,
		},
		"tag":        s.tagRoutes(),
		"lighthouse": s.lighthouseRoutes(),
	}
}

// page validates Offset/Limit (default 20, max 100) and returns the slice bounds for n items.
func page(offset, limit *int64, n int) (int, int, *APIError) {
	off, lim := int64(0), int64(20)
	if offset != nil {
		off = *offset
	}
	if limit != nil {
		lim = *limit
	}
	if off < 0 {
		return 0, 0, invalidValue("Offset", off, "must be >= 0")
	}
	if lim < 0 || lim > 100 {
		return 0, 0, apiErr("InvalidParameterValue.LimitExceeded", "The value `%d` specified in the parameter `Limit` exceeds the limit: it must be between 0 and 100.", lim)
	}
	if lim == 0 {
		lim = 20
	}
	start := int(min(off, int64(n)))
	end := int(min(off+lim, int64(n)))
	return start, end, nil
}

// stringNum parses the string-typed Offset/Limit of the VPC API.
func stringNum(name string, v *string) (*int64, *APIError) {
	if v == nil || *v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(*v, 10, 64)
	if err != nil {
		return nil, invalidValue(name, *v, "must be an integer")
	}
	return &n, nil
}

// filterSet is parsed Filters: name → accepted values.
type filterSet map[string][]string

// parseFilters validates filter names against allowed (an entry ending in ":" allows a prefix,
// as for "tag:<key>") and limits: at most 10 filters and 100 values per filter.
func parseFilters(in []*cvm.Filter, allowed ...string) (filterSet, *APIError) {
	fs := filterSet{}
	if len(in) > 10 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 10 Filters are allowed per request, got %d.", len(in))
	}
	for i, f := range in {
		if f == nil || f.Name == nil || *f.Name == "" {
			return nil, missingParam(fmt.Sprintf("Filters.%d.Name", i))
		}
		name := *f.Name
		ok := false
		for _, a := range allowed {
			if name == a || (strings.HasSuffix(a, ":") && strings.HasPrefix(name, a) && len(name) > len(a)) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, apiErr("InvalidFilter", "The filter `%s` is not supported; supported filters: %s.", name, strings.Join(allowed, ", "))
		}
		if len(f.Values) == 0 {
			return nil, missingParam(fmt.Sprintf("Filters.%d.Values", i))
		}
		if len(f.Values) > 100 {
			return nil, apiErr("InvalidFilterValue.LimitExceeded", "The filter `%s` has %d values; at most 100 are allowed.", name, len(f.Values))
		}
		fs[name] = append(fs[name], strs(f.Values)...)
	}
	return fs, nil
}

// match reports whether value is among the filter's values (true when the filter is absent).
func (fs filterSet) match(name string, values ...string) bool {
	want, ok := fs[name]
	if !ok {
		return true
	}
	for _, w := range want {
		for _, v := range values {
			if w == v {
				return true
			}
		}
	}
	return false
}

// matchTags applies tag-key, tag-value and tag:<key> filters.
func (fs filterSet) matchTags(tags []Tag) bool {
	keys := make([]string, 0, len(tags))
	vals := make([]string, 0, len(tags))
	for _, t := range tags {
		keys = append(keys, t.Key)
		vals = append(vals, t.Value)
	}
	if !fs.match("tag-key", keys...) || !fs.match("tag-value", vals...) {
		return false
	}
	for name, want := range fs {
		key, ok := strings.CutPrefix(name, "tag:")
		if !ok {
			continue
		}
		found := false
		for _, t := range tags {
			if t.Key == key && contains(want, t.Value) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// tagsFromSpec collects the tags of TagSpecification entries for one resource type.
func tagsFromSpec(specs []*cvm.TagSpecification, resourceType string) ([]Tag, *APIError) {
	var out []Tag
	for i, spec := range specs {
		if spec == nil {
			continue
		}
		rt := str(spec.ResourceType)
		if rt == "" {
			return nil, missingParam(fmt.Sprintf("TagSpecification.%d.ResourceType", i))
		}
		if rt != resourceType {
			continue
		}
		for j, t := range spec.Tags {
			if t == nil || str(t.Key) == "" {
				return nil, missingParam(fmt.Sprintf("TagSpecification.%d.Tags.%d.Key", i, j))
			}
			out = append(out, Tag{Key: str(t.Key), Value: str(t.Value)})
		}
	}
	if e := checkCreateTags("TagSpecification.Tags", out, cvmTagCodes); e != nil {
		return nil, e
	}
	return out, nil
}

func cvmTags(tags []Tag) []*cvm.Tag {
	out := make([]*cvm.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, &cvm.Tag{Key: sp(t.Key), Value: sp(t.Value)})
	}
	return out
}

func tagsOfCVM(in []*cvm.Tag) []Tag {
	out := make([]Tag, 0, len(in))
	for _, t := range in {
		if t != nil {
			out = append(out, Tag{Key: str(t.Key), Value: str(t.Value)})
		}
	}
	return out
}

func timestamp(rc *reqCtx) string { return rc.now.UTC().Format("2006-01-02T15:04:05Z") }
