package tcsim

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	cbs "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cbs/v20170312"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// The Tag API (tag.tencentcloudapi.com, 2018-08-13) reads and writes the tags the CVM and VPC
// records already carry; there is no second tag store that could drift from them. So tags set
// by RunInstances' TagSpecification, CreateImage or CreateVpc are what
// DescribeResourceTagsByResourceIds answers, and a TagResources change is what DescribeInstances,
// DescribeImages or DescribeVpcs show next, as on the real cloud.

const versionTag = "2018-08-13"

// maxTagsPerResource is the real limit of tags bound to one resource.
const maxTagsPerResource = 50

// tagRef reads and replaces the tags of one resource; the caller holds s.mu.
type tagRef struct {
	get func() []Tag
	set func([]Tag)
}

// tagKind is one taggable resource type: the service and prefix of its six-segment name
// (qcs::<service>:<region>:uin/<account>:<prefix>/<id>) and how to reach its records.
type tagKind struct {
	service, prefix string
	// ids lists the region's resources of the kind in creation order.
	ids func(rs *regionState) []string
	// ref finds one resource's tags; false when it does not exist.
	ref func(rs *regionState, id string) (tagRef, bool)
}

// tagKinds are the resources tcsim models, with the names the official provider builds for
// them (security groups and CBS volumes are cvm resources in the tag service).
var tagKinds = []tagKind{
	kindOf("cvm", "instance", func(rs *regionState) map[string]*instanceRec { return rs.Instances }, func(r *instanceRec) int64 { return r.Seq },
		func(r *instanceRec) (tagRef, bool) { return cvmTagRef(&r.Instance.Tags), true }),
	kindOf("cvm", "image", func(rs *regionState) map[string]*imageRec { return rs.Images }, func(r *imageRec) int64 { return r.Seq },
		func(im *imageRec) (tagRef, bool) {
			// Public, shared and marketplace images belong to other accounts: not this one's to tag.
			return tagRef{get: func() []Tag { return append([]Tag(nil), im.Tags...) }, set: func(t []Tag) { im.Tags = t }}, im.ImageType == "PRIVATE_IMAGE"
		}),
	kindOf("cvm", "keypair", func(rs *regionState) map[string]*keyPairRec { return rs.KeyPairs }, func(r *keyPairRec) int64 { return r.Seq },
		func(r *keyPairRec) (tagRef, bool) { return cvmTagRef(&r.KeyPair.Tags), true }),
	{service: "cvm", prefix: "volume", ids: volumeIDs, ref: volumeRef},
	kindOf("cvm", "sg", func(rs *regionState) map[string]*securityGroupRec { return rs.SecurityGroups }, func(r *securityGroupRec) int64 { return r.Seq },
		func(r *securityGroupRec) (tagRef, bool) { return vpcTagRef(&r.SecurityGroup.TagSet), true }),
	kindOf("vpc", "vpc", func(rs *regionState) map[string]*vpcRec { return rs.Vpcs }, func(r *vpcRec) int64 { return r.Seq },
		func(r *vpcRec) (tagRef, bool) { return vpcTagRef(&r.Vpc.TagSet), true }),
	kindOf("vpc", "subnet", func(rs *regionState) map[string]*subnetRec { return rs.Subnets }, func(r *subnetRec) int64 { return r.Seq },
		func(r *subnetRec) (tagRef, bool) { return vpcTagRef(&r.Subnet.TagSet), true }),
}

// kindOf is a tagKind over one of the region's record maps; ref says false for a record the
// account cannot tag.
func kindOf[R any](service, prefix string, records func(*regionState) map[string]R, seq func(R) int64, ref func(R) (tagRef, bool)) tagKind {
	return tagKind{service: service, prefix: prefix,
		ids: func(rs *regionState) []string {
			return idsBySeq(records(rs), seq, func(r R) bool { _, ok := ref(r); return ok })
		},
		ref: func(rs *regionState, id string) (tagRef, bool) {
			r, ok := records(rs)[id]
			if !ok {
				return tagRef{}, false
			}
			return ref(r)
		},
	}
}

