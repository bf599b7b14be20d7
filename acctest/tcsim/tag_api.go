package tcsim

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"

	tag "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/tag/v20180813"
)

// Request limits of the Tag API (its documentation: at most 10 resources and 10 tags per
// write, 50 resource ids per DescribeResourceTagsByResourceIds, 6 tag filters of at most 10
// values for GetResources).
const (
	tagWriteMax         = 10
	tagIDsMax           = 50
	tagFiltersMax       = 6
	tagFilterValuesMax  = 10
	tagPageDefault      = 15
	tagPageMax          = 1000
	getResourcesDefault = 50
	getResourcesMax     = 200
)

func (s *Server) tagRoutes() map[string]handler {
	return map[string]handler{
		"TagResources":                      s.tagResources,
		"UnTagResources":                    s.unTagResources,
		"ModifyResourceTags":                s.modifyResourceTags,
		"DescribeResourceTagsByResourceIds": s.describeResourceTagsByResourceIds,
		"DescribeResourceTags":              s.describeResourceTags,
		"GetResources":                      s.getResources,
		"DescribeTags":                      s.describeTags,
	}
}

// resourceList checks the ResourceList of a write: 1 to 10 well-formed descriptions.
func resourceList(in []*string) ([]resourceName, *APIError) {
	if len(in) == 0 {
		return nil, missingParam("ResourceList")
	}
	if len(in) > tagWriteMax {
		return nil, apiErr("LimitExceeded.ResourceNumPerRequest", "At most %d resources are allowed in `ResourceList`, got %d.", tagWriteMax, len(in))
	}
	out := make([]resourceName, 0, len(in))
	for i, r := range in {
		n, e := parseResourceName(fmt.Sprintf("ResourceList.%d", i), str(r))
		if e != nil {
			return nil, e
		}
		out = append(out, n)
	}
	return out, nil
}

// tagList checks the tags of a write: at most 10, each valid, no key twice.
func tagList(field string, in []*tag.Tag) ([]Tag, *APIError) {
	if len(in) > tagWriteMax {
		return nil, apiErr("LimitExceeded.TagNumPerRequest", "At most %d tags are allowed in `%s`, got %d.", tagWriteMax, field, len(in))
	}
	out := make([]Tag, 0, len(in))
	for i, t := range in {
		if t == nil {
			return nil, missingParam(fmt.Sprintf("%s.%d.TagKey", field, i))
		}
		k, v := str(t.TagKey), str(t.TagValue)
		if e := checkTag(fmt.Sprintf("%s.%d", field, i), k, v); e != nil {
			return nil, e
		}
		for _, o := range out {
			if o.Key == k {
				return nil, apiErr("InvalidParameterValue.TagKeyDuplicate", "The tag key `%s` appears twice in `%s`.", k, field)
			}
		}
		out = append(out, Tag{Key: k, Value: v})
	}
	return out, nil
}

// failedResource is one entry of FailedResources.
func failedResource(name string, e *APIError) *tag.FailedResource {
	return &tag.FailedResource{Resource: sp(name), Code: sp(e.Code), Message: sp(e.Message)}
}

// tagEach applies change to every listed resource; a resource that does not exist or would
// break a limit is reported in FailedResources and the others are changed, as the API does.
func (s *Server) tagEach(names []resourceName, change func(tags []Tag, name string) ([]Tag, *APIError)) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	failed := []*tag.FailedResource{}
	for _, n := range names {
		ref, e := s.tagTarget(n)
		var next []Tag
		if e == nil {
			next, e = change(ref.get(), n.raw)
		}
		if e != nil {
			failed = append(failed, failedResource(n.raw, e))
			continue
		}
		ref.set(next)
	}
	return map[string]any{"FailedResources": failed}
}

