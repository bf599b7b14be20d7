package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// fleetReportDataSource is data "hardened_fleet_report": every instance of
// one or more regions grouped by the support status of the image it runs.
// The report itself is internal/fleet's, shared with the hardened-report CLI.
type fleetReportDataSource struct{ dataSourceBase }

type fleetReportModel struct {
	Region     types.String      `tfsdk:"region"`
	Regions    types.List        `tfsdk:"regions"`
	AllRegions types.Bool        `tfsdk:"all_regions"`
	Products   types.List        `tfsdk:"products"`
	Counts     *fleetCountsModel `tfsdk:"counts"`
	ByRegion   types.Map         `tfsdk:"by_region"`
	Groups     types.Map         `tfsdk:"groups"`
	Instances  []fleetRowModel   `tfsdk:"instances"`
	Images     []fleetImageModel `tfsdk:"images"`
}

type fleetCountsModel struct {
	Total       types.Int64 `tfsdk:"total"`
	EOL         types.Int64 `tfsdk:"eol"`
	Approaching types.Int64 `tfsdk:"approaching_eol"`
	Extended    types.Int64 `tfsdk:"extended"`
	Unknown     types.Int64 `tfsdk:"unknown"`
	Unapproved  types.Int64 `tfsdk:"unapproved"`
	OK          types.Int64 `tfsdk:"ok"`
	OutOfSLA    types.Int64 `tfsdk:"out_of_sla"`
}

// fleetFindingModel is the judgement shared by instance and image rows.
type fleetFindingModel struct {
	Product    types.String `tfsdk:"product"`
	OsName     types.String `tfsdk:"os_name"`
	Group      types.String `tfsdk:"group"`
	Phase      types.String `tfsdk:"phase"`
	EOLDate    types.String `tfsdk:"eol_date"`
	DaysToEOL  types.Int64  `tfsdk:"days_to_eol"`
	Successor  types.String `tfsdk:"recommended"`
	Allowed    types.Bool   `tfsdk:"allowed"`
	Reasons    types.List   `tfsdk:"reasons"`
	Codes      types.List   `tfsdk:"codes"`
	Provenance types.String `tfsdk:"provenance"`
	// SupersededBy: see fleet.Finding.SupersededBy.
	SupersededBy types.String     `tfsdk:"superseded_by"`
	OutOfSLA     []slaBreachModel `tfsdk:"out_of_sla"`
}

type fleetRowModel struct {
	Region     types.String `tfsdk:"region"`
	InstanceID types.String `tfsdk:"instance_id"`
	Name       types.String `tfsdk:"name"`
	State      types.String `tfsdk:"state"`
	Zone       types.String `tfsdk:"zone"`
	ImageID    types.String `tfsdk:"image_id"`
	fleetFindingModel
}

