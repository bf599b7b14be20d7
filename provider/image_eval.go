package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// policyOverrides are per-resource changes to the provider's image policy;
// null values keep the provider's setting.
type policyOverrides struct {
	Mode                 types.String
	AllowExtendedSupport types.Bool
	RequireHardened      types.Bool
	AllowNonLTS          types.Bool
}

// enginePolicy is the provider's policy with per-resource overrides
// applied, on a copy (the slices are shared and never written).
func (d *providerData) enginePolicy(ov policyOverrides) policy.Policy {
	p := d.images
	if v := ov.Mode; !v.IsNull() && !v.IsUnknown() {
		p.Mode = policy.Mode(v.ValueString())
	}
	if v := ov.AllowNonLTS; !v.IsNull() && !v.IsUnknown() {
		p.AllowNonLTS = v.ValueBool()
	}
	if v := ov.AllowExtendedSupport; !v.IsNull() && !v.IsUnknown() {
		p.Lifecycle.AllowExtended = v.ValueBool()
	}
	if v := ov.RequireHardened; !v.IsNull() && !v.IsUnknown() {
		p.RequireHardened = v.ValueBool()
	}
	return p
}

// verdict is everything known about one image: identity, lifecycle status,
// provenance and the policy decision.
type verdict struct {
	Image    tencent.Image
	OS       lifecycle.OSID
	Status   lifecycle.Status
	Prov     policy.Provenance
	Decision policy.Decision
	// Kind is policy.KindBlueprint when Image stands for a Lighthouse
	// blueprint (blueprintVerdict); it names the diagnostics.
	Kind string
}

// noun names what v judged in diagnostic titles.
func (v verdict) noun() string {
	if v.Kind == policy.KindBlueprint {
		return "Blueprint"
	}
	return "Image"
}

// judge evaluates img under p on the provider's "today".
func (d *providerData) judge(ctx context.Context, img tencent.Image, p policy.Policy) verdict {
	return d.judgeOS(ctx, img, img.OsName, img.Platform, p)
}

// judgeOS is judge with an explicit OsName (instances whose image is gone
// still report their OsName). The judgement itself is internal/fleet's
// Evaluator, shared with hardened-report; the provider adds its online
// lifecycle refresh.
func (d *providerData) judgeOS(ctx context.Context, img tencent.Image, osName, platform string, p policy.Policy) verdict {
	v := d.evaluator(p).JudgeOn(ctx, img, osName, platform)
	return verdict{Image: img, OS: v.OS, Status: v.Status, Prov: v.Prov, Decision: v.Decision}
}

// evaluator judges under p on the provider's "today" with its catalog and,
// when configured, its online refresh.
func (d *providerData) evaluator(p policy.Policy) fleet.Evaluator {
	ev := fleet.Evaluator{Catalog: d.base, Policy: p, Today: d.clock()}
	if d.refresher != nil {
		ev.Resolve = d.resolve
	}
	return ev
}

// addDecision turns a decision into diagnostics on attr: enforce → error,
// warn (and exceptions, approaching EOL) → warning, audit → nothing.
func addDecision(diags *diag.Diagnostics, attr path.Path, v verdict) {
	d := v.Decision
	switch d.Severity {
	case policy.SeverityError:
		diags.AddAttributeError(attr, fmt.Sprintf("%s %s is not approved", v.noun(), v.Image.ID), d.Summary())
	case policy.SeverityWarning:
		title := fmt.Sprintf("%s %s: policy warning", v.noun(), v.Image.ID)
		if !d.Allowed {
			title = fmt.Sprintf("%s %s is not approved (mode = warn)", v.noun(), v.Image.ID)
		}
		diags.AddAttributeWarning(attr, title, d.Summary())
	}
}

func pathRoot(name string) path.Path { return path.Root(name) }

func pathExpr(name string) path.Expression { return path.MatchRoot(name) }

// diagAppender hands out the diagnostics of a plan or apply response, so
// helpers serve both.
type diagAppender interface{ diags() *diag.Diagnostics }

type planDiags struct{ r *resource.ModifyPlanResponse }

func (p planDiags) diags() *diag.Diagnostics { return &p.r.Diagnostics }

type planDiagsApply struct{ d *diag.Diagnostics }

func (p *planDiagsApply) diags() *diag.Diagnostics { return p.d }
