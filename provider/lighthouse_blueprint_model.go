package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// The model, schema and search shared by hardened_lighthouse_blueprint and
// hardened_lighthouse_blueprints. The judgement (statusModel) and the OS,
// tag, name and allowed_only filters (searchFilterModel) are the image data
// sources' own, so a blueprint reads like an image.

// blueprintIdentModel are the attributes that are filters and results at
// the same time.
type blueprintIdentModel struct {
	BlueprintType types.String `tfsdk:"blueprint_type"`
	PlatformType  types.String `tfsdk:"platform_type"`
	Platform      types.String `tfsdk:"platform"`
}

type blueprintFilterModel struct {
	blueprintIdentModel
	searchFilterModel
}

type blueprintInfoCore struct {
	BlueprintID    types.String `tfsdk:"blueprint_id"`
	BlueprintName  types.String `tfsdk:"blueprint_name"`
	OsName         types.String `tfsdk:"os_name"`
	DisplayTitle   types.String `tfsdk:"display_title"`
	DisplayVersion types.String `tfsdk:"display_version"`
	Description    types.String `tfsdk:"description"`
	State          types.String `tfsdk:"blueprint_state"`
	CreatedTime    types.String `tfsdk:"created_time"`
	RequiredDiskGB types.Int64  `tfsdk:"required_system_disk_size"`
	RequiredMemGB  types.Int64  `tfsdk:"required_memory_size"`
	Tags           types.Map    `tfsdk:"blueprint_tags"`
	statusModel
}

type blueprintInfoModel struct {
	blueprintIdentModel
	blueprintInfoCore
}

var (
	blueprintTypes = []string{fleet.BlueprintPureOS, fleet.BlueprintAppOS, fleet.BlueprintDocker, fleet.BlueprintPrivate, fleet.BlueprintShared}
	platformTypes  = []string{"LINUX_UNIX", "WINDOWS"}
)

// blueprintStateNormal is the state of a blueprint that instances can be
// created from; searches select only those.
const blueprintStateNormal = "NORMAL"

func blueprintFilterAttributes() map[string]schema.Attribute {
	return mergeAttributes(map[string]schema.Attribute{
		"blueprint_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Only blueprints of this `BlueprintType`: " + codeList(blueprintTypes) +
			" (server-side filter).",
			Validators: []validator.String{stringvalidator.OneOf(blueprintTypes...)}},
		"platform_type": schema.StringAttribute{Optional: true, MarkdownDescription: "Only this `PlatformType`: " + codeList(platformTypes) + " (server-side filter).",
			Validators: []validator.String{stringvalidator.OneOf(platformTypes...)}},
		"platform": schema.StringAttribute{Optional: true, MarkdownDescription: "Only this `Platform`, e.g. `DEBIAN` or `UBUNTU` (case-insensitive)."},
	}, searchFilterAttributes("blueprints"))
}

// blueprintInfoAttributes are the computed attributes of one blueprint.
func blueprintInfoAttributes() map[string]schema.Attribute {
	str, num := computedString, computedInt
	return mergeAttributes(map[string]schema.Attribute{
		"blueprint_id":              str("Blueprint id, e.g. `lhbp-6v8w2p1k`."),
		"blueprint_name":            str("Blueprint name."),
		"blueprint_type":            str("`PURE_OS` (Tencent's plain OS), `APP_OS` (Tencent's OS with an application), `DOCKER`, `PRIVATE` (custom, e.g. built by `hardened-lighthouse`) or `SHARED`."),
		"platform_type":             str("`LINUX_UNIX` or `WINDOWS`."),
		"platform":                  str("Tencent `Platform`, e.g. `DEBIAN`."),
		"os_name":                   str("Tencent `OsName`, e.g. `Debian 13.1 64bit`; an `APP_OS` blueprint names its base system."),
		"display_title":             str("Title shown in the console, e.g. `WordPress`."),
		"display_version":           str("Version shown in the console."),
		"description":               str("Description (a hardened blueprint's names its build)."),
		"blueprint_state":           str("`NORMAL` (usable), `CREATING`, `OFFLINE`, … Searches select only `NORMAL` blueprints."),
		"created_time":              str("Creation time (RFC 3339); null for system blueprints."),
		"required_system_disk_size": num("System disk (GB) a bundle must offer."),
		"required_memory_size":      num("Memory (GB) a bundle must offer."),
		"blueprint_tags":            schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Blueprint tags (includes the `hardened:*` provenance tags of a hardened blueprint)."},
	}, statusAttributes("blueprint"))
}

