package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

var (
	_ datasource.DataSource              = (*fleetReportDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*fleetReportDataSource)(nil)
)

// fleetReportDataSource is data "hardened_fleet_report": every instance of
// the region grouped by the support status of the image it runs.
type fleetReportDataSource struct{ data *providerData }

// Fleet groups, in report order. An instance is in exactly one group: its
// lifecycle phase decides first; a supported image the policy still rejects
// (not hardened, OS not allowed, too old) is "unapproved".
const (
	groupEOL         = "eol"
	groupApproaching = "approaching_eol"
	groupExtended    = "extended"
	groupUnknown     = "unknown"
	groupUnapproved  = "unapproved"
	groupOK          = "ok"
)

type fleetReportModel struct {
	Region    types.String      `tfsdk:"region"`
	Counts    *fleetCountsModel `tfsdk:"counts"`
	Instances []fleetRowModel   `tfsdk:"instances"`
}

type fleetCountsModel struct {
	Total       types.Int64 `tfsdk:"total"`
	EOL         types.Int64 `tfsdk:"eol"`
	Approaching types.Int64 `tfsdk:"approaching_eol"`
	Extended    types.Int64 `tfsdk:"extended"`
	Unknown     types.Int64 `tfsdk:"unknown"`
	Unapproved  types.Int64 `tfsdk:"unapproved"`
	OK          types.Int64 `tfsdk:"ok"`
}

type fleetRowModel struct {
	InstanceID types.String `tfsdk:"instance_id"`
	Name       types.String `tfsdk:"name"`
	State      types.String `tfsdk:"state"`
	Zone       types.String `tfsdk:"zone"`
	ImageID    types.String `tfsdk:"image_id"`
	OsName     types.String `tfsdk:"os_name"`
	Group      types.String `tfsdk:"group"`
	Phase      types.String `tfsdk:"phase"`
	EOLDate    types.String `tfsdk:"eol_date"`
	DaysToEOL  types.Int64  `tfsdk:"days_to_eol"`
	Successor  types.String `tfsdk:"recommended"`
	Allowed    types.Bool   `tfsdk:"allowed"`
	Reasons    types.List   `tfsdk:"reasons"`
}

func (r *fleetReportDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_fleet_report"
}

func (r *fleetReportDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	num := func(d string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: d}
	}
	str := func(d string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every CVM instance of a region, grouped by the support status of its image: `eol`, `approaching_eol`, " +
			"`extended`, `unknown`, `unapproved` (supported OS, but the image policy rejects the image) and `ok`. Images are " +
			"described in batches of up to 100 ids; instances whose image was deleted are judged by their own `OsName`.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Region to report on. Default: the provider's region."},
			"counts": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Number of instances per group.",
				Attributes: map[string]schema.Attribute{
					"total": num("All instances."), "eol": num("On an OS past all support."),
					"approaching_eol": num("On an OS whose standard support ends within `warn_before_eol_days`."),
					"extended":        num("On an OS with only extended (ESM/LTS/paid) support left."),
					"unknown":         num("On an OS whose support status is unknown."),
					"unapproved":      num("On a supported OS but an image the policy rejects."),
					"ok":              num("On an approved image."),
				}},
			"instances": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "One row per instance, ordered by group then instance id.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"instance_id": str("Instance id."), "name": str("Instance name."), "state": str("Instance state."),
					"zone": str("Availability zone."), "image_id": str("Image the instance runs."), "os_name": str("Its `OsName`."),
					"group": str("Report group (see above)."), "phase": str("Lifecycle phase of the OS."),
					"eol_date":    str("End of standard support (`YYYY-MM-DD`); empty when unknown."),
					"days_to_eol": num("Days until end of standard support; null when unknown."),
					"recommended": str("Supported release to move to; empty when the OS is plainly supported or none is known."),
					"allowed":     schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the image policy allows the image."},
					"reasons":     schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Policy findings."},
				}}},
		},
	}
}