// idsBySeq lists the keys of m that keep accepts (all when keep is nil) in creation order.
func idsBySeq[T any](m map[string]T, seq func(T) int64, keep func(T) bool) []string {
	ids := make([]string, 0, len(m))
	for id, v := range m {
		if keep == nil || keep(v) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return seq(m[ids[i]]) < seq(m[ids[j]]) })
	return ids
}

func cvmTagRef(set *[]*cvm.Tag) tagRef {
	return tagRef{get: func() []Tag { return tagsOfCVM(*set) }, set: func(t []Tag) { *set = cvmTags(t) }}
}

func vpcTagRef(set *[]*vpc.Tag) tagRef {
	return tagRef{
		// Stored tags always have a key, so tagsOfVPC (which checks requests) cannot fail here.
		get: func() []Tag { t, _ := tagsOfVPC(*set); return t },
		set: func(t []Tag) { *set = vpcTags(t) },
	}
}

// volumeIDs lists the CBS disks of the region's instances (system disk first, as created).
func volumeIDs(rs *regionState) []string {
	var out []string
	for _, id := range idsBySeq(rs.Instances, func(r *instanceRec) int64 { return r.Seq }, nil) {
		for _, d := range rs.Instances[id].Disks {
			out = append(out, str(d.DiskId))
		}
	}
	return out
}

func volumeRef(rs *regionState, id string) (tagRef, bool) {
	for _, in := range rs.Instances {
		for _, d := range in.Disks {
			if str(d.DiskId) != id {
				continue
			}
			return tagRef{
				get: func() []Tag {
					out := make([]Tag, 0, len(d.Tags))
					for _, t := range d.Tags {
						out = append(out, Tag{Key: str(t.Key), Value: str(t.Value)})
					}
					return out
				},
				set: func(tags []Tag) {
					d.Tags = make([]*cbs.Tag, 0, len(tags))
					for _, t := range tags {
						d.Tags = append(d.Tags, &cbs.Tag{Key: sp(t.Key), Value: sp(t.Value)})
					}
				},
			}, true
		}
	}
	return tagRef{}, false
}

// findTagKind resolves a service and prefix, naming what tcsim serves when it does not know them.
func findTagKind(service, prefix string) (*tagKind, *APIError) {
	var prefixes []string
	for i := range tagKinds {
		if tagKinds[i].service != service {
			continue
		}
		if tagKinds[i].prefix == prefix {
			return &tagKinds[i], nil
		}
		prefixes = append(prefixes, tagKinds[i].prefix)
	}
	if len(prefixes) == 0 {
		return nil, apiErr("InvalidParameterValue.ServiceTypeInvalid", "The service type `%s` is not valid; tcsim serves the tags of cvm and vpc resources.", service)
	}
	return nil, apiErr("InvalidParameterValue.ResourcePrefixInvalid", "The resource prefix `%s` is not valid for service %s; use one of %s.", prefix, service, strings.Join(prefixes, ", "))
}

// resourceName is a six-segment resource description.
type resourceName struct {
	raw                              string
	service, region, uin, prefix, id string
}

// parseResourceName reads qcs:<project>:<service>:<region>:uin/<account>:<prefix>/<id>; the
// project and account may be empty (the official provider sends "uin/:").
func parseResourceName(field, s string) (resourceName, *APIError) {
	seg := strings.Split(s, ":")
	bad := func() (resourceName, *APIError) {
		return resourceName{}, apiErr("InvalidParameterValue.ResourceDescriptionError",
			"The value `%s` of `%s` is not a six-segment resource description; write qcs::<service>:<region>:uin/<account>:<prefix>/<id>, e.g. qcs::cvm:ap-guangzhou:uin/100000000001:instance/ins-xxxxxxxx.", s, field)
	}
	if len(seg) != 6 || seg[0] != "qcs" || seg[2] == "" {
		return bad()
	}
	uin, ok := strings.CutPrefix(seg[4], "uin/")
	prefix, id, ok2 := strings.Cut(seg[5], "/")
	if !ok || !ok2 || prefix == "" || id == "" {
		return bad()
	}
	return resourceName{raw: s, service: seg[2], region: seg[3], uin: uin, prefix: prefix, id: id}, nil
}