func (s *Server) tagResources(rc *reqCtx) (any, *APIError) {
	var p tag.TagResourcesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	names, e := resourceList(p.ResourceList)
	if e != nil {
		return nil, e
	}
	if len(p.Tags) == 0 {
		return nil, missingParam("Tags")
	}
	tags, e := tagList("Tags", p.Tags)
	if e != nil {
		return nil, e
	}
	return s.tagEach(names, func(cur []Tag, name string) ([]Tag, *APIError) { return mergeTags(cur, tags, name) }), nil
}

func (s *Server) unTagResources(rc *reqCtx) (any, *APIError) {
	var p tag.UnTagResourcesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	names, e := resourceList(p.ResourceList)
	if e != nil {
		return nil, e
	}
	keys := strs(p.TagKeys)
	if len(keys) == 0 {
		return nil, missingParam("TagKeys")
	}
	if len(keys) > tagWriteMax {
		return nil, apiErr("LimitExceeded.TagNumPerRequest", "At most %d keys are allowed in `TagKeys`, got %d.", tagWriteMax, len(keys))
	}
	for i, k := range keys {
		if k == "" {
			return nil, apiErr("InvalidParameterValue.TagKeyEmpty", "The tag key of `TagKeys.%d` is empty.", i)
		}
	}
	return s.tagEach(names, func(cur []Tag, _ string) ([]Tag, *APIError) { return dropTags(cur, keys), nil }), nil
}

