package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// imagePinResource is resource "hardened_image_pin": a recorded decision
// that an image is approved. It changes nothing in the cloud; its value is
// that `terraform plan` fails when the image is not approved, and that
// other resources take pinned_image_id from it.
type imagePinResource struct{ resourceBase }

type imagePinModel struct {
	ID      types.String `tfsdk:"id"`
	ImageID types.String `tfsdk:"image_id"`
	Reason  types.String `tfsdk:"reason"`
	Region  types.String `tfsdk:"region"`
	policyOverrideModel
	PinnedImageID types.String `tfsdk:"pinned_image_id"`
	judgedOSModel
	Family      types.String `tfsdk:"family"`
	Version     types.String `tfsdk:"version"`
	Recommended types.String `tfsdk:"recommended"`
	Verified    types.Bool   `tfsdk:"provenance_verified"`
}

// policyOverrideModel are the per-resource policy attributes.
type policyOverrideModel struct {
	Mode                 types.String `tfsdk:"mode"`
	AllowExtendedSupport types.Bool   `tfsdk:"allow_extended_support"`
	RequireHardened      types.Bool   `tfsdk:"require_hardened"`
	AllowNonLTS          types.Bool   `tfsdk:"allow_non_lts"`
}

func (m policyOverrideModel) overrides() policyOverrides {
	return policyOverrides(m)
}

// unknown reports whether an override is not known yet (from another
// resource), so the image is judged once it is.
func (m policyOverrideModel) unknown() bool {
	return m.Mode.IsUnknown() || m.AllowExtendedSupport.IsUnknown() || m.RequireHardened.IsUnknown() || m.AllowNonLTS.IsUnknown()
}

func policyOverrideAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"mode": schema.StringAttribute{Optional: true, MarkdownDescription: "Overrides the provider's `mode` for this resource: `enforce`, `warn` or `audit`.",
			Validators: []validator.String{stringvalidator.OneOf(policyModes...)}},
		"allow_extended_support": schema.BoolAttribute{Optional: true, MarkdownDescription: "Overrides the provider's `allow_extended_support` for this resource."},
		"require_hardened":       schema.BoolAttribute{Optional: true, MarkdownDescription: "Overrides the provider's `require_hardened` for this resource (`trusted_keys` stay the provider's)."},
		"allow_non_lts":          schema.BoolAttribute{Optional: true, MarkdownDescription: "Overrides the provider's `allow_non_lts` for this resource."},
	}
}

func (r *imagePinResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_pin"
}

func (r *imagePinResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(d string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: d}
	}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The pinned image id.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"image_id": schema.StringAttribute{Required: true, MarkdownDescription: "Image to approve, e.g. `img-9qrfy1xt`. Checked against the image policy at plan time.",
			Validators: []validator.String{imageIDValidator()}},
		"region": schema.StringAttribute{Optional: true, Computed: true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace(), stringplanmodifier.UseStateForUnknown()},
			MarkdownDescription: "Region of the image (custom image ids are per region). Default: the provider's region."},
		"reason":              schema.StringAttribute{Optional: true, MarkdownDescription: "Why this image is pinned (change ticket, build id); recorded in state."},
		"pinned_image_id":     computed("The approved image id; reference this from instances so they only launch approved images."),
		"family":              computed("Canonical OS family, e.g. `debian`."),
		"version":             computed("Canonical OS release, e.g. `13`."),
		"recommended":         computed("Supported release to move to when this one is not plainly supported."),
		"provenance_verified": schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the image's hardening provenance verifies under `trusted_keys`."},
	}
	for k, v := range policyOverrideAttributes() {
		attrs[k] = v
	}
	judgedOSAttributes(attrs, "Tencent `OsName` of the image.")
	resp.Schema = schema.Schema{
		MarkdownDescription: "An approved-image decision. At plan time the image is checked against the image policy (OS lifecycle, " +
			"`allowed_os`, `require_hardened`, `max_image_age_days`, exceptions): an image that is not approved fails `terraform plan` " +
			"with a message naming the image, its OS, the end-of-life date and a supported successor. Refresh re-checks and warns when the " +
			"pinned image has become end-of-life since. Nothing is created in the cloud; import with the image id.",
		Attributes: attrs,
	}
}

