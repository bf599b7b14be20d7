package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Default timeouts (the timeouts block overrides them).
const (
	defaultCreateTimeout = 15 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// The operations bounded by the timeouts block.
var (
	opCreate = operation{timeouts.Value.Create, defaultCreateTimeout}
	opUpdate = operation{timeouts.Value.Update, defaultUpdateTimeout}
	opDelete = operation{timeouts.Value.Delete, defaultDeleteTimeout}
)

func (m *instanceModel) region() string                { return m.Region.ValueString() }
func (m *instanceModel) timeoutsValue() timeouts.Value { return m.Timeouts }

func (r *instanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan instanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	creating := req.State.Raw.IsNull()
	if !creating {
		var state instanceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		imageChanged := !plan.ImageID.Equal(state.ImageID)
		if imageChanged && plan.ImageChange.ValueString() != imageChangeReset {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("image_id"))
		}
		if !imageChanged && plan.policyOverrideModel == state.policyOverrideModel {
			// The image is unchanged: refresh warns if it has become
			// end-of-life; failing here would block every other change.
			return
		}
	}
	if plan.ImageID.IsUnknown() || plan.unknown() {
		return // judged in Create/Update once known
	}
	c := clientFor(ctx, r.data, plan.Region.ValueString(), &resp.Diagnostics)
	if c == nil {
		return
	}
	v, ok := r.judgeImage(ctx, c, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	addDecision(&resp.Diagnostics, path.Root("image_id"), v)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.setJudged(v)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// judgeImage looks up the planned image and evaluates it.
func (r *instanceResource) judgeImage(ctx context.Context, c *tencent.Client, m instanceModel, diags *diag.Diagnostics) (verdict, bool) {
	img, err := c.GetImage(ctx, m.ImageID.ValueString())
	if err != nil {
		addLookupError(diags, path.Root("image_id"), "image_id "+m.ImageID.ValueString(), c.Region(), err)
		return verdict{}, false
	}
	return r.data.judge(ctx, img, r.data.enginePolicy(m.overrides())), true
}

func (r *instanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	o := open[instanceModel](ctx, r.data, req.Plan, opCreate, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, plan, c, timeout := o.ctx, o.m, o.c, o.timeout
	plan.Region = types.StringValue(c.Region())
	// The plan judged the image already unless it was unknown then.
	v, ok := r.judgeImage(ctx, c, plan, &resp.Diagnostics)
	if !approvedAtApply(&resp.Diagnostics, path.Root("image_id"), v, ok) {
		return
	}
	tags, token := launchTags(ctx, plan.Tags, &resp.Diagnostics)
	in := tencent.RunInstanceInput{
		Zone: plan.Zone.ValueString(), ImageID: plan.ImageID.ValueString(), InstanceType: plan.InstanceType.ValueString(),
		Name: plan.Name.ValueString(), VpcID: plan.VpcID.ValueString(), SubnetID: plan.SubnetID.ValueString(),
		SecurityGroupIDs: setStrings(ctx, plan.SecurityGroupIDs, &resp.Diagnostics), KeyIDs: setStrings(ctx, plan.KeyIDs, &resp.Diagnostics),
		SystemDiskType: plan.SystemDiskType.ValueString(), SystemDiskSizeGB: plan.SystemDiskSize.ValueInt64(),
		Tags:     tags,
		UserData: userData(plan.UserData), KeepImageLogin: plan.KeepImageLogin.ValueBool(),
		// One token for this create: every retry of RunInstances (also
		// after a lost answer) returns the same instance.
		ClientToken: token,
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id, err := c.RunInstance(ctx, in)
	if err != nil {
		// err already says "run instance from <image> in <zone>".
		resp.Diagnostics.AddError("Launch instance", err.Error())
		r.undo(c, plan).sweep(token, &resp.Diagnostics, &resp.State)
		return
	}
	tflog.Info(ctx, "instance launched, waiting for RUNNING", map[string]any{"instance_id": id})
	inst, err := c.WaitInstanceState(ctx, id, "RUNNING", remaining(ctx, timeout))
	if err != nil {
		resp.Diagnostics.AddError("Launch instance", fmt.Sprintf("instance %s did not reach RUNNING: %v", id, err))
		r.undo(c, plan).cleanup(id, &resp.Diagnostics, &resp.State)
		return
	}
	plan.fromInstance(ctx, inst, &resp.Diagnostics)
	plan.setJudged(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// launchTag is the tag key carrying a launch's client token.
const launchTag = "hardened-launch-token"

// undo removes what a failed launch in c created (launch_cleanup.go).
func (r *instanceResource) undo(c *tencent.Client, plan instanceModel) launchUndo {
	timeout, _ := plan.Timeouts.Delete(context.Background(), defaultDeleteTimeout)
	return launchUndo{what: "instance", region: c.Region(), timeout: timeout,
		terminate: func(ctx context.Context, id string) error {
			err := c.TerminateInstances(ctx, id)
			if err == nil {
				_, err = c.WaitInstanceState(ctx, id, tencent.StateTerminated, timeout)
			}
			return err
		},
		tagged: func(ctx context.Context, token string) ([]string, error) {
			found, err := c.ListInstances(ctx, []tencent.Filter{{Name: "tag:" + launchTag, Values: []string{token}}})
			ids := make([]string, 0, len(found))
			for _, in := range found {
				ids = append(ids, in.ID)
			}
			return ids, err
		}}
}

func (r *instanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	o := open[instanceModel](ctx, r.data, req.State, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	m.Region = types.StringValue(c.Region())
	inst, err := c.GetInstance(ctx, m.ID.ValueString())
	var nf *tencent.NotFoundError
	if errors.As(err, &nf) || (err == nil && (inst.State == "TERMINATING" || inst.State == "LAUNCH_FAILED")) {
		tflog.Warn(ctx, "instance gone, removing from state", map[string]any{"instance_id": m.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Read instance", fmt.Sprintf("instance %s in %s: %v", m.ID.ValueString(), c.Region(), err))
		return
	}
	m.fromInstance(ctx, inst, &resp.Diagnostics)
	if m.ImageChange.IsNull() {
		m.ImageChange = types.StringValue(imageChangeReplace) // import
	}
	img, err := c.GetImage(ctx, inst.ImageID)
	if err != nil {
		img = tencent.Image{ID: inst.ImageID, OsName: inst.OsName} // image deleted since: judge by the instance's OsName
	}
	v := r.data.judgeOS(ctx, img, firstNonEmpty(img.OsName, inst.OsName), img.Platform, r.data.enginePolicy(m.overrides()))
	m.setJudged(v)
	m.OsName = types.StringValue(firstNonEmpty(inst.OsName, img.OsName))
	if !v.Decision.Allowed && v.Decision.Severity != policy.SeverityInfo {
		resp.Diagnostics.AddAttributeWarning(path.Root("image_id"),
			fmt.Sprintf("Instance %s runs an image that is no longer approved", inst.ID), v.Decision.Summary())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *instanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state instanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The plan's region is the state's: region is RequiresReplace and
	// UseStateForUnknown, so an update never moves regions.
	o := open[instanceModel](ctx, r.data, req.Plan, opUpdate, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, plan, c, timeout := o.ctx, o.m, o.c, o.timeout
	id := state.ID.ValueString()
	plan.ID, plan.Region = state.ID, types.StringValue(c.Region())
	v, ok := r.judgeImage(ctx, c, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	if !plan.ImageID.Equal(state.ImageID) {
		if v.Decision.Severity == policy.SeverityError {
			addDecision(&resp.Diagnostics, path.Root("image_id"), v)
			return
		}
		err := c.ResetInstance(ctx, tencent.ResetInstanceInput{InstanceID: id, ImageID: plan.ImageID.ValueString(),
			KeyIDs: setStrings(ctx, plan.KeyIDs, &resp.Diagnostics), UserData: userData(plan.UserData),
			KeepImageLogin: plan.KeepImageLogin.ValueBool()})
		if err == nil {
			_, err = c.WaitInstanceOperation(ctx, id, remaining(ctx, timeout))
		}
		if err == nil {
			_, err = c.WaitInstanceState(ctx, id, "RUNNING", remaining(ctx, timeout))
		}
		if err != nil {
			resp.Diagnostics.AddError("Reset instance", fmt.Sprintf("reset %s to image %s: %v", id, plan.ImageID.ValueString(), err))
			return
		}
	}
	var mod tencent.ModifyInstanceInput
	if !plan.Name.IsUnknown() && !plan.Name.Equal(state.Name) {
		n := plan.Name.ValueString()
		mod.Name = &n
	}
	if !plan.SecurityGroupIDs.IsUnknown() && !plan.SecurityGroupIDs.Equal(state.SecurityGroupIDs) {
		mod.SecurityGroupIDs = setStrings(ctx, plan.SecurityGroupIDs, &resp.Diagnostics)
	}
	if mod.Name != nil || mod.SecurityGroupIDs != nil {
		if err := c.ModifyInstance(ctx, id, mod); err != nil {
			resp.Diagnostics.AddError("Modify instance", fmt.Sprintf("modify %s: %v", id, err))
			return
		}
	}
	inst, err := c.WaitInstanceState(ctx, id, "RUNNING", remaining(ctx, timeout))
	if err != nil {
		resp.Diagnostics.AddError("Update instance", fmt.Sprintf("instance %s after update: %v", id, err))
		return
	}
	plan.fromInstance(ctx, inst, &resp.Diagnostics)
	plan.setJudged(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *instanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	o := open[instanceModel](ctx, r.data, req.State, opDelete, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, state, c, timeout := o.ctx, o.m, o.c, o.timeout
	id := state.ID.ValueString()
	if err := c.TerminateInstances(ctx, id); err != nil {
		resp.Diagnostics.AddError("Terminate instance", fmt.Sprintf("terminate %s: %v", id, err))
		return
	}
	if _, err := c.WaitInstanceState(ctx, id, tencent.StateTerminated, remaining(ctx, timeout)); err != nil {
		resp.Diagnostics.AddError("Terminate instance", fmt.Sprintf("wait for %s to be gone: %v", id, err))
	}
}

// fromInstance copies what the API reports into m. System disk settings
// are not reported by DescribeInstances here and keep their planned values.
func (m *instanceModel) fromInstance(ctx context.Context, in tencent.Instance, diags *diag.Diagnostics) {
	m.ID = types.StringValue(in.ID)
	m.ImageID = types.StringValue(in.ImageID)
	m.InstanceType = types.StringValue(in.InstanceType)
	m.Zone = types.StringValue(in.Zone)
	m.VpcID, m.SubnetID = types.StringValue(in.VpcID), types.StringValue(in.SubnetID)
	m.Name = types.StringValue(in.Name)
	m.State = types.StringValue(in.State)
	m.PrivateIP = types.StringValue("")
	if len(in.PrivateIPs) > 0 {
		m.PrivateIP = types.StringValue(in.PrivateIPs[0])
	}
	var d diag.Diagnostics
	m.SecurityGroupIDs, d = types.SetValueFrom(ctx, types.StringType, nonNil(in.SecurityGroupIDs))
	diags.Append(d...)
	m.KeyIDs, d = types.SetValueFrom(ctx, types.StringType, nonNil(in.KeyIDs))
	diags.Append(d...)
	tags := make(map[string]string, len(in.Tags))
	for k, v := range in.Tags {
		if k != launchTag {
			tags[k] = v
		}
	}
	if len(tags) > 0 || !m.Tags.IsNull() {
		m.Tags, d = types.MapValueFrom(ctx, types.StringType, tags)
		diags.Append(d...)
	}
}

// userData base64-encodes the plain-text user data as the API expects.
func userData(v types.String) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(v.ValueString()))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	return out
}

func mapStrings(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// remaining is the time left before ctx's deadline, for waiters that take
// a timeout; fallback when ctx has none.
func remaining(ctx context.Context, fallback time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl)
	}
	return fallback
}
