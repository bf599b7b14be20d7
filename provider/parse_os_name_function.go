package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// parseOsNameFunction exposes the OsName parser: provider::hardened::parse_os_name.
type parseOsNameFunction struct{ osNameFunction }

var parsedOSAttrTypes = map[string]attr.Type{
	"family":        types.StringType,
	"version":       types.StringType,
	"point_release": types.StringType,
	"name":          types.StringType,
	"known":         types.BoolType,
	"codename":      types.StringType,
	"lts":           types.BoolType,
	"eol_standard":  types.StringType,
	"eol_extended":  types.StringType,
	"successor":     types.StringType,
}

func newParseOsNameFunction() function.Function {
	return &parseOsNameFunction{osNameFunction{name: "parse_os_name", def: osNameDefinition(
		"Parse a Tencent Cloud OsName into an OS family and release",
		"Parses a Tencent Cloud image `OsName` (e.g. `Ubuntu Server 22.04 LTS 64bit UEFI`, "+
			"`CentOS 7.9 64位`, `Windows Server 2019 数据中心版 64位中文版`) and returns an object with `family`, `version` "+
			"(the release cycle: `22.04`, `7`, `2019`), `point_release` (as written), `name`, `known` (whether the embedded "+
			"lifecycle catalog has the release) and, from that catalog, `codename`, `lts`, `eol_standard`, `eol_extended` "+
			"(`YYYY-MM-DD` or null) and `successor`.\n\n"+
			"Provider functions cannot read provider configuration, so this uses the embedded catalog only "+
			"(no `lifecycle_overrides`, no `lifecycle_source_url`). Fails when the name contains no known OS family or no version.",
		function.ObjectReturn{AttributeTypes: parsedOSAttrTypes},
	)}}
}

func (f *parseOsNameFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	osName, ok := osNameArgument(ctx, req, resp)
	if !ok {
		return
	}
	id, err := lifecycle.ParseOsName(osName, "")
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	cat, err := lifecycle.Embedded()
	if err != nil {
		resp.Error = function.NewFuncError(fmt.Sprintf("lifecycle catalog: %s", err))
		return
	}
	rel, known := cat.Lookup(id.Family, id.Version)
	str := func(s string) attr.Value {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	obj, diags := types.ObjectValue(parsedOSAttrTypes, map[string]attr.Value{
		"family":        types.StringValue(id.Family),
		"version":       types.StringValue(id.Version),
		"point_release": types.StringValue(id.PointRelease),
		"name":          types.StringValue(id.Name()),
		"known":         types.BoolValue(known),
		"codename":      str(rel.Codename),
		"lts":           types.BoolValue(rel.LTS),
		"eol_standard":  str(lifecycle.FormatDate(rel.EOLStandard)),
		"eol_extended":  str(lifecycle.FormatDate(rel.EOLExtended)),
		"successor":     str(rel.Successor),
	})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, obj))
}
