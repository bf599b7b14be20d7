package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
)

// Policy defaults, documented in the schema.
const (
	defaultWarnDays = 180
	defaultMode     = "enforce"
)

// Policy modes: enforce fails plans, warn turns failures into warnings,
// audit only records.
var policyModes = []string{"enforce", "warn", "audit"}

type providerModel struct {
	WarnBeforeEOLDays    types.Int64  `tfsdk:"warn_before_eol_days"`
	AllowExtendedSupport types.Bool   `tfsdk:"allow_extended_support"`
	AllowNonLTS          types.Bool   `tfsdk:"allow_non_lts"`
	RequireHardened      types.Bool   `tfsdk:"require_hardened"`
	TrustedKeys          types.List   `tfsdk:"trusted_keys"`
	MaxImageAgeDays      types.Int64  `tfsdk:"max_image_age_days"`
	MaxAuditFailures     types.Int64  `tfsdk:"max_audit_failures"`
	MaxIndependentFails  types.Int64  `tfsdk:"max_independent_failures"`
	AllowedOS            types.List   `tfsdk:"allowed_os"`
	Mode                 types.String `tfsdk:"mode"`
	// Lists of objects stay types.List: a whole list can be unknown during
	// plan (computed from a resource), which a Go slice cannot hold.
	Exceptions         types.List   `tfsdk:"exceptions"`
	LifecycleOverrides types.List   `tfsdk:"lifecycle_overrides"`
	LifecycleSourceURL types.String `tfsdk:"lifecycle_source_url"`
	ImageSources       types.Object `tfsdk:"allowed_image_sources"` // image_sources_policy.go

	tencentModel    // Tencent Cloud credentials and endpoints (tencent_config.go)
	vulnPolicyModel // patch and vulnerability limits (vulns_policy.go)
}

type exceptionModel struct {
	ImageID types.String `tfsdk:"image_id"`
	Reason  types.String `tfsdk:"reason"`
	Expires types.String `tfsdk:"expires"`
}

type overrideModel struct {
	Family      types.String `tfsdk:"family"`
	Version     types.String `tfsdk:"version"`
	Codename    types.String `tfsdk:"codename"`
	LTS         types.Bool   `tfsdk:"lts"`
	GA          types.String `tfsdk:"ga"`
	EOLStandard types.String `tfsdk:"eol_standard"`
	EOLExtended types.String `tfsdk:"eol_extended"`
	Successor   types.String `tfsdk:"successor"`
	Source      types.String `tfsdk:"source"`
}

