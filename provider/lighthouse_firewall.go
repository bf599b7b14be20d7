package provider

import (
	"context"
	"fmt"
	"net"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// firewallRuleModel is one inbound rule of a Lighthouse instance's firewall.
type firewallRuleModel struct {
	Protocol    types.String `tfsdk:"protocol"`
	Port        types.String `tfsdk:"port"`
	CIDRBlock   types.String `tfsdk:"cidr_block"`
	Action      types.String `tfsdk:"action"`
	Description types.String `tfsdk:"description"`
}

var firewallRuleType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"protocol": types.StringType, "port": types.StringType, "cidr_block": types.StringType, "action": types.StringType, "description": types.StringType,
}}

func firewallRulesAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{Optional: true, Computed: true,
		PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		Validators:    []validator.List{listvalidator.SizeAtMost(100)},
		MarkdownDescription: "The instance's whole inbound firewall, in order (`ModifyFirewallRules`; changed in place). Every rule not " +
			"listed is removed, also the API's defaults that open SSH and RDP to the internet. Unset: the instance keeps the " +
			"API's rules, which are reported here.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"protocol": schema.StringAttribute{Required: true, MarkdownDescription: "`TCP`, `UDP`, `ICMP` or `ALL`.",
				Validators: []validator.String{stringvalidator.OneOf("TCP", "UDP", "ICMP", "ALL")}},
			"port": schema.StringAttribute{Required: true,
				MarkdownDescription: "Port, e.g. `22`, `80,443`, `3000-4000` or `ALL` (`ALL` for `ICMP` and `ALL`)."},
			"cidr_block": schema.StringAttribute{Required: true, MarkdownDescription: "Source IPv4 CIDR, e.g. `198.18.0.0/24` or `0.0.0.0/0`.",
				Validators: []validator.String{cidrValidator()}},
			// No defaults: a nested default in an optional+computed list
			// makes every plan of an instance without firewall_rules an update.
			"action": schema.StringAttribute{Required: true,
				MarkdownDescription: "`ACCEPT` or `DROP`.", Validators: []validator.String{stringvalidator.OneOf("ACCEPT", "DROP")}},
			"description": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Why the rule exists (1 to 64 characters).", Validators: []validator.String{stringvalidator.LengthBetween(1, 64)}},
		}},
	}
}

// firewallRules converts the planned rules; nil when unset or unknown
// (the instance keeps the API's rules).
func firewallRules(ctx context.Context, l types.List, diags *diag.Diagnostics) []tencent.LighthouseFirewallRule {
	ms, known := listOf[firewallRuleModel](ctx, l, diags)
	if !known || l.IsNull() {
		return nil
	}
	out := make([]tencent.LighthouseFirewallRule, 0, len(ms))
	for _, m := range ms {
		out = append(out, tencent.LighthouseFirewallRule{Protocol: m.Protocol.ValueString(), Port: m.Port.ValueString(),
			CIDR: m.CIDRBlock.ValueString(), Action: m.Action.ValueString(), Description: m.Description.ValueString()})
	}
	return out
}

// readFirewall puts the instance's current rules into m.
func (m *lighthouseInstanceModel) readFirewall(ctx context.Context, c *tencent.Client, diags *diag.Diagnostics) {
	rules, err := c.LighthouseFirewallRules(ctx, m.ID.ValueString())
	if err != nil {
		diags.AddError("Read Lighthouse firewall", err.Error())
		return
	}
	ms := make([]firewallRuleModel, 0, len(rules))
	for _, r := range rules {
		ms = append(ms, firewallRuleModel{Protocol: types.StringValue(r.Protocol), Port: types.StringValue(r.Port),
			CIDRBlock: types.StringValue(r.CIDR), Action: types.StringValue(r.Action), Description: strOrNull(r.Description)})
	}
	var d diag.Diagnostics
	m.FirewallRules, d = types.ListValueFrom(ctx, firewallRuleType, ms)
	diags.Append(d...)
}

// cidrValidator checks an IPv4 CIDR block.
func cidrValidator() validator.String {
	return stringCheck{"must be an IPv4 CIDR block", func(s string) error {
		if _, n, err := net.ParseCIDR(s); err != nil || n.IP.To4() == nil {
			return fmt.Errorf("%q is not an IPv4 CIDR block; use e.g. \"198.18.0.0/24\" or \"0.0.0.0/0\"", s)
		}
		return nil
	}}
}
