package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// imageFilterModel are the search attributes shared by hardened_image and
// hardened_images.
type imageFilterModel struct {
	imageIdentModel // image_type, platform, architecture
	searchFilterModel
	MinImageState types.String `tfsdk:"min_image_state"`
}

// searchFilterModel are the search attributes shared by the image and the
// Lighthouse blueprint data sources (searchFilterAttributes).
type searchFilterModel struct {
	NameRegex   types.String `tfsdk:"name_regex"`
	OSFamily    types.String `tfsdk:"os_family"`
	OSVersion   types.String `tfsdk:"os_version"`
	Tags        types.Map    `tfsdk:"tags"`
	AllowedOnly types.Bool   `tfsdk:"allowed_only"`
	Region      types.String `tfsdk:"region"`
}

func (m *searchFilterModel) region() string { return m.Region.ValueString() }

var imageTypes = []string{"PUBLIC_IMAGE", "PRIVATE_IMAGE", "SHARED_IMAGE", "MARKET_IMAGE"}

// searchFilterAttributes are the schema of searchFilterModel; noun is what
// is searched ("images", "blueprints").
func searchFilterAttributes(noun string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name_regex": schema.StringAttribute{Optional: true, MarkdownDescription: "Only " + noun + " whose name matches this (RE2) regular expression.",
			Validators: []validator.String{regexValidator()}},
		"os_family": schema.StringAttribute{Optional: true, MarkdownDescription: "Only " + noun + " of this OS family (parsed from `OsName`): " + codeList(lifecycle.Families()) + " or an alias.",
			Validators: []validator.String{familyValidator()}},
		"os_version": schema.StringAttribute{Optional: true, MarkdownDescription: "Only this OS release, e.g. `24.04` or `13` (point releases match their cycle). Needs `os_family`.",
			Validators: []validator.String{stringvalidator.AlsoRequires(pathExpr("os_family"))}},
		"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
			MarkdownDescription: "Only " + noun + " carrying all these tags (server-side filter), e.g. `{ \"hardened:profile\" = \"debian-13\" }`."},
		"region": schema.StringAttribute{Optional: true, Computed: true,
			MarkdownDescription: "Region to search, e.g. `ap-shanghai`. Default: the provider's region."},
		"allowed_only": schema.BoolAttribute{Optional: true, MarkdownDescription: "Only " + noun + " the image policy allows. Default `false`."},
	}
}

func imageFilterAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"image_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Only images of this type: " + codeList(imageTypes) + ".",
			Validators: []validator.String{stringvalidator.OneOf(imageTypes...)}},
		"architecture": schema.StringAttribute{Optional: true, MarkdownDescription: "Only this architecture: `x86_64` or `arm`.",
			Validators: []validator.String{stringvalidator.OneOf("x86_64", "arm")}},
		"platform": schema.StringAttribute{Optional: true, MarkdownDescription: "Only this Tencent `Platform`, e.g. `Debian` (server-side filter)."},
		"image_family": schema.StringAttribute{Optional: true, MarkdownDescription: "Only custom images of this image family (`ImageFamily`, server-side filter), " +
			"e.g. the Packer builder's `image_family`."},
		"min_image_state": schema.StringAttribute{Optional: true,
			MarkdownDescription: "Least usable `ImageState` an image may be in: `NORMAL` (default: only images ready to launch, " +
				"`NORMAL` or `USING`, so an image still `CREATING` or one that `CREATEFAILED` is never picked as the most recent), " +
				"`CREATING` (also images still being created, synced or imported) or `ANY` (also failed images, e.g. to inspect a broken build).",
			Validators: []validator.String{stringvalidator.OneOf(tencent.MinImageStates...)}},
	}
	for k, v := range searchFilterAttributes("images") {
		attrs[k] = v
	}
	return attrs
}

// imageQuery is a validated filter set.
type imageQuery struct {
	apiFilters  []tencent.Filter
	nameRE      *regexp.Regexp
	family      string
	version     string
	arch        string
	allowedOnly bool
	minState    string // "" = NORMAL
}

func queryFrom(ctx context.Context, f imageFilterModel, diags *diag.Diagnostics) imageQuery {
	var api []tencent.Filter
	if v := f.ImageType.ValueString(); v != "" {
		api = append(api, tencent.Filter{Name: "image-type", Values: []string{v}})
	}
	if v := f.Platform.ValueString(); v != "" {
		api = append(api, tencent.Filter{Name: "platform", Values: []string{v}})
	}
	if v := f.ImageFamily.ValueString(); v != "" {
		api = append(api, tencent.Filter{Name: "image-family", Values: []string{v}})
	}
	q := searchQueryFrom(ctx, f.searchFilterModel, diags)
	q.apiFilters = append(api, q.apiFilters...)
	q.arch = f.Architecture.ValueString()
	q.minState = f.MinImageState.ValueString()
	return q
}