// canonicalName is the description the Tag API answers with: the account filled in.
func (s *Server) canonicalName(service, region, prefix, id string) string {
	return fmt.Sprintf("qcs::%s:%s:uin/%s:%s/%s", service, region, s.opts.OwnerUin, prefix, id)
}

// tagTarget resolves a resource description to its tags; the caller holds s.mu.
func (s *Server) tagTarget(n resourceName) (tagRef, *APIError) {
	kind, e := findTagKind(n.service, n.prefix)
	if e != nil {
		return tagRef{}, e
	}
	if n.uin != "" && n.uin != s.opts.OwnerUin {
		return tagRef{}, apiErr("InvalidParameterValue.UinInvalid", "The account `%s` in `%s` is not the caller's account %s.", n.uin, n.raw, s.opts.OwnerUin)
	}
	rs, ok := s.world.Regions[n.region]
	if !ok {
		return tagRef{}, apiErr("InvalidParameterValue.RegionInvalid", "The region `%s` in `%s` is not a served region.", n.region, n.raw)
	}
	ref, ok := kind.ref(rs, n.id)
	if !ok {
		return tagRef{}, apiErr("InvalidParameterValue.ResourceIdInvalid", "The resource `%s` does not exist in this account.", n.raw)
	}
	return ref, nil
}

// tagCharsOK reports whether every character is one the tag service allows in keys and
// values: letters (any script), digits, spaces and + - = . _ : / @ ( ) [ ] （ ） 【 】.
func tagCharsOK(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && !strings.ContainsRune("+-=._:/@()[]（）【】", r) {
			return false
		}
	}
	return true
}

// checkTag applies the tag service's rules to one key and value; field names the tag in the
// request so the error says which one to fix.
func checkTag(field, key, value string) *APIError {
	switch {
	case key == "":
		return apiErr("InvalidParameterValue.TagKeyEmpty", "The tag key of `%s` is empty.", field)
	case utf8.RuneCountInString(key) > 127:
		return apiErr("InvalidParameterValue.TagKeyLengthExceeded", "The tag key `%s` of `%s` is longer than 127 characters.", key, field)
	case utf8.RuneCountInString(value) > 255:
		return apiErr("InvalidParameterValue.TagValueLengthExceeded", "The tag value of `%s` (key `%s`) is longer than 255 characters.", field, key)
	case strings.HasPrefix(strings.ToLower(key), "qcs:") || strings.HasPrefix(strings.ToLower(key), "project") || strings.HasPrefix(key, "项目"):
		return apiErr("InvalidParameterValue.ReservedTagKey", "The tag key `%s` of `%s` is reserved: keys may not start with qcs:, project or 项目.", key, field)
	case !tagCharsOK(key):
		return apiErr("InvalidParameterValue.TagKeyCharacterIllegal", "The tag key `%s` of `%s` has a character tags do not allow; use letters, digits, spaces and + - = . _ : / @ ( ) [ ].", key, field)
	case !tagCharsOK(value):
		return apiErr("InvalidParameterValue.TagValueCharacterIllegal", "The tag value `%s` of `%s` has a character tags do not allow; use letters, digits, spaces and + - = . _ : / @ ( ) [ ].", value, field)
	}
	return nil
}

