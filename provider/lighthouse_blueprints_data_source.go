package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// lighthouseBlueprintsDataSource is data "hardened_lighthouse_blueprints":
// every NORMAL blueprint matching the filters, newest first, each judged.
type lighthouseBlueprintsDataSource struct{ dataSourceBase }

type lighthouseBlueprintsModel struct {
	blueprintFilterModel
	IDs        types.List           `tfsdk:"ids"`
	Blueprints []blueprintInfoModel `tfsdk:"blueprints"`
}

func (r *lighthouseBlueprintsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lighthouse_blueprints"
}

func (r *lighthouseBlueprintsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := blueprintFilterAttributes()
	attrs["ids"] = schema.ListAttribute{Computed: true, ElementType: types.StringType,
		MarkdownDescription: "Ids of the matching blueprints, in the same order as `blueprints`."}
	attrs["blueprints"] = schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "Matching blueprints, newest first (see `hardened_lighthouse_blueprint.most_recent`).",
		NestedObject:        schema.NestedAttributeObject{Attributes: blueprintInfoAttributes()}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every `NORMAL` Tencent Cloud Lighthouse blueprint matching the filters (all pages of `DescribeBlueprints`), each with " +
			"its OS support status, hardening provenance and policy decision, as `hardened_images` reports images. An empty result is not an error.",
		Attributes: attrs,
	}
}

func (r *lighthouseBlueprintsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	o := open[lighthouseBlueprintsModel](ctx, r.data, req.Config, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	q := blueprintQueryFrom(ctx, m.blueprintFilterModel, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := r.data.searchBlueprints(ctx, c, q, r.data.enginePolicy(policyOverrides{}))
	if err != nil {
		addLookupErrorOf(&resp.Diagnostics, "blueprint", path.Empty(), "blueprints matching "+q.describe(), c.Region(), err)
		return
	}
	ids := make([]string, len(found))
	m.Blueprints = make([]blueprintInfoModel, len(found))
	for i, j := range found {
		ids[i] = j.b.ID
		m.Blueprints[i] = blueprintInfoFrom(j.b, j.v)
	}
	m.IDs = stringList(ids)
	m.Region = types.StringValue(c.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
