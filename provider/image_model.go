package provider

import (
	"context"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
)

// imageInfoModel is one image as the image data sources report it.
type imageInfoModel struct {
	imageIdentModel
	imageInfoCore
}

// imageIdentModel are the attributes that are filters in the image data
// sources and results at the same time.
type imageIdentModel struct {
	ImageType    types.String `tfsdk:"image_type"`
	Platform     types.String `tfsdk:"platform"`
	Architecture types.String `tfsdk:"architecture"`
	ImageFamily  types.String `tfsdk:"image_family"`
}

type imageInfoCore struct {
	ImageID      types.String `tfsdk:"image_id"`
	ImageName    types.String `tfsdk:"image_name"`
	OsName       types.String `tfsdk:"os_name"`
	CreatedTime  types.String `tfsdk:"created_time"`
	Deprecated   types.Bool   `tfsdk:"deprecated"`
	ImageState   types.String `tfsdk:"image_state"`
	ImageCreator types.String `tfsdk:"image_creator"`
	Tags         types.Map    `tfsdk:"image_tags"`
	statusModel
}

// statusModel is the judgement of anything that boots like an image (a CVM
// image, a Lighthouse blueprint): the OS release, its lifecycle status, the
// provenance and the policy decision. The image and blueprint data sources
// share it and its schema (statusAttributes), so they report the same
// attributes the same way.
type statusModel struct {
	Family            types.String     `tfsdk:"family"`
	Version           types.String     `tfsdk:"version"`
	Codename          types.String     `tfsdk:"codename"`
	LTS               types.Bool       `tfsdk:"lts"`
	Phase             types.String     `tfsdk:"phase"`
	IsSupported       types.Bool       `tfsdk:"is_supported"`
	EOLStandard       types.String     `tfsdk:"eol_standard"`
	EOLExtended       types.String     `tfsdk:"eol_extended"`
	DaysToEOL         types.Int64      `tfsdk:"days_to_eol"`
	DaysToExtendedEOL types.Int64      `tfsdk:"days_to_extended_eol"`
	Successor         types.String     `tfsdk:"successor"`
	Recommended       types.String     `tfsdk:"recommended"`
	Provenance        *provenanceModel `tfsdk:"provenance"`
	Policy            *decisionModel   `tfsdk:"policy"`
}

type provenanceModel struct {
	Present        types.Bool   `tfsdk:"present"`
	Verified       types.Bool   `tfsdk:"verified"`
	Profile        types.String `tfsdk:"profile"`
	ProfileVersion types.String `tfsdk:"profile_version"`
	AuditPass      types.Int64  `tfsdk:"audit_pass"`
	AuditFail      types.Int64  `tfsdk:"audit_fail"`
	AuditWaived    types.Int64  `tfsdk:"audit_waived"`
	AuditManual    types.Int64  `tfsdk:"audit_manual"`
	BaseImageID    types.String `tfsdk:"base_image_id"`
	BaseOsName     types.String `tfsdk:"base_os_name"`
	BuildTime      types.String `tfsdk:"build_time"`
	KeyID          types.String `tfsdk:"key_id"`
	Scanner        types.String `tfsdk:"scanner"`
	ScanPass       types.Int64  `tfsdk:"scan_pass"`
	ScanFail       types.Int64  `tfsdk:"scan_fail"`
	Error          types.String `tfsdk:"error"`
	Patched        types.String `tfsdk:"patched"`
	Vulns          *vulnsModel  `tfsdk:"vulnerabilities"`
}

type decisionModel struct {
	Allowed  types.Bool   `tfsdk:"allowed"`
	Severity types.String `tfsdk:"severity"`
	Codes    types.List   `tfsdk:"codes"`
	Messages types.List   `tfsdk:"messages"`
}

// imageInfoAttributes are the computed attributes of one image.
func imageInfoAttributes() map[string]schema.Attribute {
	return mergeAttributes(statusAttributes("image"), map[string]schema.Attribute{
		"image_id":     computedString("Image id, e.g. `img-9qrfy1xt`."),
		"image_name":   computedString("Image name."),
		"image_type":   computedString("`PUBLIC_IMAGE`, `PRIVATE_IMAGE` (custom), `SHARED_IMAGE` or `MARKET_IMAGE`."),
		"os_name":      computedString("Tencent `OsName`, e.g. `Ubuntu Server 24.04 LTS 64bit`."),
		"platform":     computedString("Tencent `Platform`, e.g. `Ubuntu`."),
		"architecture": computedString("`x86_64` or `arm`."),
		"image_family": computedString("Tencent image family (`ImageFamily`) of a custom image, e.g. `debian13-cis`; empty when none."),
		"deprecated": computedBool("Whether the image is deprecated (`ImageDeprecated`), e.g. " +
			"superseded by a newer build of its family (the Packer builder's `deprecate_previous`)."),
		"image_creator": computedString("`ImageCreator`: the account that shared a `SHARED_IMAGE` or published a `MARKET_IMAGE` (what " +
			"`allowed_image_sources` lists), or this account for custom images; null for public images."),
		"image_state":  computedString("`ImageState`: `NORMAL` (ready), `CREATING`, `SYNCING`, `CREATEFAILED`, …; see `min_image_state`."),
		"created_time": computedString("Creation time (RFC 3339); null for public images, whose creation time the API does not report."),
		"image_tags":   schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Image tags (custom images; includes the `hardened:*` provenance tags)."},
	})
}