type fleetImageModel struct {
	Region      types.String `tfsdk:"region"`
	ImageID     types.String `tfsdk:"image_id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Missing     types.Bool   `tfsdk:"missing"`
	InstanceIDs types.List   `tfsdk:"instance_ids"`
	fleetFindingModel
}

func (r *fleetReportDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_fleet_report"
}

func (r *fleetReportDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	finding := func(attrs map[string]schema.Attribute) map[string]schema.Attribute {
		for k, v := range map[string]schema.Attribute{
			"product": computedString("`cvm` (a CVM instance on an image) or `lighthouse` (a Lighthouse instance on a blueprint: `image_id` is the blueprint id)."),
			"os_name": computedString("`OsName` judged (the image's; the instance's own when the image is gone)."),
			"group":   computedString("Report group (see above)."), "phase": computedString("Lifecycle phase of the OS."),
			"eol_date":    computedString("End of standard support (`YYYY-MM-DD`); empty when unknown."),
			"days_to_eol": computedInt("Days until end of standard support; null when unknown."),
			"recommended": computedString("Supported release to move to; empty when the OS is plainly supported or none is known."),
			"allowed":     computedBool("Whether the image policy allows the image."),
			"reasons":     schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Policy findings."},
			"codes": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Reason codes of the " +
				"findings, the same as `policy.codes` of `hardened_image` (e.g. `eol`, `non_lts`, `source_not_allowed`), plus `image_superseded`."},
			"provenance": computedString("Hardening provenance: `none`, `verified: <profile>, audit <pass> pass / <fail> fail, key <id>` or " +
				"`unverified: <why>`."),
			"superseded_by": computedString("When the image is deprecated and a newer image of its image family is not (the Packer builder's " +
				"`deprecate_previous`): that image's id, also named by the reason `image_superseded`. Empty otherwise."),
			"out_of_sla": outOfSLAAttribute(),
		} {
			attrs[k] = v
		}
		return attrs
	}
	regionsPath, allPath, regionPath := path.MatchRoot("regions"), path.MatchRoot("all_regions"), path.MatchRoot("region")
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every CVM instance of one or more regions and every image they run (with `products`, also every Lighthouse " +
			"instance and blueprint), grouped by the support status " +
			"of the image: `eol`, `extended`, `unknown`, `unapproved` (supported OS, but the image policy rejects the image), " +
			"`approaching_eol` and `ok`, each with the release to move to. Per region, instances are read 100 per call and " +
			"their images described in batches of up to 100 distinct ids; instances whose image was deleted are judged by " +
			"their own `OsName`. The `hardened-report` CLI prints the same report.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "One region to report on. Default: the provider's region. Null when `regions` or `all_regions` is set.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(regionsPath, allPath)}},
			"regions": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Regions to report on, e.g. `[\"ap-guangzhou\", \"ap-shanghai\"]`. Computed: the regions reported.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(regionNameRE, "must be a region name such as ap-guangzhou")),
					listvalidator.ConflictsWith(regionPath, allPath)}},
			"products": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Products to report on: `cvm` (instances on images) and `lighthouse` (Lighthouse instances on blueprints, " +
					"judged like images), e.g. `[\"cvm\", \"lighthouse\"]`. Default `[\"cvm\"]`.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1), listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(fleet.Products()...))}},
			"all_regions": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Report on every region the account can use (`DescribeRegions`).",
				Validators:          []validator.Bool{boolvalidator.ConflictsWith(regionPath, regionsPath)}},
			"counts": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Number of instances per group, over all regions.",
				Attributes: map[string]schema.Attribute{
					"total": computedInt("All instances."), "eol": computedInt("On an OS past all support."),
					"approaching_eol": computedInt("On an OS whose standard support ends within `warn_before_eol_days`."),
					"extended":        computedInt("On an OS with only extended (ESM/LTS/paid) support left."),
					"unknown":         computedInt("On an OS whose support status is unknown."),
					"unapproved":      computedInt("On a supported OS but an image the policy rejects."),
					"ok":              computedInt("On an approved image."),
					"out_of_sla":      computedInt("On an image with a fixable vulnerability past `vulnerability_sla_days`, whatever the group."),
				}},
			"by_region": schema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "Number of instances per region."},
			"groups": schema.MapAttribute{Computed: true, ElementType: types.ListType{ElemType: types.StringType},
				MarkdownDescription: "Instance ids per group (every group is present, possibly empty), e.g. `groups[\"eol\"]`."},
			"instances": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "One row per instance, ordered by group, region, instance id.",
				NestedObject: schema.NestedAttributeObject{Attributes: finding(map[string]schema.Attribute{
					"region": computedString("Region of the instance."), "instance_id": computedString("Instance id."), "name": computedString("Instance name."),
					"state": computedString("Instance state."), "zone": computedString("Availability zone."), "image_id": computedString("Image (or, for `lighthouse`, blueprint) the instance runs."),
				})}},
			"images": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "One row per distinct image (per region) the instances run, ordered by group, region, image id.",
				NestedObject: schema.NestedAttributeObject{Attributes: finding(map[string]schema.Attribute{
					"region": computedString("Region of the image."), "image_id": computedString("Image id."), "name": computedString("Image name; empty when the image is gone."),
					"type": computedString("`PUBLIC_IMAGE`, `PRIVATE_IMAGE`, `SHARED_IMAGE` or `MARKET_IMAGE` (for `lighthouse`: the `BlueprintType`, " +
						"e.g. `PURE_OS`); empty when the image is gone."),
					"missing": computedBool("The image no longer exists."),
					"instance_ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Instances running the image."},
				})}},
		},
	}
}

