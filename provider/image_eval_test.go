package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

func TestEnginePolicyOverrides(t *testing.T) {
	d := &providerData{images: policy.Policy{Mode: "enforce", Lifecycle: lifecycle.DefaultPolicy(), MaxImageAgeDays: 30,
		AllowedOS:  []policy.Selector{{Family: "debian", Version: "13"}},
		Exceptions: []policy.Exception{{ImageID: "img-00000001", Reason: "r", Expires: testToday}}}}
	p := d.enginePolicy(policyOverrides{})
	if p.Mode != policy.ModeEnforce || p.Lifecycle.AllowExtended || p.RequireHardened || p.MaxImageAgeDays != 30 ||
		len(p.AllowedOS) != 1 || p.AllowedOS[0] != (policy.Selector{Family: "debian", Version: "13"}) || len(p.Exceptions) != 1 {
		t.Errorf("provider policy not carried over: %+v", p)
	}
	p = d.enginePolicy(policyOverrides{Mode: types.StringValue("audit"), AllowExtendedSupport: types.BoolValue(true), RequireHardened: types.BoolValue(true)})
	if p.Mode != policy.ModeAudit || !p.Lifecycle.AllowExtended || !p.RequireHardened {
		t.Errorf("overrides not applied: %+v", p)
	}
	p = d.enginePolicy(policyOverrides{Mode: types.StringUnknown(), AllowExtendedSupport: types.BoolNull()})
	if p.Mode != policy.ModeEnforce || p.Lifecycle.AllowExtended {
		t.Errorf("unknown/null overrides must keep the provider's values: %+v", p)
	}
}

func TestAddDecision(t *testing.T) {
	v := verdict{Image: tencent.Image{ID: "img-00000001"}}
	for _, tc := range []struct {
		sev           policy.Severity
		allowed       bool
		errors, warns int
	}{
		{policy.SeverityError, false, 1, 0},
		{policy.SeverityWarning, false, 0, 1},
		{policy.SeverityWarning, true, 0, 1},
		{policy.SeverityInfo, false, 0, 0},
		{policy.SeverityNone, true, 0, 0},
	} {
		v.Decision = policy.Decision{Severity: tc.sev, Allowed: tc.allowed, Reasons: []policy.Reason{{Code: "eol", Message: "m", Violation: !tc.allowed}}}
		var diags diag.Diagnostics
		addDecision(&diags, path.Root("image_id"), v)
		if diags.ErrorsCount() != tc.errors || diags.WarningsCount() != tc.warns {
			t.Errorf("severity %v: %d errors %d warnings, want %d/%d", tc.sev, diags.ErrorsCount(), diags.WarningsCount(), tc.errors, tc.warns)
		}
	}
}

func TestCustomCreatedOnlyForCustomImages(t *testing.T) {
	now := time.Now()
	if fleet.CustomCreated(tencent.Image{Type: "PUBLIC_IMAGE", CreatedTime: &now}) != nil {
		t.Error("public images must be exempt from the age limit")
	}
	if fleet.CustomCreated(tencent.Image{Type: "PRIVATE_IMAGE", CreatedTime: &now}) == nil {
		t.Error("private images carry their creation time")
	}
}
