package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// The validators beyond what newDataSource checks.
var (
	_ datasource.DataSourceWithConfigValidators = (*osLifecycleDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*osLifecycleDataSource)(nil)
)

// osLifecycleDataSource answers "is this OS release still supported?".
type osLifecycleDataSource struct{ dataSourceBase }

type osLifecycleModel struct {
	Family       types.String `tfsdk:"family"`
	Version      types.String `tfsdk:"version"`
	OsName       types.String `tfsdk:"os_name"`
	Platform     types.String `tfsdk:"platform"`
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	PointRelease types.String `tfsdk:"point_release"`
	Known        types.Bool   `tfsdk:"known"`
	Codename     types.String `tfsdk:"codename"`
	LTS          types.Bool   `tfsdk:"lts"`
	GA           types.String `tfsdk:"ga"`
	EOLStandard  types.String `tfsdk:"eol_standard"`
	EOLExtended  types.String `tfsdk:"eol_extended"`
	Phase        types.String `tfsdk:"phase"`
	IsSupported  types.Bool   `tfsdk:"is_supported"`
	DaysToEOL    types.Int64  `tfsdk:"days_to_eol"`
	DaysToExtEOL types.Int64  `tfsdk:"days_to_extended_eol"`
	Successor    types.String `tfsdk:"successor"`
	SuccessorNm  types.String `tfsdk:"successor_name"`
	Recommended  types.String `tfsdk:"recommended_successor"`
	RecommendNm  types.String `tfsdk:"recommended_successor_name"`
	Sources      types.Map    `tfsdk:"sources"`
	Disputed     types.Bool   `tfsdk:"disputed"`
	Reason       types.String `tfsdk:"reason"`
	lookupPolicyModel
}

func (d *osLifecycleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_os_lifecycle"
}

func (d *osLifecycleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Support lifecycle of one OS release: phase on today's date, end-of-support dates with their " +
			"sources, days left and the successor to move to. Select the release either by `family` and `version` or by a " +
			"Tencent Cloud `os_name` such as `Ubuntu Server 22.04 LTS 64bit UEFI`.\n\n" +
			"Phases: `supported`; `approaching_eol` (supported, but standard support ends within `warn_before_eol_days`); " +
			"`extended` (only paid/ESM/LTS support left; supported only with `allow_extended_support`); `eol`; " +
			"`unknown` (release not in the catalog or no published date — never counted as supported).",
		Attributes: map[string]schema.Attribute{
			"family": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "OS family: " + codeList(lifecycle.Families()) + " (aliases such as `Rocky Linux` or " +
					"`TencentOS Server` are accepted). Requires `version`; conflicts with `os_name`. When `os_name` is used, this is " +
					"the family parsed from it (canonical id).",
				Validators: []validator.String{familyValidator()},
			},
			"version": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Release version: `22.04` for Ubuntu, a major version such as `9` elsewhere (`7.9` means " +
					"7), `2012 R2`/`2019` for Windows Server. Requires `family`. When `os_name` is used, this is the release " +
					"cycle parsed from it (e.g. `7` for `CentOS 7.9 64位`).",
			},
			"os_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A Tencent Cloud image `OsName`, e.g. `CentOS 7.9 64位` or `TencentOS Server 3.2 (Final)`. " +
					"Conflicts with `family`/`version`. A name that cannot be parsed yields phase `unknown` with a warning.",
			},
			"platform": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The image's `Platform` (e.g. `Rocky Linux`); used for the family when `os_name` names none.",
			},
			"id":                   computedString("`<family>/<version>` of the release, or the input when it could not be parsed."),
			"name":                 computedString("Human-readable release name, e.g. `Ubuntu 22.04`."),
			"point_release":        computedString("Version as written in the input, e.g. `22.04.1` or `7.9`."),
			"known":                computedBool("Whether the release is in the lifecycle catalog."),
			"codename":             computedString("Release codename, when known."),
			"lts":                  computedBool("Whether the release is a long-term-support release."),
			"ga":                   computedString("General-availability date (`YYYY-MM-DD`), null when not known."),
			"eol_standard":         computedString("First day without standard support (`YYYY-MM-DD`), null when not published."),
			"eol_extended":         computedString("First day without any extended (paid/ESM/LTS) support (`YYYY-MM-DD`), null when there is none."),
			"phase":                computedString("`supported`, `approaching_eol`, `extended`, `eol` or `unknown`."),
			"is_supported":         computedBool("True for `supported` and `approaching_eol`, and for `extended` when `allow_extended_support` is set. Use it in `precondition` and `check` blocks."),
			"days_to_eol":          computedInt("Days from `today` until `eol_standard`; negative once passed, null when unknown."),
			"days_to_extended_eol": computedInt("Days from `today` until `eol_extended`; negative once passed, null when there is no extended support."),
			"successor":            computedString("Release to move to, as `<family> <version>` (e.g. `rocky 9`); null when there is none."),
			"successor_name":       computedString("Human-readable successor, e.g. `Rocky Linux 9`."),
			"recommended_successor": computedString("For releases that are not plainly `supported`: the first release along the successor chain " +
				"that is `supported` today (e.g. `ubuntu 24.04` for Ubuntu 18.04, whose direct successor 22.04 is itself near its end); null otherwise."),
			"recommended_successor_name": computedString("Human-readable `recommended_successor`, e.g. `Ubuntu 24.04`."),
			"sources": schema.MapAttribute{
				ElementType:         types.StringType,
				Computed:            true,
				MarkdownDescription: "Where each date comes from, keyed by `ga`, `eol_standard`, `eol_extended`.",
			},
			"disputed": computedBool("True when published sources disagree on this release's dates."),
			"reason":   computedString("One sentence explaining the phase: release, date and successor."),
		},
	}
	for k, v := range lookupPolicyAttributes() {
		resp.Schema.Attributes[k] = v
	}
}