func (s *Server) modifyResourceTags(rc *reqCtx) (any, *APIError) {
	var p tag.ModifyResourceTagsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if str(p.Resource) == "" {
		return nil, missingParam("Resource")
	}
	n, e := parseResourceName("Resource", *p.Resource)
	if e != nil {
		return nil, e
	}
	if len(p.ReplaceTags) == 0 && len(p.DeleteTags) == 0 {
		return nil, apiErr("MissingParameter", "The request is missing `ReplaceTags` or `DeleteTags`; give at least one.")
	}
	replace, e := tagList("ReplaceTags", p.ReplaceTags)
	if e != nil {
		return nil, e
	}
	if len(p.DeleteTags) > tagWriteMax {
		return nil, apiErr("LimitExceeded.TagNumPerRequest", "At most %d tags are allowed in `DeleteTags`, got %d.", tagWriteMax, len(p.DeleteTags))
	}
	var del []string
	for i, d := range p.DeleteTags {
		k := ""
		if d != nil {
			k = str(d.TagKey)
		}
		if k == "" {
			return nil, apiErr("InvalidParameterValue.TagKeyEmpty", "The tag key of `DeleteTags.%d` is empty.", i)
		}
		for _, r := range replace {
			if r.Key == k {
				return nil, apiErr("InvalidParameterValue.DeleteTagsParamError", "The tag key `%s` is in both `ReplaceTags` and `DeleteTags`; a key may be replaced or deleted, not both.", k)
			}
		}
		del = append(del, k)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, e := s.tagTarget(n)
	if e != nil {
		return nil, e
	}
	next, e := mergeTags(dropTags(ref.get(), del), replace, n.raw)
	if e != nil {
		return nil, e
	}
	ref.set(next)
	return nil, nil
}

// tagPage applies the Tag API's paging to n rows: Limit defaults to 15 and is at most
// tagPageMax; Offset must be a multiple of Limit.
func tagPage(offset, limit *uint64, n int) (start, end int, off, lim uint64, e *APIError) {
	lim = tagPageDefault
	if limit != nil && *limit > 0 {
		lim = *limit
	}
	if lim > tagPageMax {
		return 0, 0, 0, 0, apiErr("InvalidParameter", "The value `%d` of `Limit` is over the limit: it must be between 1 and %d.", lim, tagPageMax)
	}
	if offset != nil {
		off = *offset
	}
	if off%lim != 0 {
		return 0, 0, 0, 0, apiErr("InvalidParameterValue.OffsetInvalid", "The value `%d` of `Offset` is not a multiple of `Limit` (%d).", off, lim)
	}
	start = int(min(off, uint64(n)))
	end = int(min(off+lim, uint64(n)))
	return start, end, off, lim, nil
}

func md5Hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// tagRows are the TagResource rows of one resource, one per tag.
func tagRows(service, id string, tags []Tag) []*tag.TagResource {
	out := make([]*tag.TagResource, 0, len(tags))
	for _, t := range tags {
		out = append(out, &tag.TagResource{TagKey: sp(t.Key), TagValue: sp(t.Value), ResourceId: sp(id),
			TagKeyMd5: sp(md5Hex(t.Key)), TagValueMd5: sp(md5Hex(t.Value)), ServiceType: sp(service), Category: sp("Custom")})
	}
	return out
}

// tagRowPage answers rows a page at a time in the shape of the DescribeResourceTags* actions.
func tagRowPage(listKey string, rows []*tag.TagResource, offset, limit *uint64) (any, *APIError) {
	start, end, off, lim, e := tagPage(offset, limit, len(rows))
	if e != nil {
		return nil, e
	}
	return map[string]any{"TotalCount": len(rows), "Offset": off, "Limit": lim, listKey: rows[start:end]}, nil
}

// checkCategory accepts the Category values; tcsim has no system tags, so System lists none.
func checkCategory(c *string) (bool, *APIError) {
	switch str(c) {
	case "", "All", "Custom":
		return true, nil
	case "System":
		return false, nil
	}
	return false, apiErr("InvalidParameter", "The value `%s` of `Category` is not valid; use Custom, System or All.", str(c))
}

func (s *Server) describeResourceTagsByResourceIds(rc *reqCtx) (any, *APIError) {
	var p tag.DescribeResourceTagsByResourceIdsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"ServiceType", p.ServiceType}, {"ResourcePrefix", p.ResourcePrefix}, {"ResourceRegion", p.ResourceRegion}} {
		if str(f.v) == "" {
			return nil, missingParam(f.name)
		}
	}
	ids := strs(p.ResourceIds)
	if len(ids) == 0 {
		return nil, missingParam("ResourceIds")
	}
	if len(ids) > tagIDsMax {
		return nil, apiErr("LimitExceeded.ResourceNumPerRequest", "At most %d ids are allowed in `ResourceIds`, got %d.", tagIDsMax, len(ids))
	}
	kind, e := findTagKind(*p.ServiceType, *p.ResourcePrefix)
	if e != nil {
		return nil, e
	}
	custom, e := checkCategory(p.Category)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs, ok := s.world.Regions[*p.ResourceRegion]
	if !ok {
		return nil, apiErr("InvalidParameterValue.RegionInvalid", "The region `%s` of `ResourceRegion` is not a served region.", *p.ResourceRegion)
	}
	rows := []*tag.TagResource{}
	for _, id := range ids {
		// An id that does not exist (a deleted instance) has no tags rather than an error, so
		// a read after delete sees nothing, as on the real API.
		if ref, ok := kind.ref(rs, id); ok && custom {
			rows = append(rows, tagRows(kind.service, id, ref.get())...)
		}
	}
	return tagRowPage("Tags", rows, p.Offset, p.Limit)
}

// taggedResource is one resource with its tags, as the listing actions walk them.
type taggedResource struct {
	kind       *tagKind
	region, id string
	tags       []Tag
}