func (r *fleetReportDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if d, ok := req.ProviderData.(*providerData); ok {
		r.data = d
	}
}

func (r *fleetReportDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m fleetReportModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := clientFor(ctx, r.data, m.Region.ValueString(), &resp.Diagnostics)
	if c == nil {
		return
	}
	rows, counts, err := r.data.fleet(ctx, c)
	if err != nil {
		resp.Diagnostics.AddError("Fleet report", err.Error())
		return
	}
	m.Region, m.Instances, m.Counts = types.StringValue(c.Region()), rows, counts
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *providerData) fleet(ctx context.Context, c *tencent.Client) ([]fleetRowModel, *fleetCountsModel, error) {
	insts, err := c.ListInstances(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("list instances in %s: %w", c.Region(), err)
	}
	seen := map[string]bool{}
	var ids []string
	for _, in := range insts {
		if in.ImageID != "" && !seen[in.ImageID] {
			seen[in.ImageID] = true
			ids = append(ids, in.ImageID)
		}
	}
	images, err := c.DescribeImagesByID(ctx, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("describe the images of %d instances in %s: %w", len(insts), c.Region(), err)
	}
	pol := d.enginePolicy(policyOverrides{})
	n := map[string]int64{}
	rows := make([]fleetRowModel, 0, len(insts))
	for _, in := range insts {
		img, ok := images[in.ImageID]
		if !ok {
			img = tencent.Image{ID: in.ImageID, OsName: in.OsName}
		}
		v := d.judgeOS(ctx, img, firstNonEmpty(img.OsName, in.OsName), img.Platform, pol)
		g := groupOf(v)
		n[g]++
		var reasons []string
		for _, r := range v.Decision.Reasons {
			reasons = append(reasons, r.Message)
		}
		rows = append(rows, fleetRowModel{
			InstanceID: types.StringValue(in.ID), Name: types.StringValue(in.Name), State: types.StringValue(in.State),
			Zone: types.StringValue(in.Zone), ImageID: types.StringValue(in.ImageID), OsName: types.StringValue(firstNonEmpty(img.OsName, in.OsName)),
			Group: types.StringValue(g), Phase: types.StringValue(string(v.Status.Phase)),
			EOLDate: types.StringValue(lifecycle.FormatDate(v.Status.Release.EOLStandard)), DaysToEOL: intPtr(v.Status.DaysToEOL),
			Successor: types.StringValue(v.Status.Recommended), Allowed: types.BoolValue(v.Decision.Allowed), Reasons: stringList(reasons),
		})
	}
	order := map[string]int{groupEOL: 0, groupExtended: 1, groupUnknown: 2, groupUnapproved: 3, groupApproaching: 4, groupOK: 5}
	sort.SliceStable(rows, func(i, j int) bool {
		gi, gj := order[rows[i].Group.ValueString()], order[rows[j].Group.ValueString()]
		if gi != gj {
			return gi < gj
		}
		return rows[i].InstanceID.ValueString() < rows[j].InstanceID.ValueString()
	})
	counts := &fleetCountsModel{
		Total: types.Int64Value(int64(len(insts))), EOL: types.Int64Value(n[groupEOL]), Approaching: types.Int64Value(n[groupApproaching]),
		Extended: types.Int64Value(n[groupExtended]), Unknown: types.Int64Value(n[groupUnknown]),
		Unapproved: types.Int64Value(n[groupUnapproved]), OK: types.Int64Value(n[groupOK]),
	}
	return rows, counts, nil
}

func groupOf(v verdict) string {
	switch v.Status.Phase {
	case lifecycle.PhaseEOL:
		return groupEOL
	case lifecycle.PhaseExtended:
		return groupExtended
	case lifecycle.PhaseUnknown:
		return groupUnknown
	}
	if !v.Decision.Allowed {
		return groupUnapproved
	}
	if v.Status.Phase == lifecycle.PhaseApproachingEOL {
		return groupApproaching
	}
	return groupOK
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
