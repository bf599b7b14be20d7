package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// osReleasesDataSource lists the releases of one OS family with their phase,
// newest first, so configurations can pick a base OS instead of hard-coding
// a version that will age out.
type osReleasesDataSource struct{ dataSourceBase }

type osReleasesModel struct {
	Family        types.String `tfsdk:"family"`
	SupportedOnly types.Bool   `tfsdk:"supported_only"`
	LTSOnly       types.Bool   `tfsdk:"lts_only"`
	ID            types.String `tfsdk:"id"`
	Releases      types.List   `tfsdk:"releases"`
	Newest        types.String `tfsdk:"newest_version"`
	lookupPolicyModel
}

var releaseAttrTypes = map[string]attr.Type{
	"version":      types.StringType,
	"name":         types.StringType,
	"codename":     types.StringType,
	"lts":          types.BoolType,
	"phase":        types.StringType,
	"is_supported": types.BoolType,
	"eol_standard": types.StringType,
	"eol_extended": types.StringType,
	"days_to_eol":  types.Int64Type,
}

func (d *osReleasesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_os_releases"
}

func (d *osReleasesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The releases of one OS family in the lifecycle catalog, newest first, each with its phase today. " +
			"Use `newest_version` with `supported_only = true` to pick a base OS that is supported now instead of " +
			"hard-coding a version that will age out.",
		Attributes: map[string]schema.Attribute{
			"family": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "OS family: " + codeList(lifecycle.Families()) + " (aliases such as `Rocky Linux` are accepted).",
				Validators:          []validator.String{familyValidator()},
			},
			"supported_only": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Only list releases whose `is_supported` is true today. Default `false`.",
			},
			"lts_only": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Only list long-term-support releases (drops e.g. Ubuntu interim releases). Default `false`.",
			},
			"id": computedString("The canonical family id."),
			"releases": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Matching releases, newest version first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"version":      computedString("Release cycle, e.g. `24.04`."),
					"name":         computedString("Human-readable name, e.g. `Ubuntu 24.04`."),
					"codename":     computedString("Codename, when known."),
					"lts":          computedBool("Long-term-support release."),
					"phase":        computedString("`supported`, `approaching_eol`, `extended`, `eol` or `unknown`."),
					"is_supported": computedBool("Whether the phase counts as supported under the policy."),
					"eol_standard": computedString("First day without standard support (`YYYY-MM-DD`), null when not published."),
					"eol_extended": computedString("First day without extended support (`YYYY-MM-DD`), null when there is none."),
					"days_to_eol":  computedInt("Days until `eol_standard`; negative once passed, null when unknown."),
				}},
			},
			"newest_version": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Version of the first entry of `releases`, or null when nothing matches.",
			},
		},
	}
	for k, v := range lookupPolicyAttributes() {
		resp.Schema.Attributes[k] = v
	}
}

func (d *osReleasesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "the hardened provider was not configured before reading hardened_os_releases")
		return
	}
	var m osReleasesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	fam, _ := lifecycle.NormalizeFamily(m.Family.ValueString()) // validated by familyValidator
	policy := m.policy(d.data.policy)
	today := lifecycle.Day(d.data.clock())
	var items []attr.Value
	newest := types.StringNull()
	for _, r := range d.data.base.Family(fam) {
		st := lifecycle.Compute(r, today, policy)
		if (m.SupportedOnly.ValueBool() && !st.Supported) || (m.LTSOnly.ValueBool() && !r.LTS) {
			continue
		}
		obj, diags := types.ObjectValue(releaseAttrTypes, map[string]attr.Value{
			"version":      types.StringValue(r.Version),
			"name":         types.StringValue(r.Name()),
			"codename":     strOrNull(r.Codename),
			"lts":          types.BoolValue(r.LTS),
			"phase":        types.StringValue(string(st.Phase)),
			"is_supported": types.BoolValue(st.Supported),
			"eol_standard": strOrNull(lifecycle.FormatDate(r.EOLStandard)),
			"eol_extended": strOrNull(lifecycle.FormatDate(r.EOLExtended)),
			"days_to_eol":  intPtr(st.DaysToEOL),
		})
		resp.Diagnostics.Append(diags...)
		if newest.IsNull() {
			newest = types.StringValue(r.Version)
		}
		items = append(items, obj)
	}
	list, diags := types.ListValue(types.ObjectType{AttrTypes: releaseAttrTypes}, items)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.ID = types.StringValue(fam)
	m.Releases = list
	m.Newest = newest
	m.used(policy, today)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