// statusAttributes are the computed attributes of statusModel; kind
// ("image", "blueprint") is what the policy decision is about.
func statusAttributes(kind string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"family":               computedString("Canonical OS family parsed from `os_name`, e.g. `ubuntu`; empty when unrecognised."),
		"version":              computedString("Canonical OS release, e.g. `24.04`; empty when unrecognised."),
		"codename":             computedString("Release codename, e.g. `trixie`; empty when unknown."),
		"lts":                  computedBool("Whether the release is a long-term-support release."),
		"phase":                computedString("Lifecycle phase today: `supported`, `approaching_eol`, `extended`, `eol` or `unknown`."),
		"is_supported":         computedBool("Whether the OS counts as supported under the policy (`extended` only with `allow_extended_support`)."),
		"eol_standard":         computedString("End of standard support (`YYYY-MM-DD`); empty when unknown."),
		"eol_extended":         computedString("End of extended (ESM/LTS/paid) support (`YYYY-MM-DD`); empty when none."),
		"days_to_eol":          computedInt("Days until end of standard support (negative once passed); null when unknown."),
		"days_to_extended_eol": computedInt("Days until end of extended support; null when there is none."),
		"successor":            computedString("Direct successor release, e.g. `ubuntu 24.04`; empty when none."),
		"recommended":          computedString("First release along the successor chain that is supported today (set when this one is not plainly supported)."),
		"provenance": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Hardening provenance read from the " + kind + "'s `hardened:*` tags and verified against `trusted_keys`.",
			Attributes: map[string]schema.Attribute{
				"present":         computedBool("Whether the image carries provenance tags."),
				"verified":        computedBool("Whether the signature verifies under a key in `trusted_keys`."),
				"profile":         computedString("Hardening profile id, e.g. `debian-13`."),
				"profile_version": computedString("Version of the hardening profile."),
				"audit_pass":      computedInt("Rules passing the post-hardening audit."),
				"audit_fail":      computedInt("Rules failing the post-hardening audit."),
				"audit_waived":    computedInt("Rules waived."),
				"audit_manual":    computedInt("Rules needing manual review."),
				"base_image_id":   computedString("Image the hardened image was built from."),
				"base_os_name":    computedString("`OsName` of the base image."),
				"build_time":      computedString("Build time (RFC 3339)."),
				"key_id":          computedString("Fingerprint (`SHA256:…`) of the signing key."),
				"scanner":         computedString("Independent scanner that checked the image after hardening (e.g. OpenSCAP and its content); null when none ran."),
				"scan_pass":       computedInt("Rules the independent scanner passed; null when none ran."),
				"scan_fail":       computedInt("Rules the independent scanner failed; null when none ran. Judged by `max_independent_failures`."),
				"error":           computedString("Why the provenance does not verify; empty when verified or absent."),
				"patched":         computedString("When updates last changed the image's packages (RFC 3339); null when the provenance does not say."),
				"vulnerabilities": vulnsAttribute(),
			}},
		"policy": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The image policy decision for this " + kind + ".",
			Attributes: map[string]schema.Attribute{
				"allowed":  computedBool("Whether the policy allows the " + kind + " (a valid exception counts)."),
				"severity": computedString("How the finding is reported: `none`, `info` (audit mode), `warning` or `error`."),
				"codes": schema.ListAttribute{Computed: true, ElementType: types.StringType,
					MarkdownDescription: "Reason codes: `eol`, `extended_support`, `unknown_os`, `approaching_eol`, `os_not_allowed`, `not_hardened`, `provenance_invalid`, `untrusted_key`, `image_too_old`, `non_lts`, `audit_failed`, `independent_failed`, `patches_stale`, `fixable_vulnerabilities`, `vulnerability_sla`, `no_vulnerability_scan`, `source_not_allowed`, `exception`, `exception_expired`."},
				"messages": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "One message per reason, naming the " + kind + ", OS, date and successor."},
			}},
	}
}

func strOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func intPtr(p *int) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}