// searchQueryFrom reads the shared search filters; tags become the API's
// tag:<key> filters, which CVM and Lighthouse name alike.
func searchQueryFrom(ctx context.Context, f searchFilterModel, diags *diag.Diagnostics) imageQuery {
	var q imageQuery
	if !f.Tags.IsNull() && !f.Tags.IsUnknown() {
		tags := map[string]string{}
		diags.Append(f.Tags.ElementsAs(ctx, &tags, false)...)
		keys := make([]string, 0, len(tags))
		for k := range tags {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			q.apiFilters = append(q.apiFilters, tencent.Filter{Name: "tag:" + k, Values: []string{tags[k]}})
		}
	}
	if v := f.NameRegex.ValueString(); v != "" {
		q.nameRE, _ = regexp.Compile(v) // validated by regexValidator
	}
	if v := f.OSFamily.ValueString(); v != "" {
		q.family, _ = lifecycle.NormalizeFamily(v)
		if ver := f.OSVersion.ValueString(); ver != "" {
			nv, err := lifecycle.NormalizeVersion(q.family, ver)
			if err != nil {
				diags.AddAttributeError(pathRoot("os_version"), "Invalid os_version", fmt.Sprintf("os_version %q: %v; use a release such as \"24.04\" or \"13\"", ver, err))
			}
			q.version = nv
		}
	}
	q.allowedOnly = f.AllowedOnly.ValueBool()
	return q
}

func (q imageQuery) describe() string {
	var parts []string
	for _, f := range q.apiFilters {
		parts = append(parts, f.Name+"="+strings.Join(f.Values, "|"))
	}
	if q.nameRE != nil {
		parts = append(parts, "name_regex="+q.nameRE.String())
	}
	if q.family != "" {
		parts = append(parts, "os_family="+q.family)
	}
	if q.version != "" {
		parts = append(parts, "os_version="+q.version)
	}
	if q.arch != "" {
		parts = append(parts, "architecture="+q.arch)
	}
	if q.allowedOnly {
		parts = append(parts, "allowed_only=true")
	}
	if q.minState != "" && q.minState != tencent.ImageStateNormal {
		parts = append(parts, "min_image_state="+q.minState)
	}
	if len(parts) == 0 {
		return "no filters"
	}
	return strings.Join(parts, ", ")
}

// search lists every image matching q (all pages), judged under p, newest
// first (see sortNewestFirst).
func (d *providerData) search(ctx context.Context, c *tencent.Client, q imageQuery, p policy.Policy) ([]verdict, error) {
	imgs, err := c.ListImages(ctx, q.apiFilters)
	if err != nil {
		return nil, fmt.Errorf("list images in %s: %w", c.Region(), err)
	}
	var out []verdict
	for _, img := range imgs {
		if q.nameRE != nil && !q.nameRE.MatchString(img.Name) {
			continue
		}
		if q.arch != "" && img.Architecture != q.arch {
			continue
		}
		if !tencent.MeetsMinState(img.State, q.minState) {
			continue
		}
		if v := d.judge(ctx, img, p); q.wants(v) {
			out = append(out, v)
		}
	}
	sortNewestFirst(out)
	return out, nil
}

// wants applies the filters that need the judgement (OS, allowed_only).
func (q imageQuery) wants(v verdict) bool {
	return (q.family == "" || v.OS.Family == q.family) && (q.version == "" || v.OS.Version == q.version) &&
		(!q.allowedOnly || v.Decision.Allowed)
}

// regexValidator rejects patterns RE2 cannot compile.
func regexValidator() validator.String {
	return stringCheck{"must be a valid RE2 regular expression", func(s string) error {
		if _, err := regexp.Compile(s); err != nil {
			return fmt.Errorf("%q is not a valid regular expression: %v", s, err)
		}
		return nil
	}}
}

// stateProblem says why an image asked for by id is not in a usable state,
// or "" when it meets min (min_image_state; "" = NORMAL).
func stateProblem(img tencent.Image, min string) string {
	if tencent.MeetsMinState(img.State, min) {
		return ""
	}
	if min == "" {
		min = tencent.ImageStateNormal
	}
	return fmt.Sprintf("image %s (%s) is in state %s, below min_image_state = %q: it cannot be launched now. "+
		"Wait until it is NORMAL, use another image, or set min_image_state = \"ANY\" to look at it anyway.", img.ID, img.OsName, img.State, min)
}