func (p *hardenedProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	date := []validator.String{dateValidator()}
	defer func() {
		for name, a := range tencentAttributes() {
			resp.Schema.Attributes[name] = a
		}
		for name, a := range vulnPolicyAttributes() {
			resp.Schema.Attributes[name] = a
		}
		for name, a := range imageSourcesAttributes() {
			resp.Schema.Attributes[name] = a
		}
	}()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Policy and OS-lifecycle settings shared by every data source and resource of the provider, and the " +
			"Tencent Cloud connection used by the image data sources and resources. " +
			"All attributes are optional. Set the `" + lifecycle.TodayEnv + "` environment variable (`YYYY-MM-DD`) to pin " +
			"\"today\" for reproducible plans and tests; it also applies to provider functions.",
		Attributes: map[string]schema.Attribute{
			"warn_before_eol_days": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("A release whose standard support ends within this many days is reported as "+
					"`approaching_eol` (still supported, with a plan-time warning). Default `%d`.", defaultWarnDays),
				Validators: []validator.Int64{int64validator.Between(0, 3650)},
			},
			"allow_extended_support": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether a release that only has extended support left (Ubuntu Pro/ESM, Debian LTS, " +
					"Windows ESU) counts as supported. Default `false`.",
			},
			"allow_non_lts": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether images of releases that are not long-term-support releases (Ubuntu interim releases such as " +
					"23.10, 24.10, 25.04, 25.10; CentOS Stream) are approved while they are supported. Default `false`: they are refused " +
					"(finding `non_lts`) even while in support, because their support ends within months. A release added through " +
					"`lifecycle_overrides` counts as LTS only with `lts = true`.",
			},
			"require_hardened": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Require images to carry valid signed hardening provenance (verified against `trusted_keys`). Default `false`.",
			},
			"trusted_keys": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Ed25519 public keys trusted to sign image provenance, each as PEM (`-----BEGIN PUBLIC KEY-----`), " +
					"an OpenSSH line (`ssh-ed25519 AAAA…`), or base64 of the raw 32-byte key (optionally prefixed `ed25519:`). " +
					"Required when `require_hardened` is true.",
				Validators: []validator.List{listvalidator.ValueStringsAre(trustedKeyValidator()), listvalidator.UniqueValues()},
			},
			"max_image_age_days": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Reject images older than this many days. Unset means no age limit.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"max_audit_failures": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many rules the image's own post-hardening audit, as recorded in its provenance, may fail. " +
					"Default `0`: an image whose provenance says it failed its audit is not approved (finding `audit_failed`), " +
					"also when `require_hardened` is false. Images without provenance are not affected (use `require_hardened`).",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"max_independent_failures": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How many rules the independent scanner (e.g. OpenSCAP with the distribution's content) may fail, " +
					"when the image's provenance records such a scan (finding `independent_failed`). Unset: the independent result " +
					"is reported but not judged.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"allowed_os": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Operating systems images may run, each a family (`debian`) or a family and version " +
					"(`ubuntu 24.04`). Known families: " + codeList(lifecycle.Families()) + ". Unset allows every family.",
				Validators: []validator.List{listvalidator.ValueStringsAre(allowedOSValidator())},
			},
			"mode": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What a policy violation does: `enforce` fails the plan, `warn` reports a warning, " +
					"`audit` only records the finding. Default `" + defaultMode + "`.",
				Validators: []validator.String{stringvalidator.OneOf(policyModes...)},
			},
			"exceptions": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Images exempted from policy, each with a reason and an expiry date (inclusive). An expired exception " +
					"no longer exempts its image and is itself a finding of that image (`exception_expired`: an error in " +
					"`enforce`, a warning in `warn`, recorded in `audit`), so exemptions cannot silently outlive their review; " +
					"it never blocks other resources or `terraform destroy`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"image_id": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Tencent Cloud image id, e.g. `img-9qrfy1xt`.",
						Validators:          []validator.String{imageIDValidator()},
					},
					"reason": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Why the image is exempt (ticket, owner); shown in plan output.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(3)},
					},
					"expires": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Last day (`YYYY-MM-DD`, UTC) the exception applies.",
						Validators:          date,
					},
				}},
			},
			"lifecycle_overrides": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "Your own lifecycle dates, merged over the embedded catalog (and over refreshed data). " +
					"Use it to settle a disputed date, give a date to a release the vendor has not published one for, or " +
					"add a release. Empty attributes keep the catalog's value.",
				NestedObject: schema.NestedAttributeObject{Attributes: overrideAttributes(date)},
			},
			"lifecycle_source_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of an [endoflife.date](https://endoflife.date)-compatible API (e.g. " +
					"`https://endoflife.date`). When set, releases are refreshed from " +
					"`{url}/api/v1/products/{product}/releases/{release}` with a 5-second timeout; failures produce a warning " +
					"and the embedded catalog is used. Unset (the default) means fully offline.",
				Validators: []validator.String{httpURLValidator()},
			},
		},
	}
}

func overrideAttributes(date []validator.String) map[string]schema.Attribute {
	opt := func(desc string, v []validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v}
	}
	return map[string]schema.Attribute{
		"family": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "OS family; one of " + codeList(lifecycle.Families()) + " or an alias such as `Rocky Linux`.",
			Validators:          []validator.String{familyValidator()},
		},
		"version": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Release version, e.g. `22.04`, `9`, `2012 R2`; point releases are reduced to the cycle.",
		},
		"codename": opt("Release codename.", nil),
		"lts": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Whether the release is a long-term-support release. Unset keeps the catalog's flag (`false` for added releases).",
		},
		"ga":           opt("General-availability date, `YYYY-MM-DD`.", date),
		"eol_standard": opt("First day without standard support, `YYYY-MM-DD`.", date),
		"eol_extended": opt("First day without any extended (paid/ESM/LTS) support, `YYYY-MM-DD`.", date),
		"successor":    opt("Release to move to: `<version>` of the same family, `<family> <version>`, or `-` for none.", nil),
		"source":       opt("Where these dates come from (URL or reason); recorded as the source of every date set here. Default `user override`.", nil),
	}
}

// providerData is what Configure hands to data sources and resources.
type providerData struct {
	base      *lifecycle.Catalog // embedded catalog + overrides
	embedded  *lifecycle.Catalog
	overrides []lifecycle.Override
	policy    lifecycle.Policy
	images    policy.Policy // provider-level; enginePolicy applies a resource's overrides
	sourceURL string
	clock     lifecycle.Clock
	refresher *refresher
	tencent   *lazyClient // created on first use by a Tencent-backed type
}