func (d *osLifecycleDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		rootAttrs{ruleExactlyOne, []string{"family", "os_name"}},
		rootAttrs{ruleTogether, []string{"family", "version"}},
		rootAttrs{ruleConflicting, []string{"version", "os_name"}},
		rootAttrs{ruleConflicting, []string{"platform", "family"}},
	}
}

// ValidateConfig checks the version against its family's format, which a
// per-attribute validator cannot do.
func (d *osLifecycleDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var fam, ver types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("family"), &fam)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("version"), &ver)...)
	if fam.IsNull() || fam.IsUnknown() || ver.IsNull() || ver.IsUnknown() {
		return
	}
	canon, ok := lifecycle.NormalizeFamily(fam.ValueString())
	if !ok {
		return // familyValidator reports it
	}
	if _, err := lifecycle.NormalizeVersion(canon, ver.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("version"), "Invalid version", "version: "+err.Error())
	}
}

func (d *osLifecycleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "the hardened provider was not configured before reading hardened_os_lifecycle")
		return
	}
	var m osLifecycleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Identify the release.
	var id lifecycle.OSID
	if !m.OsName.IsNull() {
		parsed, err := lifecycle.ParseOsName(m.OsName.ValueString(), m.Platform.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeWarning(path.Root("os_name"), "Unrecognised os_name",
				fmt.Sprintf("os_name: %s. The phase is \"unknown\", which is never supported.", err))
		}
		id = parsed
	} else {
		fam, _ := lifecycle.NormalizeFamily(m.Family.ValueString())
		ver, err := lifecycle.NormalizeVersion(fam, m.Version.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("version"), "Invalid version", "version: "+err.Error())
			return
		}
		id = lifecycle.OSID{Family: fam, Version: ver, PointRelease: strings.TrimSpace(m.Version.ValueString())}
	}

	cat := d.data.base
	if id.Family != "" {
		c, err := d.data.resolve(ctx, id.Family, id.Version)
		if err != nil {
			resp.Diagnostics.AddWarning("Lifecycle refresh failed",
				fmt.Sprintf("Could not refresh %s from lifecycle_source_url %s: %s. Using the embedded catalog.", id.Name(), d.data.sourceURL, err))
		}
		cat = c
	}
	rel, known := lifecycle.Release{}, false
	if id.Family != "" {
		rel, known = cat.Lookup(id.Family, id.Version)
	}
	// Per-lookup policy overrides the provider's, as DESIGN's policy model
	// allows for every resource.
	policy := m.policy(d.data.policy)
	st := cat.Evaluate(rel, d.data.clock(), policy)

	tflog.Debug(ctx, "os lifecycle evaluated", map[string]any{
		"family": id.Family, "version": id.Version, "known": known, "phase": string(st.Phase),
		"today": lifecycle.FormatDate(st.Today), "refresh_source": d.data.sourceURL,
	})
	resp.Diagnostics.Append(fill(ctx, &m, id, rel, known, st, policy)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if st.Phase == lifecycle.PhaseApproachingEOL {
		resp.Diagnostics.AddWarning("OS release approaching end of support", st.Reason())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func fill(ctx context.Context, m *osLifecycleModel, id lifecycle.OSID, rel lifecycle.Release, known bool, st lifecycle.Status, p lifecycle.Policy) diag.Diagnostics {
	// With family/version the inputs keep the user's spelling (id carries the
	// canonical form); with os_name they report what was parsed.
	if !m.OsName.IsNull() {
		m.Family, m.Version = strOrNull(id.Family), strOrNull(id.Version)
	}
	if id.Family != "" {
		m.ID = types.StringValue(id.Family + "/" + id.Version)
		m.Name = types.StringValue(id.Name())
		m.PointRelease = strOrNull(id.PointRelease)
	} else {
		m.ID = types.StringValue(m.OsName.ValueString())
		m.Name = strOrNull(m.OsName.ValueString())
		m.PointRelease = types.StringNull()
	}
	m.Known = types.BoolValue(known)
	m.Codename = strOrNull(rel.Codename)
	m.LTS = types.BoolValue(rel.LTS)
	m.GA = strOrNull(lifecycle.FormatDate(rel.GA))
	m.EOLStandard = strOrNull(lifecycle.FormatDate(rel.EOLStandard))
	m.EOLExtended = strOrNull(lifecycle.FormatDate(rel.EOLExtended))
	m.Phase = types.StringValue(string(st.Phase))
	m.IsSupported = types.BoolValue(st.Supported)
	m.DaysToEOL = intPtr(st.DaysToEOL)
	m.DaysToExtEOL = intPtr(st.DaysToExtendedEOL)
	m.Successor = strOrNull(rel.Successor)
	m.SuccessorNm = strOrNull(rel.SuccessorName())
	m.Recommended, m.RecommendNm = types.StringNull(), types.StringNull()
	if fam, ver, ok := strings.Cut(st.Recommended, " "); ok {
		m.Recommended = types.StringValue(st.Recommended)
		m.RecommendNm = types.StringValue(lifecycle.DisplayName(fam, ver))
	}
	m.Disputed = types.BoolValue(rel.Disputed)
	m.Reason = types.StringValue(st.Reason())
	m.used(p, st.Today)
	src := rel.Sources
	if src == nil {
		src = map[string]string{}
	}
	sources, d := types.MapValueFrom(ctx, types.StringType, src)
	m.Sources = sources
	return d
}