func (r *fleetReportDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	o := open[fleetReportModel](ctx, r.data, req.Config, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, base := o.ctx, o.m, o.c
	var regions []string
	resp.Diagnostics.Append(m.Regions.ElementsAs(ctx, &regions, false)...)
	multi := len(regions) > 0 || m.AllRegions.ValueBool()
	if m.AllRegions.ValueBool() {
		var err error
		if regions, err = base.ListRegions(ctx); err != nil {
			addFleetError(&resp.Diagnostics, []string{base.Region()}, err)
			return
		}
	}
	if len(regions) == 0 {
		regions = []string{base.Region()}
	}
	var sources []fleet.Source
	for _, region := range regions {
		c := clientFor(ctx, r.data, region, &resp.Diagnostics)
		if c == nil {
			return
		}
		sources = append(sources, c)
	}
	pol := r.data.enginePolicy(policyOverrides{})
	var products []string
	resp.Diagnostics.Append(m.Products.ElementsAs(ctx, &products, false)...)
	ev := r.data.evaluator(pol)
	rep, err := fleet.Collect(ctx, sources, fleet.Options{Judge: ev.Judge, JudgeBlueprint: ev.JudgeBlueprint, Products: products})
	if err != nil {
		addFleetError(&resp.Diagnostics, regions, err)
		return
	}
	fleetModel(&m, rep, multi)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fleetModel fills the computed attributes from rep.
func fleetModel(m *fleetReportModel, rep *fleet.Report, multi bool) {
	m.Region = types.StringNull()
	if !multi {
		m.Region = types.StringValue(rep.Regions[0])
	}
	m.Regions = stringList(rep.Regions)
	n := rep.Counts.ByGroup
	m.Counts = &fleetCountsModel{
		Total: types.Int64Value(int64(rep.Counts.Total)), EOL: int64Of(n[fleet.GroupEOL]), Approaching: int64Of(n[fleet.GroupApproaching]),
		Extended: int64Of(n[fleet.GroupExtended]), Unknown: int64Of(n[fleet.GroupUnknown]),
		Unapproved: int64Of(n[fleet.GroupUnapproved]), OK: int64Of(n[fleet.GroupOK]), OutOfSLA: int64Of(rep.Counts.OutOfSLA),
	}
	byRegion := map[string]attr.Value{}
	for region, c := range rep.Counts.ByRegion {
		byRegion[region] = int64Of(c)
	}
	m.ByRegion = types.MapValueMust(types.Int64Type, byRegion)
	groups := map[string][]string{}
	for _, g := range fleet.Groups() {
		groups[g] = []string{}
	}
	m.Instances = make([]fleetRowModel, 0, len(rep.Instances))
	for _, in := range rep.Instances {
		groups[in.Group] = append(groups[in.Group], in.ID)
		m.Instances = append(m.Instances, fleetRowModel{
			Region: types.StringValue(in.Region), InstanceID: types.StringValue(in.ID), Name: types.StringValue(in.Name),
			State: types.StringValue(in.State), Zone: types.StringValue(in.Zone), ImageID: types.StringValue(in.ImageID),
			fleetFindingModel: findingModel(in.Product, in.Finding),
		})
	}
	gv := map[string]attr.Value{}
	for g, ids := range groups {
		gv[g] = stringList(ids)
	}
	m.Groups = types.MapValueMust(types.ListType{ElemType: types.StringType}, gv)
	m.Images = make([]fleetImageModel, 0, len(rep.Images))
	for _, img := range rep.Images {
		m.Images = append(m.Images, fleetImageModel{
			Region: types.StringValue(img.Region), ImageID: types.StringValue(img.ID), Name: types.StringValue(img.Name),
			Type: types.StringValue(img.Type), Missing: types.BoolValue(img.Missing), InstanceIDs: stringList(img.Instances),
			fleetFindingModel: findingModel(img.Product, img.Finding),
		})
	}
}

func findingModel(product string, f fleet.Finding) fleetFindingModel {
	return fleetFindingModel{
		Product: types.StringValue(product),
		OsName:  types.StringValue(f.OsName), Group: types.StringValue(f.Group), Phase: types.StringValue(f.Phase),
		EOLDate: types.StringValue(f.EOLDate), DaysToEOL: intPtr(f.DaysToEOL), Successor: types.StringValue(f.Successor),
		Allowed: types.BoolValue(f.Allowed), Reasons: stringList(f.Reasons), Codes: stringList(f.Codes), Provenance: types.StringValue(f.Provenance),
		SupersededBy: types.StringValue(f.SupersededBy), OutOfSLA: outOfSLAModel(f.OutOfSLA),
	}
}

func int64Of(n int) types.Int64 { return types.Int64Value(int64(n)) }

// regionNameRE is the shape of a Tencent Cloud region name (ap-guangzhou,
// na-siliconvalley, eu-frankfurt); the API itself says UnsupportedRegion for
// a well-formed name it does not serve.
var regionNameRE = regexp.MustCompile(`^[a-z]{2,4}-[a-z0-9]+(-[a-z0-9]+)*$`)

// addFleetError titles a failed report by its cause (credentials, region)
// so the fix is named; other failures keep the plain title.
func addFleetError(diags *diag.Diagnostics, regions []string, err error) {
	title, fix := causeText(tencent.CauseOf(err), strings.Join(regions, ", "))
	if title == "" || title == "Image lookup failed" {
		title = "Fleet report failed"
	}
	diags.AddError(title, fmt.Sprintf("Reading the fleet of %s failed: %v.%s", strings.Join(regions, ", "), err, fix))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func (m *fleetReportModel) region() string { return m.Region.ValueString() }