// eachTagged lists every taggable resource of the account, by region name, kind and creation
// order, so pages are stable; the caller holds s.mu.
func (s *Server) eachTagged() []taggedResource {
	regions := make([]string, 0, len(s.world.Regions))
	for r := range s.world.Regions {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	var out []taggedResource
	for _, r := range regions {
		rs := s.world.Regions[r]
		for i := range tagKinds {
			k := &tagKinds[i]
			for _, id := range k.ids(rs) {
				ref, _ := k.ref(rs, id)
				out = append(out, taggedResource{kind: k, region: r, id: id, tags: ref.get()})
			}
		}
	}
	return out
}

func (s *Server) describeResourceTags(rc *reqCtx) (any, *APIError) {
	var p tag.DescribeResourceTagsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	service, prefix, region, id := str(p.ServiceType), str(p.ResourcePrefix), str(p.ResourceRegion), str(p.ResourceId)
	if prefix != "" && service == "" {
		return nil, apiErr("MissingParameter", "`ResourcePrefix` needs `ServiceType`: prefixes are per service.")
	}
	if service != "" {
		if _, e := findTagKind(service, prefix); e != nil && (prefix != "" || e.Code == "InvalidParameterValue.ServiceTypeInvalid") {
			return nil, e
		}
	}
	if c := p.CosResourceId; c != nil && *c > 1 {
		return nil, apiErr("InvalidParameter", "The value `%d` of `CosResourceId` is not valid; use 0 or 1.", *c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.world.Regions[region]; region != "" && !ok {
		return nil, apiErr("InvalidParameterValue.RegionInvalid", "The region `%s` of `ResourceRegion` is not a served region.", region)
	}
	rows := []*tag.TagResource{}
	// Another creator's resources and COS objects are not in the emulated account.
	other := (p.CreateUin != nil && strconv.FormatUint(*p.CreateUin, 10) != s.opts.OwnerUin) || (p.CosResourceId != nil && *p.CosResourceId == 1)
	for _, r := range s.eachTagged() {
		if other || (service != "" && r.kind.service != service) || (prefix != "" && r.kind.prefix != prefix) ||
			(region != "" && r.region != region) || (id != "" && r.id != id) {
			continue
		}
		rows = append(rows, tagRows(r.kind.service, r.id, r.tags)...)
	}
	return tagRowPage("Rows", rows, p.Offset, p.Limit)
}

// matchTagFilters reports whether tags hold every filter's key with one of its values (any
// value when the filter lists none).
func matchTagFilters(tags []Tag, filters []*tag.TagFilter) bool {
	for _, f := range filters {
		want, found := strs(f.TagValue), false
		for _, t := range tags {
			if t.Key == str(f.TagKey) && (len(want) == 0 || contains(want, t.Value)) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *Server) mapping(service, region, prefix, id string, tags []Tag) *tag.ResourceTagMapping {
	out := &tag.ResourceTagMapping{Resource: sp(s.canonicalName(service, region, prefix, id)), Tags: []*tag.Tag{}}
	for _, t := range tags {
		out.Tags = append(out.Tags, &tag.Tag{TagKey: sp(t.Key), TagValue: sp(t.Value), Category: sp("Custom")})
	}
	return out
}

func (s *Server) getResources(rc *reqCtx) (any, *APIError) {
	var p tag.GetResourcesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if len(p.ResourceList) > tagWriteMax {
		return nil, apiErr("LimitExceeded.ResourceNumPerRequest", "At most %d resources are allowed in `ResourceList`, got %d.", tagWriteMax, len(p.ResourceList))
	}
	if len(p.TagFilters) > tagFiltersMax {
		return nil, apiErr("InvalidParameterValue.TagFiltersLengthExceeded", "At most %d `TagFilters` are allowed, got %d.", tagFiltersMax, len(p.TagFilters))
	}
	for i, f := range p.TagFilters {
		if f == nil || str(f.TagKey) == "" {
			return nil, missingParam(fmt.Sprintf("TagFilters.%d.TagKey", i))
		}
		if len(f.TagValue) > tagFilterValuesMax {
			return nil, apiErr("InvalidParameterValue.TagFiltersLengthExceeded", "`TagFilters.%d.TagValue` has %d values; at most %d are allowed.", i, len(f.TagValue), tagFilterValuesMax)
		}
	}
	max := uint64(getResourcesDefault)
	if p.MaxResults != nil && *p.MaxResults > 0 {
		max = *p.MaxResults
	}
	if max > getResourcesMax {
		return nil, apiErr("InvalidParameter", "The value `%d` of `MaxResults` is over the limit: it must be between 1 and %d.", max, getResourcesMax)
	}
	// The token is the offset of the next page; tcsim's own, so any other value is invalid.
	var from uint64
	if t := str(p.PaginationToken); t != "" {
		n, err := strconv.ParseUint(t, 10, 64)
		if err != nil {
			return nil, apiErr("InvalidParameter.PaginationTokenInvalid", "The `PaginationToken` `%s` was not issued by a previous GetResources answer.", t)
		}
		from = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []*tag.ResourceTagMapping{}
	if len(p.ResourceList) > 0 {
		// Named resources are all answered at once; MaxResults does not apply.
		for i, r := range p.ResourceList {
			n, e := parseResourceName(fmt.Sprintf("ResourceList.%d", i), str(r))
			if e != nil {
				return nil, e
			}
			if ref, e := s.tagTarget(n); e == nil && matchTagFilters(ref.get(), p.TagFilters) {
				list = append(list, s.mapping(n.service, n.region, n.prefix, n.id, ref.get()))
			}
		}
		return map[string]any{"PaginationToken": "", "ResourceTagMappingList": list}, nil
	}
	// Without a list, the tag service knows only resources that carry a tag.
	for _, r := range s.eachTagged() {
		if len(r.tags) > 0 && matchTagFilters(r.tags, p.TagFilters) {
			list = append(list, s.mapping(r.kind.service, r.region, r.kind.prefix, r.id, r.tags))
		}
	}
	start := min(from, uint64(len(list)))
	end := min(from+max, uint64(len(list)))
	next := ""
	if end < uint64(len(list)) {
		next = strconv.FormatUint(end, 10)
	}
	return map[string]any{"PaginationToken": next, "ResourceTagMappingList": list[start:end]}, nil
}

func (s *Server) describeTags(rc *reqCtx) (any, *APIError) {
	var p tag.DescribeTagsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if (p.TagKey == nil) != (p.TagValue == nil) && len(p.TagKeys) == 0 {
		missing := "TagValue"
		if p.TagKey == nil {
			missing = "TagKey"
		}
		return nil, apiErr("MissingParameter", "`TagKey` and `TagValue` go together; the request is missing `%s`.", missing)
	}
	if v := p.ShowProject; v != nil && *v > 1 {
		return nil, apiErr("InvalidParameter", "The value `%d` of `ShowProject` is not valid; use 0 or 1.", *v)
	}
	keys := strs(p.TagKeys)
	s.mu.Lock()
	defer s.mu.Unlock()
	type pair struct{ k, v string }
	seen := map[pair]bool{}
	var pairs []pair
	if p.CreateUin == nil || strconv.FormatUint(*p.CreateUin, 10) == s.opts.OwnerUin {
		for _, r := range s.eachTagged() {
			for _, t := range r.tags {
				pr := pair{t.Key, t.Value}
				switch {
				case seen[pr]:
					continue
				case len(keys) > 0 && !contains(keys, t.Key):
					continue
				case len(keys) == 0 && p.TagKey != nil && (t.Key != *p.TagKey || t.Value != *p.TagValue):
					continue
				}
				seen[pr] = true
				pairs = append(pairs, pr)
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	start, end, off, lim, e := tagPage(p.Offset, p.Limit, len(pairs))
	if e != nil {
		return nil, e
	}
	out := make([]*tag.TagWithDelete, 0, end-start)
	for _, pr := range pairs[start:end] {
		// Every listed tag is bound to a resource, and a bound tag cannot be deleted.
		out = append(out, &tag.TagWithDelete{TagKey: sp(pr.k), TagValue: sp(pr.v), CanDelete: ptrU64(0), Category: sp("Custom")})
	}
	return map[string]any{"TotalCount": len(pairs), "Offset": off, "Limit": lim, "Tags": out}, nil
}
