package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// lighthouseInstanceResource is resource "hardened_lighthouse_instance": a
// Lighthouse instance that may only run an approved blueprint, gated at
// plan time like hardened_instance. CRUD is in
// lighthouse_instance_resource_crud.go.
type lighthouseInstanceResource struct{ resourceBase }

type lighthouseInstanceModel struct {
	ID          types.String `tfsdk:"id"`
	BlueprintID types.String `tfsdk:"blueprint_id"`
	BundleID    types.String `tfsdk:"bundle_id"`
	Zone        types.String `tfsdk:"zone"`
	Region      types.String `tfsdk:"region"`
	Name        types.String `tfsdk:"name"`
	KeyIDs      types.Set    `tfsdk:"key_ids"`
	Tags        types.Map    `tfsdk:"tags"`
	// FirewallRules stays a types.List: it can be unknown in a plan.
	FirewallRules types.List `tfsdk:"firewall_rules"`
	policyOverrideModel
	State     types.String `tfsdk:"instance_state"`
	PrivateIP types.String `tfsdk:"private_ip"`
	PublicIP  types.String `tfsdk:"public_ip"`
	judgedOSModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

var (
	bundleIDRE = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)+$`)
	lhKeyIDRE  = regexp.MustCompile(`^lhkp-[a-z0-9]{8}$`)
)

func (r *lighthouseInstanceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_lighthouse_instance"
}

func (r *lighthouseInstanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	replaceKeep := []planmodifier.String{stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown()}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: keep}
	}
	attrs := map[string]schema.Attribute{
		"id": computed("Instance id (`lhins-…`)."),
		"blueprint_id": schema.StringAttribute{Required: true, PlanModifiers: replace, Validators: []validator.String{blueprintIDValidator()},
			MarkdownDescription: "Blueprint to run, e.g. `data.hardened_lighthouse_blueprint.x.blueprint_id`. Checked against the image policy at " +
				"plan time, before anything is created: an end-of-life or unapproved blueprint fails `terraform plan` with the blueprint, its OS, " +
				"the date and the release to move to. Changing it replaces the instance."},
		"bundle_id": schema.StringAttribute{Required: true, PlanModifiers: replace,
			Validators:          []validator.String{stringvalidator.RegexMatches(bundleIDRE, "must be a bundle id such as bundle2022_gen_01")},
			MarkdownDescription: "Bundle (套餐: CPU, memory, disk, traffic), e.g. `bundle2022_gen_01`. Changing it replaces the instance."},
		"zone": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: replaceKeep,
			MarkdownDescription: "Availability zone, e.g. `ap-guangzhou-3`. Unset: the API picks one. Changing it replaces the instance."},
		"region": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: replaceKeep,
			MarkdownDescription: "Region of the instance, e.g. `ap-shanghai`. Default: the provider's region. Changing it replaces the instance."},
		"name": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: replaceKeep,
			Validators:          []validator.String{stringvalidator.LengthBetween(1, 60)},
			MarkdownDescription: "Instance name. Unset: the API's default name. Changing it replaces the instance."},
		"key_ids": schema.SetAttribute{Optional: true, Computed: true, ElementType: types.StringType,
			PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplace(), setplanmodifier.UseStateForUnknown()},
			Validators: []validator.Set{setvalidator.SizeAtMost(5),
				setvalidator.ValueStringsAre(stringvalidator.RegexMatches(lhKeyIDRE, "must be a Lighthouse key pair id such as lhkp-ab12cd34"))},
			MarkdownDescription: "Lighthouse SSH key pairs (`lhkp-…`, at most 5) bound at creation. Unset: the API's default login setup. " +
				"Changing them replaces the instance."},
		"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType,
			PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			MarkdownDescription: "Tags set at creation. Changing them replaces the instance."},
		"firewall_rules": firewallRulesAttribute(),
		"instance_state": computed("Instance state when last read, e.g. `RUNNING`."),
		"private_ip":     computed("Primary private IP address."),
		"public_ip":      computed("Primary public IP address."),
		"timeouts": timeoutsAttributeOf(ctx, timeouts.Opts{Create: true, Update: true, Delete: true},
			"How long to wait: `create` (until RUNNING and the firewall set, default 15m), `update` (firewall change, default 20m), "+
				"`delete` (returned, terminated and gone, default 10m). "+
				"An instance whose creation fails or times out is terminated again."),
	}
	for k, v := range policyOverrideAttributes() {
		attrs[k] = v
	}
	judgedOSAttributes(attrs, "`OsName` of the blueprint.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Tencent Cloud Lighthouse instance (轻量应用服务器) that may only run an approved blueprint. The image policy is " +
			"checked in the plan, before anything is created, with the same findings as `hardened_instance`. Creation waits until the " +
			"instance is `RUNNING`; a creation that fails after `CreateInstances` terminates the instance again, so nothing is left " +
			"(`CreateInstances` carries a client token, and a `hardened-launch-token` tag finds an instance whose answers were all lost). " +
			"`firewall_rules` replaces the instance's firewall after creation and in place on change. " +
			"Lighthouse instances are prepaid: one month, renewed manually. Destroy returns (`IsolateInstances`) and terminates the " +
			"instance and waits until it is gone. Import with the instance id.",
		Attributes: attrs,
	}
}

var lhInstanceIDRE = regexp.MustCompile(`^lhins-[a-z0-9]{8}$`)

func (r *lighthouseInstanceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !lhInstanceIDRE.MatchString(req.ID) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf(
			"%q is not a Lighthouse instance id; import with e.g. terraform import hardened_lighthouse_instance.x lhins-ab12cd34", req.ID))
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