func (p *hardenedProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	if p.clockErr != nil {
		resp.Diagnostics.AddError("Invalid "+lifecycle.TodayEnv, p.clockErr.Error())
		return
	}
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Unknown values (from not-yet-created resources) fall back to the
	// defaults: configuration must never crash or block on them.
	policy := lifecycle.DefaultPolicy()
	if v := cfg.WarnBeforeEOLDays; !v.IsNull() && !v.IsUnknown() {
		policy.WarnDays = int(v.ValueInt64())
	}
	if v := cfg.AllowExtendedSupport; !v.IsNull() && !v.IsUnknown() {
		policy.AllowExtended = v.ValueBool()
	}
	if cfg.RequireHardened.ValueBool() && !cfg.TrustedKeys.IsUnknown() && len(cfg.TrustedKeys.Elements()) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("trusted_keys"), "Missing trusted_keys",
			"require_hardened = true needs at least one key in trusted_keys to verify image provenance against.")
	}
	exceptions, known := listOf[exceptionModel](ctx, cfg.Exceptions, &resp.Diagnostics)
	if !known {
		resp.Diagnostics.AddWarning("Policy exceptions not yet known",
			"exceptions is unknown during this plan; expiry is checked once it is known.")
	}
	// Expiry is deliberately not checked here: an error at configure would
	// block every plan, unrelated resources and even destroy, also in warn
	// mode. An expired exception is a finding of the image it names, made
	// by the policy engine (internal/policy) and reported per mode.
	overrideModels, known := listOf[overrideModel](ctx, cfg.LifecycleOverrides, &resp.Diagnostics)
	overrides, ok := overridesFrom(overrideModels)
	if !ok || !known {
		resp.Diagnostics.AddWarning("Lifecycle overrides not yet known",
			"Some lifecycle_overrides values are unknown during this plan; the embedded catalog is used until they are known.")
	}
	haveKeys := cfg.TrustedKeys.IsUnknown() || len(cfg.TrustedKeys.Elements()) > 0
	sources := sourcesFrom(ctx, cfg.ImageSources, haveKeys, &resp.Diagnostics)
	embedded, err := lifecycle.Embedded()
	if err != nil {
		resp.Diagnostics.AddError("Lifecycle catalog", err.Error())
		return
	}
	base, err := embedded.WithOverrides(overrides)
	if err != nil {
		addOverrideError(&resp.Diagnostics, err)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{
		base: base, embedded: embedded, overrides: overrides, policy: policy, clock: p.clock,
		images: policyFrom(cfg, exceptions, policy),
	}
	data.images.Sources = sources
	tc := tencentConfig(cfg.tencentModel, pluginLogger(), "terraform-provider-hardened-"+p.version)
	if p.tune != nil {
		p.tune(&tc)
	}
	data.tencent = newLazyClient(tc)
	if unknown := cfg.unknownAttributes(); len(unknown) > 0 {
		data.tencent = unknownClient(unknown)
	}
	if v := cfg.LifecycleSourceURL; !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		data.sourceURL = v.ValueString()
		data.refresher = newRefresher(p.http, data.sourceURL)
	}
	resp.DataSourceData = data
	resp.ResourceData = data
}

// listOf reads a list of objects; known is false (and the result empty)
// while the whole list is unknown.
func listOf[T any](ctx context.Context, l types.List, diags *diag.Diagnostics) ([]T, bool) {
	if l.IsUnknown() {
		return nil, false
	}
	if l.IsNull() {
		return nil, true
	}
	var out []T
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out, true
}

// overridesFrom converts the Terraform model; ok is false (and the list
// empty) when any value is still unknown.
func overridesFrom(in []overrideModel) ([]lifecycle.Override, bool) {
	out := make([]lifecycle.Override, 0, len(in))
	for _, o := range in {
		for _, v := range []types.String{o.Family, o.Version, o.Codename, o.GA, o.EOLStandard, o.EOLExtended, o.Successor, o.Source} {
			if v.IsUnknown() {
				return nil, false
			}
		}
		if o.LTS.IsUnknown() {
			return nil, false
		}
		var lts *bool
		if !o.LTS.IsNull() {
			v := o.LTS.ValueBool()
			lts = &v
		}
		out = append(out, lifecycle.Override{
			Family: o.Family.ValueString(), Version: o.Version.ValueString(), Codename: o.Codename.ValueString(), LTS: lts,
			GA: o.GA.ValueString(), EOLStandard: o.EOLStandard.ValueString(), EOLExtended: o.EOLExtended.ValueString(),
			Successor: o.Successor.ValueString(), Source: o.Source.ValueString(),
		})
	}
	return out, true
}

type diagAdder interface {
	AddAttributeError(path.Path, string, string)
	AddError(string, string)
}

func addOverrideError(d diagAdder, err error) {
	var fe *lifecycle.FieldError
	if errors.As(err, &fe) && fe.Index >= 0 {
		d.AddAttributeError(path.Root("lifecycle_overrides").AtListIndex(fe.Index).AtName(fe.Field),
			"Invalid lifecycle override "+fe.Field, fmt.Sprintf("lifecycle_overrides[%d].%s: %s", fe.Index, fe.Field, fe.Msg))
		return
	}
	d.AddError("Invalid lifecycle_overrides", err.Error())
}

func codeList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}
