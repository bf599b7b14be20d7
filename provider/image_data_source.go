package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// imageDataSource is data "hardened_image": one Tencent image with its OS
// lifecycle status, hardening provenance and policy decision.
type imageDataSource struct{ dataSourceBase }

type imageDataSourceModel struct {
	imageFilterModel
	MostRecent        types.Bool `tfsdk:"most_recent"`
	IncludeDeprecated types.Bool `tfsdk:"include_deprecated"`
	imageInfoCore
}

func (r *imageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

func (r *imageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := mergeAttributes(imageInfoAttributes(), imageFilterAttributes())
	filters := []string{"image_type", "name_regex", "os_family", "os_version", "architecture", "platform", "image_family", "tags", "allowed_only",
		"most_recent", "include_deprecated"} // not region
	conflicts := make([]path.Expression, len(filters))
	for i, f := range filters {
		conflicts[i] = path.MatchRoot(f)
	}
	attrs["image_id"] = schema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Image to look up, e.g. `img-9qrfy1xt`. Without it, the filters select the image.",
		Validators:          []validator.String{imageIDValidator(), stringvalidator.ConflictsWith(conflicts...)},
	}
	// image_type, platform and architecture filter the search and report
	// the selected image's values.
	for _, k := range []string{"image_type", "platform", "architecture", "image_family"} {
		a := attrs[k].(schema.StringAttribute)
		a.Computed = true
		a.MarkdownDescription += " Set to the selected image's value."
		attrs[k] = a
	}
	attrs["most_recent"] = schema.BoolAttribute{Optional: true,
		MarkdownDescription: "When several images match, take the newest instead of failing. Public images have no creation time, so " +
			"\"newest\" is decided by the parsed OS release first (e.g. Debian 13.1 over 13.0), then creation time where the API reports one, " +
			"then image id, which makes the choice deterministic. Without `architecture`, only `x86_64` images are considered, " +
			"so an ARM build of the same release is never picked by chance; set `architecture = \"arm\"` for ARM instance types. " +
			"Deprecated images (e.g. superseded by a newer build of their `image_family`) are skipped unless `include_deprecated = true`."}
	attrs["include_deprecated"] = schema.BoolAttribute{Optional: true,
		MarkdownDescription: "Also select deprecated images when searching by filters. Default `false`: a build that superseded " +
			"the previous image of its family (Packer `deprecate_previous`) moves every `hardened_image` search on to the new one."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Tencent Cloud CVM image, by id or by filters, with its OS support status (phase, end-of-life dates, days " +
			"left, successor), its hardening provenance (verified against `trusted_keys`) and the image policy's decision. " +
			"Use `allowed_only = true` to select only images the policy approves.",
		Attributes: attrs,
	}
}

func (r *imageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	o := open[imageDataSourceModel](ctx, r.data, req.Config, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	pol := r.data.enginePolicy(policyOverrides{})
	var v verdict
	if id := m.ImageID.ValueString(); id != "" {
		img, err := c.GetImage(ctx, id)
		if err != nil {
			addLookupError(&resp.Diagnostics, path.Root("image_id"), "image_id "+id, c.Region(), err)
			return
		}
		if p := stateProblem(img, m.MinImageState.ValueString()); p != "" {
			resp.Diagnostics.AddAttributeError(path.Root("image_id"), "Image "+id+" is not ready", p)
			return
		}
		v = r.data.judge(ctx, img, pol)
	} else {
		q := queryFrom(ctx, m.imageFilterModel, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		// Without an architecture, most_recent would break the tie between
		// the x86_64 and ARM builds of one release by image id, i.e. by
		// chance: default to x86_64, the architecture of every instance
		// family except the SR/SA ARM ones.
		defaultedArch := false
		if m.MostRecent.ValueBool() && q.arch == "" && m.Architecture.IsNull() {
			q.arch, defaultedArch = defaultArchitecture, true
		}
		all := q
		all.allowedOnly = false
		found, err := r.data.search(ctx, c, all, pol)
		if err != nil {
			addLookupError(&resp.Diagnostics, path.Empty(), "images matching "+q.describe(), c.Region(), err)
			return
		}
		var deprecated []verdict
		if !m.IncludeDeprecated.ValueBool() {
			found = slices.DeleteFunc(found, func(v verdict) bool {
				if v.Image.Deprecated {
					deprecated = append(deprecated, v)
				}
				return v.Image.Deprecated
			})
		}
		matches, rejected := found, []verdict(nil)
		if q.allowedOnly {
			matches = nil
			for _, f := range found {
				if f.Decision.Allowed {
					matches = append(matches, f)
				} else {
					rejected = append(rejected, f)
				}
			}
		}
		switch {
		case len(matches) == 0:
			detail := fmt.Sprintf("No image in %s matches %s.", c.Region(), q.describe())
			if len(deprecated) > 0 {
				detail += fmt.Sprintf(" %d deprecated (superseded) image(s) matched and were skipped (%s); set include_deprecated = true to select them.",
					len(deprecated), idList(deprecated, 5))
			}
			if len(rejected) > 0 {
				detail += fmt.Sprintf(" %d image(s) matched the filters but the image policy rejects them, e.g.:\n%s",
					len(rejected), rejected[0].Decision.Summary())
			}
			if defaultedArch {
				detail += " architecture defaulted to " + defaultArchitecture + " because most_recent is set; set architecture = \"arm\" for ARM images."
			}
			resp.Diagnostics.AddError("No matching image", detail)
			return
		case len(matches) > 1 && !m.MostRecent.ValueBool():
			resp.Diagnostics.AddError("Several images match", fmt.Sprintf(
				"%d images in %s match %s (%s). Narrow the filters or set most_recent = true.",
				len(matches), c.Region(), q.describe(), idList(matches, 5)))
			return
		}
		v = matches[0]
	}
	info := imageInfoFrom(v)
	m.imageIdentModel, m.imageInfoCore = info.imageIdentModel, info.imageInfoCore
	m.Region = types.StringValue(c.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// defaultArchitecture is what most_recent selects when architecture is
// not set.
const defaultArchitecture = "x86_64"

func idList(vs []verdict, max int) string {
	ids := make([]string, 0, max)
	for i, v := range vs {
		if i == max {
			ids = append(ids, fmt.Sprintf("… %d more", len(vs)-max))
			break
		}
		ids = append(ids, v.Image.ID+" "+v.Image.OsName)
	}
	return strings.Join(ids, ", ")
}