// judgeBlueprint evaluates b under p like an image (fleet.JudgeBlueprint);
// the verdict's Image carries what sorting and diagnostics read.
func (d *providerData) judgeBlueprint(ctx context.Context, b tencent.Blueprint, p policy.Policy) verdict {
	v := d.evaluator(p).JudgeBlueprint(ctx, b)
	img := tencent.Image{ID: b.ID, Name: b.Name, OsName: b.OsName, Platform: b.Platform, CreatedTime: b.CreatedTime, State: b.State, Tags: b.Tags}
	return verdict{Image: img, OS: v.OS, Status: v.Status, Prov: v.Prov, Decision: v.Decision, Kind: policy.KindBlueprint}
}

func blueprintInfoFrom(b tencent.Blueprint, v verdict) blueprintInfoModel {
	return blueprintInfoModel{
		blueprintIdentModel: blueprintIdentModel{BlueprintType: types.StringValue(b.Type), PlatformType: types.StringValue(b.PlatformType),
			Platform: types.StringValue(b.Platform)},
		blueprintInfoCore: blueprintInfoCore{
			BlueprintID: types.StringValue(b.ID), BlueprintName: types.StringValue(b.Name), OsName: types.StringValue(b.OsName),
			DisplayTitle: types.StringValue(b.DisplayTitle), DisplayVersion: types.StringValue(b.DisplayVersion),
			Description: types.StringValue(b.Description), State: types.StringValue(b.State), CreatedTime: timeString(b.CreatedTime),
			RequiredDiskGB: types.Int64Value(b.RequiredSystemDiskGB), RequiredMemGB: types.Int64Value(b.RequiredMemoryGB),
			Tags: stringMap(b.Tags), statusModel: statusFrom(v.OS, v.Status, v.Prov, v.Decision),
		},
	}
}

// blueprintQuery is a validated blueprint filter set.
type blueprintQuery struct {
	imageQuery        // API tag filters, name, OS, allowed_only
	platform   string // client-side: the API has no platform filter
}

func blueprintQueryFrom(ctx context.Context, f blueprintFilterModel, diags *diag.Diagnostics) blueprintQuery {
	var api []tencent.Filter
	if v := f.BlueprintType.ValueString(); v != "" {
		api = append(api, tencent.Filter{Name: "blueprint-type", Values: []string{v}})
	}
	if v := f.PlatformType.ValueString(); v != "" {
		api = append(api, tencent.Filter{Name: "platform-type", Values: []string{v}})
	}
	q := blueprintQuery{imageQuery: searchQueryFrom(ctx, f.searchFilterModel, diags), platform: f.Platform.ValueString()}
	q.apiFilters = append(api, q.apiFilters...)
	return q
}

func (q blueprintQuery) describe() string {
	d := q.imageQuery.describe()
	if q.platform == "" {
		return d
	}
	if d == "no filters" {
		return "platform=" + q.platform
	}
	return d + ", platform=" + q.platform
}

// judged is one blueprint with its verdict.
type judged struct {
	b tencent.Blueprint
	v verdict
}

// searchBlueprints lists every NORMAL blueprint matching q (all pages),
// judged under p, newest first by the order of hardened_image.most_recent.
func (d *providerData) searchBlueprints(ctx context.Context, c *tencent.Client, q blueprintQuery, p policy.Policy) ([]judged, error) {
	list, err := c.ListBlueprints(ctx, q.apiFilters)
	if err != nil {
		return nil, err
	}
	byID := map[string]tencent.Blueprint{}
	var vs []verdict
	for _, b := range list {
		if b.State != blueprintStateNormal || (q.nameRE != nil && !q.nameRE.MatchString(b.Name)) ||
			(q.platform != "" && !strings.EqualFold(q.platform, b.Platform)) {
			continue
		}
		if v := d.judgeBlueprint(ctx, b, p); q.wants(v) {
			byID[b.ID] = b
			vs = append(vs, v)
		}
	}
	sortNewestFirst(vs)
	out := make([]judged, len(vs))
	for i, v := range vs {
		out[i] = judged{b: byID[v.Image.ID], v: v}
	}
	return out, nil
}

// idValidator checks a Tencent Cloud resource id: prefix, "-", 8 lowercase
// letters or digits.
func idValidator(prefix, what, example string) validator.String {
	re := regexp.MustCompile(`^` + prefix + `-[a-z0-9]{8}$`)
	return stringCheck{"must be a " + what + " id", func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("%q is not a %s id; expected %q followed by 8 lowercase letters or digits, e.g. %q", s, what, prefix+"-", example)
		}
		return nil
	}}
}

// blueprintIDValidator checks a Lighthouse blueprint id.
func blueprintIDValidator() validator.String {
	return idValidator("lhbp", "Lighthouse blueprint", "lhbp-6v8w2p1k")
}
