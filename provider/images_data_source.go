package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// imagesDataSource is data "hardened_images": every image matching the
// filters (all pages), newest first, each with status and decision.
type imagesDataSource struct{ dataSourceBase }

type imagesDataSourceModel struct {
	imageFilterModel
	IDs    types.List       `tfsdk:"ids"`
	Images []imageInfoModel `tfsdk:"images"`
}

func (r *imagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_images"
}

func (r *imagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := imageFilterAttributes()
	attrs["ids"] = schema.ListAttribute{Computed: true, ElementType: types.StringType,
		MarkdownDescription: "Ids of the matching images, in the same order as `images`."}
	attrs["images"] = schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "Matching images, newest first (OS release, then creation time, then id; see `hardened_image.most_recent`).",
		NestedObject:        schema.NestedAttributeObject{Attributes: imageInfoAttributes()}}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every Tencent Cloud image matching the filters (all pages of `DescribeImages`), each with its OS support status, " +
			"hardening provenance and policy decision. An empty result is not an error.",
		Attributes: attrs,
	}
}

func (r *imagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	o := open[imagesDataSourceModel](ctx, r.data, req.Config, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	q := queryFrom(ctx, m.imageFilterModel, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found, err := r.data.search(ctx, c, q, r.data.enginePolicy(policyOverrides{}))
	if err != nil {
		addLookupError(&resp.Diagnostics, path.Empty(), "images matching "+q.describe(), c.Region(), err)
		return
	}
	ids := make([]string, len(found))
	m.Images = make([]imageInfoModel, len(found))
	for i, v := range found {
		ids[i] = v.Image.ID
		m.Images[i] = imageInfoFrom(v)
	}
	m.IDs = stringList(ids)
	m.Region = types.StringValue(c.Region())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
