package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// osStatusFunction is provider::hardened::os_status(os_name): the lifecycle
// phase of an OsName today.
type osStatusFunction struct {
	osNameFunction
	clock    lifecycle.Clock
	clockErr error
}

func newOsStatusFunction(clock lifecycle.Clock, clockErr error) function.Function {
	return &osStatusFunction{clock: clock, clockErr: clockErr, osNameFunction: osNameFunction{name: "os_status", def: osNameDefinition(
		"Lifecycle phase of a Tencent Cloud OsName today",
		"Returns the support phase of the release named by a Tencent Cloud image `OsName`: "+
			"`supported`, `approaching_eol` (standard support ends within 180 days), `extended` (only paid/ESM/LTS support "+
			"left), `eol`, or `unknown` (name not parseable, release not in the catalog, or no published date).\n\n"+
			"Provider functions cannot read provider configuration, so this always uses the embedded catalog and a "+
			"180-day warning window; use the `hardened_os_lifecycle` data source to apply `warn_before_eol_days`, "+
			"`lifecycle_overrides` or `lifecycle_source_url`. \"Today\" is the UTC date, or `"+lifecycle.TodayEnv+
			"` (`YYYY-MM-DD`) when that environment variable is set for reproducible plans.",
		function.StringReturn{},
	)}}
}

func (f *osStatusFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	if f.clockErr != nil {
		resp.Error = function.NewFuncError(f.clockErr.Error())
		return
	}
	osName, ok := osNameArgument(ctx, req, resp)
	if !ok {
		return
	}
	cat, err := lifecycle.Embedded()
	if err != nil {
		resp.Error = function.NewFuncError(fmt.Sprintf("lifecycle catalog: %s", err))
		return
	}
	// An unparseable name is not an error here: its honest status is unknown.
	rel, _, _ := cat.Parse(osName, "")
	st := lifecycle.Compute(rel, f.clock(), lifecycle.DefaultPolicy())
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, string(st.Phase)))
}

// osNameFunction is what the functions of one argument, a Tencent Cloud
// image OsName (os_status, parse_os_name), share: their name and
// definition, and so Metadata and Definition. The embedding type adds Run
// (reading the argument with osNameArgument).
type osNameFunction struct {
	name string
	def  function.Definition
}

func (f *osNameFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = f.name
}

func (f *osNameFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = f.def
}

// osNameDefinition is the definition of a function of the one os_name
// argument.
func osNameDefinition(summary, description string, ret function.Return) function.Definition {
	return function.Definition{
		Summary:             summary,
		MarkdownDescription: description,
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "os_name",
				MarkdownDescription: "Tencent Cloud image OsName, e.g. `CentOS 7.9 64位`.",
			},
		},
		Return: ret,
	}
}

// osNameArgument reads the os_name argument of a function defined by osNameDefinition; false
// when it could not be read (resp.Error says why).
func osNameArgument(ctx context.Context, req function.RunRequest, resp *function.RunResponse) (string, bool) {
	var osName string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &osName))
	return osName, resp.Error == nil
}
