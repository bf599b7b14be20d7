package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// lighthouseBlueprintDataSource is data "hardened_lighthouse_blueprint":
// one Lighthouse blueprint with its OS lifecycle status, provenance and
// policy decision, the way hardened_image reports an image.
type lighthouseBlueprintDataSource struct{ dataSourceBase }

type lighthouseBlueprintModel struct {
	blueprintFilterModel
	MostRecent types.Bool `tfsdk:"most_recent"`
	blueprintInfoCore
}

func (r *lighthouseBlueprintDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lighthouse_blueprint"
}

func (r *lighthouseBlueprintDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := mergeAttributes(blueprintInfoAttributes(), blueprintFilterAttributes())
	filters := []string{"blueprint_type", "platform_type", "platform", "name_regex", "os_family", "os_version", "tags", "allowed_only", "most_recent"}
	conflicts := make([]path.Expression, len(filters))
	for i, f := range filters {
		conflicts[i] = path.MatchRoot(f)
	}
	attrs["blueprint_id"] = schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "Blueprint to look up, e.g. `lhbp-6v8w2p1k`. Without it, the filters select the blueprint.",
		Validators:          []validator.String{blueprintIDValidator(), stringvalidator.ConflictsWith(conflicts...)}}
	// The filters that are also results report the selected blueprint's value.
	for _, k := range []string{"blueprint_type", "platform_type", "platform"} {
		a := attrs[k].(schema.StringAttribute)
		a.Computed = true
		a.MarkdownDescription += " Set to the selected blueprint's value."
		attrs[k] = a
	}
	attrs["most_recent"] = schema.BoolAttribute{Optional: true,
		MarkdownDescription: "When several blueprints match, take the newest instead of failing: the newest OS release first (e.g. Debian 13.1 " +
			"over 12.4), then creation time (custom blueprints), then blueprint id, so the choice is deterministic."}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One Tencent Cloud Lighthouse blueprint (镜像), by id or by filters, with its OS support status (phase, end-of-life " +
			"dates, days left, successor), its hardening provenance (verified against `trusted_keys`) and the image policy's decision, " +
			"with the same finding codes and messages as `hardened_image`. Searches select only `NORMAL` blueprints; use " +
			"`allowed_only = true` to select only blueprints the policy approves.",
		Attributes: attrs,
	}
}

func (r *lighthouseBlueprintDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	o := open[lighthouseBlueprintModel](ctx, r.data, req.Config, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	pol := r.data.enginePolicy(policyOverrides{})
	var found judged
	if id := m.BlueprintID.ValueString(); id != "" {
		b, err := c.GetBlueprint(ctx, id)
		if err != nil {
			addLookupErrorOf(&resp.Diagnostics, "blueprint", path.Root("blueprint_id"), "blueprint_id "+id, c.Region(), err)
			return
		}
		found = judged{b: b, v: r.data.judgeBlueprint(ctx, b, pol)}
	} else {
		q := blueprintQueryFrom(ctx, m.blueprintFilterModel, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		all := q
		all.allowedOnly = false
		list, err := r.data.searchBlueprints(ctx, c, all, pol)
		if err != nil {
			addLookupErrorOf(&resp.Diagnostics, "blueprint", path.Empty(), "blueprints matching "+q.describe(), c.Region(), err)
			return
		}
		var matches, rejected []judged
		for _, j := range list {
			if q.allowedOnly && !j.v.Decision.Allowed {
				rejected = append(rejected, j)
				continue
			}
			matches = append(matches, j)
		}
		switch {
		case len(matches) == 0:
			detail := fmt.Sprintf("No NORMAL Lighthouse blueprint in %s matches %s.", c.Region(), q.describe())
			if len(rejected) > 0 {
				detail += fmt.Sprintf(" %d blueprint(s) matched the filters but the image policy rejects them, e.g.:\n%s",
					len(rejected), rejected[0].v.Decision.Summary())
			}
			resp.Diagnostics.AddError("No matching blueprint", detail)
			return
		case len(matches) > 1 && !m.MostRecent.ValueBool():
			resp.Diagnostics.AddError("Several blueprints match", fmt.Sprintf(
				"%d blueprints in %s match %s (%s). Narrow the filters or set most_recent = true.",
				len(matches), c.Region(), q.describe(), blueprintList(matches, 5)))
			return
		}
		found = matches[0]
	}
	info := blueprintInfoFrom(found.b, found.v)
	m.blueprintIdentModel, m.blueprintInfoCore = info.blueprintIdentModel, info.blueprintInfoCore
	m.Region = types.StringValue(c.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// blueprintList names up to max blueprints for a diagnostic.
func blueprintList(js []judged, max int) string {
	out := make([]string, 0, max+1)
	for i, j := range js {
		if i == max {
			out = append(out, fmt.Sprintf("… %d more", len(js)-max))
			break
		}
		out = append(out, j.b.ID+" "+j.b.OsName)
	}
	return strings.Join(out, ", ")
}
