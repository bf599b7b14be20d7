package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// lookupPolicyModel is the lifecycle policy of one lookup of the OS data
// sources (hardened_os_lifecycle, hardened_os_releases): the provider's
// warning window and extended-support rule, each overridable for the
// lookup, reported back as used together with the day judged, so a
// configuration can see what its answer was computed under.
type lookupPolicyModel struct {
	WarnDays types.Int64  `tfsdk:"warn_before_eol_days"`
	AllowExt types.Bool   `tfsdk:"allow_extended_support"`
	Today    types.String `tfsdk:"today"`
}

// policy is the provider's policy p with the lookup's overrides.
func (m lookupPolicyModel) policy(p lifecycle.Policy) lifecycle.Policy {
	if !m.WarnDays.IsNull() && !m.WarnDays.IsUnknown() {
		p.WarnDays = int(m.WarnDays.ValueInt64())
	}
	if !m.AllowExt.IsNull() && !m.AllowExt.IsUnknown() {
		p.AllowExtended = m.AllowExt.ValueBool()
	}
	return p
}

// used reports the policy and the day the answer was computed under.
func (m *lookupPolicyModel) used(p lifecycle.Policy, today time.Time) {
	m.WarnDays = types.Int64Value(int64(p.WarnDays))
	m.AllowExt = types.BoolValue(p.AllowExtended)
	m.Today = types.StringValue(lifecycle.FormatDate(today))
}

func lookupPolicyAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"warn_before_eol_days": schema.Int64Attribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Warning window in days for this lookup; defaults to the provider's `warn_before_eol_days`. Reports the window used.",
			Validators:          []validator.Int64{int64validator.Between(0, 3650)},
		},
		"allow_extended_support": schema.BoolAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Whether extended support counts as supported for this lookup; defaults to the provider's `allow_extended_support`. Reports the value used.",
		},
		"today": computedString("The date the phases were computed for (`YYYY-MM-DD`, UTC); pinned by `HARDENED_TODAY` when set."),
	}
}