// check looks the image up and judges it; ok is false when the lookup
// failed (a diagnostic is added).
func (r *imagePinResource) check(ctx context.Context, m *imagePinModel, diags diagAppender) (verdict, bool) {
	c := clientFor(ctx, r.data, m.Region.ValueString(), diags.diags())
	if c == nil {
		return verdict{}, false
	}
	m.Region = types.StringValue(c.Region())
	img, err := c.GetImage(ctx, m.ImageID.ValueString())
	if err != nil {
		addLookupError(diags.diags(), path.Root("image_id"), "image_id "+m.ImageID.ValueString(), c.Region(), err)
		return verdict{}, false
	}
	return r.data.judge(ctx, img, r.data.enginePolicy(m.overrides())), true
}

func (m *imagePinModel) fill(v verdict) {
	m.ID, m.PinnedImageID = types.StringValue(v.Image.ID), types.StringValue(v.Image.ID)
	m.setJudged(v)
	m.Family, m.Version = types.StringValue(v.OS.Family), types.StringValue(v.OS.Version)
	m.Recommended = types.StringValue(v.Status.Recommended)
	m.Verified = types.BoolValue(v.Prov.Verified)
}

func (r *imagePinResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or provider not configured yet (validation)
	}
	var plan imagePinModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.ImageID.IsUnknown() || plan.unknown() {
		return // judged again at apply once known
	}
	if !req.State.Raw.IsNull() {
		var state imagePinModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.ImageID.Equal(plan.ImageID) && state.policyOverrideModel == plan.policyOverrideModel {
			// Unchanged pin: refresh has already warned if the image is no
			// longer approved; failing here would block unrelated changes.
			return
		}
	}
	v, ok := r.check(ctx, &plan, planDiags{resp})
	if !ok {
		return
	}
	addDecision(&resp.Diagnostics, path.Root("image_id"), v)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.fill(v)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *imagePinResource) apply(ctx context.Context, m *imagePinModel, diags *planDiagsApply) bool {
	v, ok := r.check(ctx, m, diags)
	if !ok {
		return false
	}
	// Plan already reported warnings; at apply only a changed verdict
	// (unknown values at plan time, or the date moved on) matters.
	if v.Decision.Severity == policy.SeverityError {
		addDecision(diags.d, path.Root("image_id"), v)
		return false
	}
	m.fill(v)
	return true
}

func (r *imagePinResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m imagePinModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !r.apply(ctx, &m, &planDiagsApply{&resp.Diagnostics}) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *imagePinResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m imagePinModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !r.apply(ctx, &m, &planDiagsApply{&resp.Diagnostics}) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *imagePinResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	o := open[imagePinModel](ctx, r.data, req.State, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	m.Region = types.StringValue(c.Region())
	img, err := c.GetImage(ctx, m.ImageID.ValueString())
	if tencent.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Pinned image is gone",
			fmt.Sprintf("Image %s no longer exists in %s; the pin is removed from state and will be planned again.", m.ImageID.ValueString(), c.Region()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Read pinned image", fmt.Sprintf("image %s in %s: %v", m.ImageID.ValueString(), c.Region(), err))
		return
	}
	before := m.Phase.ValueString()
	v := r.data.judge(ctx, img, r.data.enginePolicy(m.overrides()))
	if !v.Decision.Allowed && v.Decision.Severity != policy.SeverityInfo {
		what := "is no longer approved"
		if before != "" && before != string(v.Status.Phase) {
			what = fmt.Sprintf("has changed from %s to %s since it was pinned", before, v.Status.Phase)
		}
		resp.Diagnostics.AddAttributeWarning(path.Root("image_id"), fmt.Sprintf("Pinned image %s %s", img.ID, what), v.Decision.Summary())
	}
	m.fill(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *imagePinResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Nothing exists outside Terraform state.
}

func (r *imagePinResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if !isImageID(req.ID) {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("%q is not an image id; import with e.g. terraform import hardened_image_pin.x img-9qrfy1xt", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
}

func (m *imagePinModel) region() string { return m.Region.ValueString() }