// mergeTags sets each of add on tags (a key already bound takes the new value) and fails when
// the resource would carry more than maxTagsPerResource.
func mergeTags(tags, add []Tag, name string) ([]Tag, *APIError) {
	out := append([]Tag(nil), tags...)
	for _, a := range add {
		found := false
		for i := range out {
			if out[i].Key == a.Key {
				out[i].Value, found = a.Value, true
			}
		}
		if !found {
			out = append(out, a)
		}
	}
	if len(out) > maxTagsPerResource {
		return nil, apiErr("LimitExceeded.ResourceAttachedTags", "The resource `%s` would carry %d tags; at most %d are allowed.", name, len(out), maxTagsPerResource)
	}
	return out, nil
}

// dropTags removes the tags with the given keys.
func dropTags(tags []Tag, keys []string) []Tag {
	out := make([]Tag, 0, len(tags))
	for _, t := range tags {
		if !contains(keys, t.Key) {
			out = append(out, t)
		}
	}
	return out
}

// The tag rules as CVM and VPC answer them when tags come with a create call: the same rules
// as the Tag API's, under each service's own error codes.
var (
	cvmTagCodes = map[string]string{
		"InvalidParameterValue.TagKeyLengthExceeded":     "FailedOperation.IllegalTagKey",
		"InvalidParameterValue.TagValueLengthExceeded":   "FailedOperation.IllegalTagValue",
		"InvalidParameterValue.TagKeyCharacterIllegal":   "FailedOperation.IllegalTagKey",
		"InvalidParameterValue.TagValueCharacterIllegal": "FailedOperation.IllegalTagValue",
		"InvalidParameterValue.ReservedTagKey":           "FailedOperation.TagKeyReserved",
		"InvalidParameterValue.TagKeyDuplicate":          "InvalidParameterValue.DuplicateTags",
		"LimitExceeded.ResourceAttachedTags":             "InvalidParameterValue.TagQuotaLimitExceeded",
	}
	vpcTagCodes = map[string]string{
		"InvalidParameterValue.TagKeyLengthExceeded":     "InvalidParameterValue.TagInvalidKeyLen",
		"InvalidParameterValue.TagValueLengthExceeded":   "InvalidParameterValue.TagInvalidVal",
		"InvalidParameterValue.TagKeyCharacterIllegal":   "InvalidParameterValue.TagInvalidKey",
		"InvalidParameterValue.TagValueCharacterIllegal": "InvalidParameterValue.TagInvalidVal",
		"InvalidParameterValue.ReservedTagKey":           "InvalidParameterValue.TagInvalidKey",
		"InvalidParameterValue.TagKeyDuplicate":          "InvalidParameterValue.TagDuplicateKey",
		"LimitExceeded.ResourceAttachedTags":             "LimitExceeded.TagKeyPerResourceExceeded",
	}
)

// checkCreateTags applies the tag rules to the tags a create call brings (field names them in
// errors), answering with codes' translation of the Tag API's codes.
func checkCreateTags(field string, tags []Tag, codes map[string]string) *APIError {
	translate := func(e *APIError) *APIError {
		if c, ok := codes[e.Code]; ok {
			e.Code = c
		}
		return e
	}
	if len(tags) > maxTagsPerResource {
		return translate(apiErr("LimitExceeded.ResourceAttachedTags", "`%s` has %d tags; a resource carries at most %d.", field, len(tags), maxTagsPerResource))
	}
	seen := map[string]bool{}
	for i, t := range tags {
		if e := checkTag(fmt.Sprintf("%s.%d", field, i), t.Key, t.Value); e != nil {
			return translate(e)
		}
		if seen[t.Key] {
			return translate(apiErr("InvalidParameterValue.TagKeyDuplicate", "The tag key `%s` appears twice in `%s`.", t.Key, field))
		}
		seen[t.Key] = true
	}
	return nil
}

// vpcRequestTags reads and checks the Tags of CreateVpc, CreateSubnet and CreateSecurityGroup.
func vpcRequestTags(in []*vpc.Tag) ([]Tag, *APIError) {
	tags, e := tagsOfVPC(in)
	if e != nil {
		return nil, e
	}
	return tags, checkCreateTags("Tags", tags, vpcTagCodes)
}
