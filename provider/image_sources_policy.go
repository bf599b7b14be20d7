package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
)

// imageSourcesModel is the provider's allowed_image_sources object.
type imageSourcesModel struct {
	Official         types.Bool `tfsdk:"official"`
	Own              types.Bool `tfsdk:"own"`
	OwnVerifiedOnly  types.Bool `tfsdk:"own_verified_only"`
	SharedAccounts   types.List `tfsdk:"shared_accounts"`
	MarketPublishers types.List `tfsdk:"market_publishers"`
}

// accountIDRE is a Tencent Cloud account id (UIN).
var accountIDRE = regexp.MustCompile(`^[0-9]{5,20}$`)

func imageSourcesAttributes() map[string]schema.Attribute {
	accounts := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.RegexMatches(accountIDRE,
				"must be a Tencent Cloud account id (UIN, digits only), e.g. \"200000000002\""))}}
	}
	flag := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"allowed_image_sources": schema.SingleNestedAttribute{
			Optional: true,
			MarkdownDescription: "Where approved images may come from (finding `source_not_allowed`). Unset: official Tencent Cloud public " +
				"images, custom images of this account and images shared by any account are allowed, and marketplace images are " +
				"refused, because a third-party marketplace image (第三方非认证镜像) is built and maintained by a publisher neither " +
				"Tencent nor you has vetted. Set: only what it lists is allowed; every attribute defaults to `false` / empty.",
			Attributes: map[string]schema.Attribute{
				"official": flag("Allow official Tencent Cloud public images (`PUBLIC_IMAGE`)."),
				"own":      flag("Allow custom images of this account (`PRIVATE_IMAGE`)."),
				"own_verified_only": flag("Allow custom images of this account only with hardening provenance verified against " +
					"`trusted_keys` (needs `trusted_keys`); applies also while `allowed_image_sources` is otherwise unset."),
				"shared_accounts":   accounts("Account ids (`ImageCreator`) whose shared images (`SHARED_IMAGE`) are allowed."),
				"market_publishers": accounts("Marketplace publishers (`ImageCreator` of a `MARKET_IMAGE`, an account id) whose images are allowed."),
			},
		},
	}
}

// sourcesFrom converts allowed_image_sources; an unknown object counts as
// unset (the default), like the other policy attributes.
func sourcesFrom(ctx context.Context, obj types.Object, haveKeys bool, diags *diag.Diagnostics) policy.Sources {
	var s policy.Sources
	if obj.IsNull() || obj.IsUnknown() {
		return s
	}
	var m imageSourcesModel
	diags.Append(obj.As(ctx, &m, basetypes.ObjectAsOptions{})...)
	s.Restricted = true
	s.Official, s.Own, s.OwnVerifiedOnly = m.Official.ValueBool(), m.Own.ValueBool(), m.OwnVerifiedOnly.ValueBool()
	s.SharedAccounts, s.MarketPublishers = knownStrings(m.SharedAccounts), knownStrings(m.MarketPublishers)
	if s.OwnVerifiedOnly && !haveKeys {
		diags.AddAttributeError(path.Root("allowed_image_sources").AtName("own_verified_only"), "Missing trusted_keys",
			"allowed_image_sources.own_verified_only = true needs at least one key in trusted_keys to verify custom images' provenance against.")
	}
	return s
}
