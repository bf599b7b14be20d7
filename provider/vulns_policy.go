package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// vulnPolicyModel holds the provider's patch and vulnerability limits.
type vulnPolicyModel struct {
	MaxPatchAgeDays   types.Int64 `tfsdk:"max_patch_age_days"`
	MaxFixable        types.Map   `tfsdk:"max_fixable_vulnerabilities"`
	VulnerabilitySLAs types.Map   `tfsdk:"vulnerability_sla_days"`
}

// vulnPolicyAttributes are the provider attributes of the patch and
// vulnerability gate (internal/policy/vulns.go).
func vulnPolicyAttributes() map[string]schema.Attribute {
	severityMap := func(desc string) schema.MapAttribute {
		return schema.MapAttribute{
			Optional: true, ElementType: types.Int64Type, MarkdownDescription: desc,
			Validators: []validator.Map{
				mapvalidator.KeysAre(stringvalidator.OneOf(policy.Severities...)),
				mapvalidator.ValueInt64sAre(int64validator.AtLeast(0)),
			},
		}
	}
	return map[string]schema.Attribute{
		"max_patch_age_days": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Refuse images whose packages were last updated more than this many days ago (finding `patches_stale`), " +
				"from the signed provenance's `patched` time (its build time when it has none). An image without readable provenance " +
				"is refused too, since its patch level is unknown. A weekly rebuild is `7`. Unset means no limit.",
			Validators: []validator.Int64{int64validator.AtLeast(1)},
		},
		"max_fixable_vulnerabilities": severityMap("Most fixable vulnerabilities per severity (`critical`, `high`, `medium`, `low`, " +
			"`unknown`) an image may have shipped with, from the vulnerability scan in its provenance (the `hardened-cis` provisioner's " +
			"`vulns_feed`), e.g. `{ critical = 0, high = 0 }`; finding `fixable_vulnerabilities`. Severities not listed are not limited. " +
			"An image whose provenance has no scan is refused (`no_vulnerability_scan`)."),
		"vulnerability_sla_days": severityMap("Days after its fix was published that a fixable vulnerability of each severity may " +
			"still be in an image, e.g. `{ critical = 3, high = 90 }`. Each fixable vulnerability in the provenance past its SLA on the " +
			"day of the plan is a finding (`vulnerability_sla`) naming the CVE, package, fixed version and the SLA. An image whose " +
			"provenance has no scan is refused (`no_vulnerability_scan`)."),
	}
}

// vulnPolicyFrom converts validated configuration; unknown values count as unset.
func vulnPolicyFrom(m vulnPolicyModel) policy.VulnPolicy {
	var p policy.VulnPolicy
	if v := m.MaxPatchAgeDays; !v.IsNull() && !v.IsUnknown() {
		p.MaxPatchAgeDays = int(v.ValueInt64())
	}
	p.MaxFixable = knownInts(m.MaxFixable)
	p.SLADays = knownInts(m.VulnerabilitySLAs)
	return p
}

func knownInts(m types.Map) map[string]int {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]int{}
	for k, v := range m.Elements() {
		if n, ok := v.(types.Int64); ok && !n.IsNull() && !n.IsUnknown() {
			out[k] = int(n.ValueInt64())
		}
	}
	return out
}

// vulnsModel is the vulnerability scan in an image's provenance.
type vulnsModel struct {
	FeedDate         types.String    `tfsdk:"feed_date"`
	Fixable          types.Map       `tfsdk:"fixable"`
	Unfixed          types.Map       `tfsdk:"unfixed"`
	OldestFixAgeDays types.Int64     `tfsdk:"oldest_fix_age_days"`
	Open             []openVulnModel `tfsdk:"open"`
}

type openVulnModel struct {
	CVE          types.String `tfsdk:"cve"`
	Package      types.String `tfsdk:"package"`
	FixedVersion types.String `tfsdk:"fixed_version"`
	Severity     types.String `tfsdk:"severity"`
	FixPublished types.String `tfsdk:"fix_published"`
}

// vulnsAttribute describes vulnsModel for the image data sources.
func vulnsAttribute() dschema.SingleNestedAttribute {
	counts := func(d string) dschema.MapAttribute {
		return dschema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: d}
	}
	return dschema.SingleNestedAttribute{Computed: true,
		MarkdownDescription: "Vulnerability scan at build time (the `hardened-cis` provisioner's `vulns_feed`); null when the build ran none.",
		Attributes: map[string]dschema.Attribute{
			"feed_date":           computedString("Date of the advisory feed (its newest record, RFC 3339)."),
			"fixable":             counts("Fixable vulnerabilities the image shipped with, by severity (`critical`, `high`, `medium`, `low`, `unknown`)."),
			"unfixed":             counts("Vulnerabilities without a fix at build time, by severity."),
			"oldest_fix_age_days": computedInt("Age at build time, in days, of the oldest fix the image lacked."),
			"open": dschema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The fixable vulnerabilities left in the image, oldest fix first (as many as fit the provenance tags).",
				NestedObject:        dschema.NestedAttributeObject{Attributes: openVulnAttributes()}},
		}}
}

// openVulnAttributes describe openVulnModel (also the first fields of the
// fleet report's out_of_sla entries).
func openVulnAttributes() map[string]dschema.Attribute {
	return map[string]dschema.Attribute{
		"cve":           computedString("CVE id (or the advisory id when it names none)."),
		"package":       computedString("Source package."),
		"fixed_version": computedString("Version that fixes it."),
		"severity":      computedString("`critical`, `high`, `medium`, `low` or `unknown`."),
		"fix_published": computedString("Day the fix was published (`YYYY-MM-DD`); empty when the advisory has no date."),
	}
}

func openVulnOf(o provenance.OpenVuln) openVulnModel {
	pub := ""
	if !o.FixPublished.IsZero() {
		pub = o.FixPublished.UTC().Format(time.DateOnly)
	}
	return openVulnModel{CVE: types.StringValue(o.CVE), Package: types.StringValue(o.Package),
		FixedVersion: types.StringValue(o.FixedVersion), Severity: types.StringValue(o.Severity), FixPublished: types.StringValue(pub)}
}

func vulnsFrom(v *provenance.Vulns) *vulnsModel {
	if v == nil {
		return nil
	}
	m := &vulnsModel{
		FeedDate: types.StringValue(v.FeedDate.UTC().Format(time.RFC3339)),
		Fixable:  int64Map(v.Fixable), Unfixed: int64Map(v.Unfixed),
		OldestFixAgeDays: types.Int64Value(int64(v.OldestFixAgeDays)), Open: []openVulnModel{},
	}
	for _, o := range v.Open {
		m.Open = append(m.Open, openVulnOf(o))
	}
	return m
}

func int64Map(m map[string]int) types.Map {
	vals := make(map[string]int64, len(m))
	for k, n := range m {
		vals[k] = int64(n)
	}
	out, _ := types.MapValueFrom(context.Background(), types.Int64Type, vals)
	return out
}