func timeString(t *time.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func stringList(items []string) types.List {
	vals := make([]types.String, len(items))
	for i, s := range items {
		vals[i] = types.StringValue(s)
	}
	l, _ := types.ListValueFrom(context.Background(), types.StringType, vals)
	return l
}

func stringMap(m map[string]string) types.Map {
	out, _ := types.MapValueFrom(context.Background(), types.StringType, m)
	if m == nil {
		out, _ = types.MapValueFrom(context.Background(), types.StringType, map[string]string{})
	}
	return out
}

func decisionFrom(d policy.Decision) *decisionModel {
	codes := make([]string, 0, len(d.Reasons))
	msgs := make([]string, 0, len(d.Reasons))
	for _, r := range d.Reasons {
		codes = append(codes, r.Code)
		msgs = append(msgs, r.Message)
	}
	return &decisionModel{Allowed: types.BoolValue(d.Allowed), Severity: types.StringValue(d.Severity.String()),
		Codes: stringList(codes), Messages: stringList(msgs)}
}

func provenanceFrom(p policy.Provenance) *provenanceModel {
	m := &provenanceModel{Present: types.BoolValue(p.Present), Verified: types.BoolValue(p.Verified)}
	r := p.Record
	m.Profile, m.ProfileVersion = strOrNull(r.ProfileID), strOrNull(r.ProfileVersion)
	m.BaseImageID, m.BaseOsName, m.KeyID = strOrNull(r.BaseImageID), strOrNull(r.BaseOsName), strOrNull(p.Record.KeyID)
	m.BuildTime, m.Patched, m.Vulns = timeString(&r.BuildTime), timeString(&r.Patched), vulnsFrom(r.Vulns)
	m.AuditPass, m.AuditFail, m.AuditWaived, m.AuditManual = types.Int64Null(), types.Int64Null(), types.Int64Null(), types.Int64Null()
	if p.Present && p.Record.ProfileID != "" {
		m.AuditPass, m.AuditFail = types.Int64Value(int64(r.Pass)), types.Int64Value(int64(r.Fail))
		m.AuditWaived, m.AuditManual = types.Int64Value(int64(r.Waived)), types.Int64Value(int64(r.Manual))
	}
	m.Scanner, m.ScanPass, m.ScanFail = types.StringNull(), types.Int64Null(), types.Int64Null()
	if s := r.Independent; s != nil {
		m.Scanner, m.ScanPass, m.ScanFail = types.StringValue(s.Scanner), types.Int64Value(int64(s.Pass)), types.Int64Value(int64(s.Fail))
	}
	m.Error = types.StringNull()
	if p.Err != nil {
		m.Error = types.StringValue(p.Err.Error())
	}
	return m
}

func imageInfoFrom(v verdict) imageInfoModel {
	img := v.Image
	m := imageInfoModel{imageIdentModel: imageIdentModel{
		ImageType: types.StringValue(img.Type), Platform: types.StringValue(img.Platform), Architecture: types.StringValue(img.Architecture),
		ImageFamily: types.StringValue(img.Family),
	}}
	m.imageInfoCore = imageInfoCore{
		ImageID: types.StringValue(img.ID), ImageName: types.StringValue(img.Name), OsName: types.StringValue(img.OsName),
		CreatedTime: timeString(img.CreatedTime), Deprecated: types.BoolValue(img.Deprecated), ImageState: types.StringValue(img.State), ImageCreator: strOrNull(img.Creator), Tags: stringMap(img.Tags),
		statusModel: statusFrom(v.OS, v.Status, v.Prov, v.Decision),
	}
	return m
}

// statusFrom is the statusModel of one judgement.
func statusFrom(os lifecycle.OSID, st lifecycle.Status, prov policy.Provenance, d policy.Decision) statusModel {
	return statusModel{
		Family: types.StringValue(os.Family), Version: types.StringValue(os.Version),
		Codename: types.StringValue(st.Release.Codename), LTS: types.BoolValue(st.Release.LTS),
		Phase: types.StringValue(string(st.Phase)), IsSupported: types.BoolValue(st.Supported),
		EOLStandard: types.StringValue(lifecycle.FormatDate(st.Release.EOLStandard)), EOLExtended: types.StringValue(lifecycle.FormatDate(st.Release.EOLExtended)),
		DaysToEOL: intPtr(st.DaysToEOL), DaysToExtendedEOL: intPtr(st.DaysToExtendedEOL),
		Successor: types.StringValue(st.Successor), Recommended: types.StringValue(st.Recommended),
		Provenance: provenanceFrom(prov), Policy: decisionFrom(d),
	}
}

// sortNewestFirst orders verdicts for most_recent: CreatedTime is null for
// public images, so the OS release decides first (newest version of the
// family; families by name), then CreatedTime where present (images with a
// time before those without), then ImageId descending. The order is total,
// so the answer never depends on API order.
func sortNewestFirst(vs []verdict) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.OS.Family != b.OS.Family {
			return a.OS.Family > b.OS.Family
		}
		if a.OS.Version != b.OS.Version {
			return lifecycle.VersionLess(b.OS.Version, a.OS.Version)
		}
		if a.OS.PointRelease != b.OS.PointRelease {
			return lifecycle.VersionLess(b.OS.PointRelease, a.OS.PointRelease)
		}
		at, bt := a.Image.CreatedTime, b.Image.CreatedTime
		switch {
		case at != nil && bt != nil && !at.Equal(*bt):
			return at.After(*bt)
		case at != nil && bt == nil:
			return true
		case at == nil && bt != nil:
			return false
		}
		return a.Image.ID > b.Image.ID
	})
}
