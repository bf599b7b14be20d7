package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
)

// slaBreachModel is one fixable vulnerability of a fleet report row's image
// past the provider's vulnerability_sla_days.
type slaBreachModel struct {
	openVulnModel
	AgeDays types.Int64 `tfsdk:"age_days"`
	SLADays types.Int64 `tfsdk:"sla_days"`
}

func outOfSLAAttribute() schema.ListNestedAttribute {
	attrs := openVulnAttributes()
	attrs["age_days"] = computedInt("Days since the fix was published.")
	attrs["sla_days"] = computedInt("`vulnerability_sla_days` of its severity.")
	return schema.ListNestedAttribute{Computed: true,
		MarkdownDescription: "Fixable vulnerabilities the image's provenance records whose fix was published longer ago than the " +
			"provider's `vulnerability_sla_days` for their severity, oldest fix first (each is also a `vulnerability_sla` reason). " +
			"Empty without `vulnerability_sla_days` or without a scan in the provenance.",
		NestedObject: schema.NestedAttributeObject{Attributes: attrs}}
}

func outOfSLAModel(bs []policy.SLABreach) []slaBreachModel {
	out := make([]slaBreachModel, 0, len(bs))
	for _, b := range bs {
		out = append(out, slaBreachModel{openVulnModel: openVulnOf(b.OpenVuln), AgeDays: int64Of(b.AgeDays), SLADays: int64Of(b.SLADays)})
	}
	return out
}
