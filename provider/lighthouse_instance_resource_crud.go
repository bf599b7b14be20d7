package provider

import (
	"context"
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

func (m *lighthouseInstanceModel) region() string                { return m.Region.ValueString() }
func (m *lighthouseInstanceModel) timeoutsValue() timeouts.Value { return m.Timeouts }

// ModifyPlan is the blueprint gate: a new instance, a new blueprint or new
// policy overrides are judged before anything is created.
func (r *lighthouseInstanceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan lighthouseInstanceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state lighthouseInstanceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.BlueprintID.Equal(state.BlueprintID) && plan.policyOverrideModel == state.policyOverrideModel {
			// Unchanged: refresh warns if the blueprint has become
			// end-of-life; failing here would block every other change.
			// The last judgement stays (an unset firewall_rules alone
			// would otherwise mark it unknown and plan an update).
			plan.judgedOSModel = state.judgedOSModel
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}
	if plan.BlueprintID.IsUnknown() || plan.unknown() {
		return // judged in Create once known
	}
	c := clientFor(ctx, r.data, plan.Region.ValueString(), &resp.Diagnostics)
	if c == nil {
		return
	}
	v, ok := r.judge(ctx, c, plan, &resp.Diagnostics)
	if !ok {
		return
	}
	addDecision(&resp.Diagnostics, path.Root("blueprint_id"), v)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.setJudged(v)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// judge looks up the planned blueprint and evaluates it.
func (r *lighthouseInstanceResource) judge(ctx context.Context, c *tencent.Client, m lighthouseInstanceModel, diags *diag.Diagnostics) (verdict, bool) {
	id := m.BlueprintID.ValueString()
	b, err := c.GetBlueprint(ctx, id)
	if err != nil {
		addLookupErrorOf(diags, "blueprint", path.Root("blueprint_id"), "blueprint_id "+id, c.Region(), err)
		return verdict{}, false
	}
	if b.State != blueprintStateNormal {
		diags.AddAttributeError(path.Root("blueprint_id"), "Blueprint "+id+" is not ready",
			fmt.Sprintf("blueprint %s (%s) is in state %s; only NORMAL blueprints can be launched. Wait until it is NORMAL or use another blueprint.",
				id, b.OsName, b.State))
		return verdict{}, false
	}
	return r.data.judgeBlueprint(ctx, b, r.data.enginePolicy(m.overrides())), true
}

func (r *lighthouseInstanceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	o := open[lighthouseInstanceModel](ctx, r.data, req.Plan, opCreate, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, plan, c, timeout := o.ctx, o.m, o.c, o.timeout
	plan.Region = types.StringValue(c.Region())
	// The plan judged the blueprint already unless it was unknown then.
	v, ok := r.judge(ctx, c, plan, &resp.Diagnostics)
	if !approvedAtApply(&resp.Diagnostics, path.Root("blueprint_id"), v, ok) {
		return
	}
	tags, token := launchTags(ctx, plan.Tags, &resp.Diagnostics)
	in := tencent.CreateLighthouseInstanceInput{
		BundleID: plan.BundleID.ValueString(), BlueprintID: plan.BlueprintID.ValueString(), Zone: plan.Zone.ValueString(),
		Name: plan.Name.ValueString(), KeyIDs: setStrings(ctx, plan.KeyIDs, &resp.Diagnostics), Tags: tags, ClientToken: token,
	}
	if resp.Diagnostics.HasError() {
		return
	}
	undo := r.undo(c, plan)
	id, err := c.CreateLighthouseInstance(ctx, in)
	if err != nil {
		resp.Diagnostics.AddError("Create Lighthouse instance", err.Error())
		undo.sweep(token, &resp.Diagnostics, &resp.State)
		return
	}
	tflog.Info(ctx, "lighthouse instance created, waiting for RUNNING", map[string]any{"instance_id": id})
	inst, err := c.WaitLighthouseInstanceState(ctx, id, "RUNNING", remaining(ctx, timeout))
	if err != nil {
		resp.Diagnostics.AddError("Create Lighthouse instance", fmt.Sprintf("instance %s did not reach RUNNING: %v", id, err))
		undo.cleanup(id, &resp.Diagnostics, &resp.State)
		return
	}
	if rules := firewallRules(ctx, plan.FirewallRules, &resp.Diagnostics); rules != nil {
		if err := c.ReplaceLighthouseFirewallRules(ctx, id, rules); err != nil {
			resp.Diagnostics.AddError("Create Lighthouse instance", err.Error())
			undo.cleanup(id, &resp.Diagnostics, &resp.State)
			return
		}
	}
	plan.fromInstance(ctx, inst, &resp.Diagnostics)
	plan.readFirewall(ctx, c, &resp.Diagnostics)
	plan.setJudged(v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// undo removes what a failed creation in c created (launch_cleanup.go).
func (r *lighthouseInstanceResource) undo(c *tencent.Client, plan lighthouseInstanceModel) launchUndo {
	timeout, _ := plan.Timeouts.Delete(context.Background(), defaultDeleteTimeout)
	return launchUndo{what: "Lighthouse instance", region: c.Region(), timeout: timeout,
		terminate: func(ctx context.Context, id string) error { return terminateLighthouse(ctx, c, id, timeout) },
		tagged: func(ctx context.Context, token string) ([]string, error) {
			found, err := c.ListLighthouseInstances(ctx, []tencent.Filter{{Name: "tag:" + launchTag, Values: []string{token}}})
			ids := make([]string, 0, len(found))
			for _, in := range found {
				ids = append(ids, in.ID)
			}
			return ids, err
		}}
}

// terminateLighthouse returns and terminates id and waits until it is gone.
func terminateLighthouse(ctx context.Context, c *tencent.Client, id string, timeout time.Duration) error {
	if err := c.TerminateLighthouseInstances(ctx, id); err != nil {
		return err
	}
	_, err := c.WaitLighthouseInstanceState(ctx, id, tencent.StateTerminated, remaining(ctx, timeout))
	return err
}

func (r *lighthouseInstanceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	o := open[lighthouseInstanceModel](ctx, r.data, req.State, operation{}, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, m, c := o.ctx, o.m, o.c
	m.Region = types.StringValue(c.Region())
	inst, err := c.GetLighthouseInstance(ctx, m.ID.ValueString())
	var nf *tencent.NotFoundError
	if errors.As(err, &nf) || (err == nil && (inst.State == "TERMINATING" || inst.State == "LAUNCH_FAILED")) {
		tflog.Warn(ctx, "lighthouse instance gone, removing from state", map[string]any{"instance_id": m.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Read Lighthouse instance", fmt.Sprintf("instance %s in %s: %v", m.ID.ValueString(), c.Region(), err))
		return
	}
	m.fromInstance(ctx, inst, &resp.Diagnostics)
	m.readFirewall(ctx, c, &resp.Diagnostics)
	b, err := c.GetBlueprint(ctx, inst.BlueprintID)
	if err != nil {
		// A deleted custom blueprint: judge by what the instance reports.
		b = tencent.Blueprint{ID: inst.BlueprintID, OsName: inst.OsName, Platform: inst.Platform}
	}
	v := r.data.judgeBlueprint(ctx, b, r.data.enginePolicy(m.overrides()))
	m.setJudged(v)
	if !v.Decision.Allowed && v.Decision.Severity != policy.SeverityInfo {
		resp.Diagnostics.AddAttributeWarning(path.Root("blueprint_id"),
			fmt.Sprintf("Lighthouse instance %s runs a blueprint that is no longer approved", inst.ID), v.Decision.Summary())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Update replaces the firewall when firewall_rules changed; every other
// attribute but the policy overrides and timeouts replaces the instance,
// and ModifyPlan judged the blueprint again.
func (r *lighthouseInstanceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state lighthouseInstanceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	o := open[lighthouseInstanceModel](ctx, r.data, req.Plan, opUpdate, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	ctx, plan, c := o.ctx, o.m, o.c
	if rules := firewallRules(ctx, plan.FirewallRules, &resp.Diagnostics); rules != nil && !plan.FirewallRules.Equal(state.FirewallRules) {
		if err := c.ReplaceLighthouseFirewallRules(ctx, state.ID.ValueString(), rules); err != nil {
			resp.Diagnostics.AddError("Update Lighthouse firewall", err.Error())
			return
		}
	}
	plan.readFirewall(ctx, c, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *lighthouseInstanceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	o := open[lighthouseInstanceModel](ctx, r.data, req.State, opDelete, &resp.Diagnostics)
	if o == nil {
		return
	}
	defer o.cancel()
	id := o.m.ID.ValueString()
	if err := terminateLighthouse(o.ctx, o.c, id, o.timeout); err != nil {
		resp.Diagnostics.AddError("Terminate Lighthouse instance", fmt.Sprintf("terminate %s in %s: %v", id, o.c.Region(), err))
	}
}

// fromInstance copies what the API reports into m.
func (m *lighthouseInstanceModel) fromInstance(ctx context.Context, in tencent.LighthouseInstance, diags *diag.Diagnostics) {
	m.ID, m.BlueprintID, m.BundleID = types.StringValue(in.ID), types.StringValue(in.BlueprintID), types.StringValue(in.BundleID)
	m.Zone, m.Name, m.State = types.StringValue(in.Zone), types.StringValue(in.Name), types.StringValue(in.State)
	m.PrivateIP, m.PublicIP = types.StringValue(first(in.PrivateAddresses)), types.StringValue(first(in.PublicAddresses))
	var d diag.Diagnostics
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

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
