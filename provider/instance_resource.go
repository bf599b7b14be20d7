package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/boolvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// instanceResource is resource "hardened_instance": a CVM instance that
// may only run an approved image. CRUD lives in instance_resource_crud.go.
type instanceResource struct{ resourceBase }

// Image change strategies.
const (
	imageChangeReplace = "replace" // new instance (RequiresReplace on image_id)
	imageChangeReset   = "reset"   // ResetInstance in place
)

type instanceModel struct {
	ID               types.String `tfsdk:"id"`
	ImageID          types.String `tfsdk:"image_id"`
	ImageChange      types.String `tfsdk:"image_change"`
	InstanceType     types.String `tfsdk:"instance_type"`
	Zone             types.String `tfsdk:"zone"`
	Region           types.String `tfsdk:"region"`
	VpcID            types.String `tfsdk:"vpc_id"`
	SubnetID         types.String `tfsdk:"subnet_id"`
	SecurityGroupIDs types.Set    `tfsdk:"security_group_ids"`
	KeyIDs           types.Set    `tfsdk:"key_ids"`
	Name             types.String `tfsdk:"name"`
	UserData         types.String `tfsdk:"user_data"`
	KeepImageLogin   types.Bool   `tfsdk:"keep_image_login"`
	Tags             types.Map    `tfsdk:"tags"`
	SystemDiskType   types.String `tfsdk:"system_disk_type"`
	SystemDiskSize   types.Int64  `tfsdk:"system_disk_size"`
	policyOverrideModel
	State     types.String `tfsdk:"instance_state"`
	PrivateIP types.String `tfsdk:"private_ip"`
	judgedOSModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

var instanceTypeRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*\.[A-Z0-9]+$`)

func (r *instanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (r *instanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	idList := func(desc, prefix string) schema.SetAttribute {
		return schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.RegexMatches(regexp.MustCompile(`^`+prefix+`-[a-z0-9]{8}$`),
				"must be an id such as "+prefix+"-ab12cd34"))}}
	}
	sg := idList("Security groups (`sg-…`); changed in place.", "sg")
	sg.PlanModifiers = []planmodifier.Set{setplanmodifier.UseStateForUnknown()}
	keys := idList("SSH key pairs (`skey-…`) bound at launch (and on reset); changing them replaces the instance.", "skey")
	keys.PlanModifiers = []planmodifier.Set{setplanmodifier.RequiresReplace(), setplanmodifier.UseStateForUnknown()}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "Instance id (`ins-…`).", PlanModifiers: keep},
		"image_id": schema.StringAttribute{Required: true, Validators: []validator.String{imageIDValidator()},
			MarkdownDescription: "Image to run. Checked against the image policy at plan time, before anything is created: an end-of-life or " +
				"unapproved image fails `terraform plan`. Typically `hardened_image_pin.x.pinned_image_id`."},
		"image_change": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(imageChangeReplace),
			Validators: []validator.String{stringvalidator.OneOf(imageChangeReplace, imageChangeReset)},
			MarkdownDescription: "What a new `image_id` does: `replace` (default) creates a new instance and destroys the old one; `reset` " +
				"re-images this instance in place (`ResetInstance`, keeping its id, IPs and disks' configuration) and waits until it runs again."},
		"instance_type": schema.StringAttribute{Required: true, PlanModifiers: replace,
			Validators:          []validator.String{stringvalidator.RegexMatches(instanceTypeRE, "must be an instance type such as S5.MEDIUM2")},
			MarkdownDescription: "Instance type, e.g. `S5.MEDIUM2`. Changing it replaces the instance."},
		"zone": schema.StringAttribute{Required: true, PlanModifiers: replace,
			MarkdownDescription: "Availability zone, e.g. `ap-guangzhou-3`. Changing it replaces the instance."},
		"region": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: append(replace, keep...),
			MarkdownDescription: "Region of the instance, e.g. `ap-shanghai` (must contain `zone`). Default: the provider's region. Changing it replaces the instance."},
		"vpc_id": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: append(replace, keep...),
			Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("subnet_id"))},
			MarkdownDescription: "VPC (`vpc-…`); requires `subnet_id`. Unset: the default VPC. Changing it replaces the instance."},
		"subnet_id": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: append(replace, keep...),
			Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("vpc_id"))},
			MarkdownDescription: "Subnet (`subnet-…`) in `zone`; requires `vpc_id`. Changing it replaces the instance."},
		"security_group_ids": sg,
		"key_ids":            keys,
		"name": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: keep,
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 128)},
			MarkdownDescription: "Instance name; changed in place. Unset: the API's default name."},
		"user_data": schema.StringAttribute{Optional: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(diskKnownInState,
				"Changing user_data replaces the instance.", "Changing user_data replaces the instance.")},
			Validators: []validator.String{stringvalidator.LengthAtMost(16384)},
			MarkdownDescription: "cloud-init user data as plain text (the provider base64-encodes it; at most 16 KiB). Also applied on `reset`. " +
				"Changing it replaces the instance (after an import the configured value is adopted without replacement)."},
		"keep_image_login": schema.BoolAttribute{Optional: true,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplaceIf(boolKnownInState,
				"Changing keep_image_login replaces the instance.", "Changing keep_image_login replaces the instance.")},
			MarkdownDescription: "Keep the image's login settings (e.g. the keys a hardened image was built with) instead of setting a password or `key_ids`; conflicts with `key_ids`. Also applied on `reset`.",
			Validators:          []validator.Bool{boolvalidator.ConflictsWith(path.MatchRoot("key_ids"))}},
		"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
			PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			MarkdownDescription: "Tags set at launch. Changing them replaces the instance."},
		"system_disk_type": schema.StringAttribute{Optional: true,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(diskKnownInState,
				"Changing the system disk type replaces the instance.", "Changing the system disk type replaces the instance.")},
			Validators: []validator.String{stringvalidator.OneOf("CLOUD_BSSD", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_TSSD", "LOCAL_BASIC", "LOCAL_SSD")},
			MarkdownDescription: "System disk type, e.g. `CLOUD_PREMIUM`. Unset: the API default. Changing it replaces the instance " +
				"(after an import the configured value is adopted without replacement)."},
		"system_disk_size": schema.Int64Attribute{Optional: true,
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(diskSizeKnownInState,
				"Changing the system disk size replaces the instance.", "Changing the system disk size replaces the instance.")},
			MarkdownDescription: "System disk size in GB (at least the image size). Unset: the API default. Changing it replaces the instance " +
				"(after an import the configured value is adopted without replacement)."},
		"instance_state": schema.StringAttribute{Computed: true, MarkdownDescription: "Instance state when last read, e.g. `RUNNING`.", PlanModifiers: keep},
		"private_ip":     schema.StringAttribute{Computed: true, MarkdownDescription: "Primary private IP address.", PlanModifiers: keep},
		"timeouts":       timeoutsAttribute(ctx),
	}
	for k, v := range policyOverrideAttributes() {
		attrs[k] = v
	}
	judgedOSAttributes(attrs, "`OsName` of the running image.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "A CVM instance that may only run an approved image. The image policy is checked in the plan, before " +
			"anything is created. Launch waits until the instance is `RUNNING` and its latest operation succeeded; a launch that fails " +
			"after `RunInstances` terminates the instance again, so nothing is left running. `RunInstances` carries a client token, so a " +
			"retried call never launches twice, and a `hardened-launch-token` tag (not shown in `tags`) finds an instance whose launch " +
			"answers were all lost, so it is terminated too. Import with the instance id.",
		Attributes: attrs,
	}
}

func (r *instanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// timeoutsAttribute is the timeouts block (create, update, delete); reads
// are single API calls bounded by the client's request timeout.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	return timeoutsAttributeOf(ctx, timeouts.Opts{Create: true, Update: true, Delete: true},
		"How long to wait: `create` (launch until RUNNING, default 15m), `update` (reset or modify, default 20m), "+
			"`delete` (terminate until gone, default 10m). A launch that times out is terminated again.")
}

// timeoutsAttributeOf is the timeouts block with opts' entries, described
// by desc.
func timeoutsAttributeOf(ctx context.Context, opts timeouts.Opts, desc string) schema.Attribute {
	a := timeouts.Attributes(ctx, opts)
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = desc
		return n
	}
	return a
}

// The system disk, user data and login settings are not reported back by
// DescribeInstances, so an imported instance has no value in state: adopt
// the configured one instead of replacing the instance over a difference
// that may not exist.
func diskKnownInState(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}

func diskSizeKnownInState(_ context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}

func boolKnownInState(_ context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull()
}
