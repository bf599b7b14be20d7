package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// rootRule is how a rootAttrs validator combines its attributes.
type rootRule int

const (
	ruleExactlyOne  rootRule = iota // exactly one is set
	ruleTogether                    // all or none are set
	ruleConflicting                 // at most one is set
)

// rootAttrs checks a combination of top-level attributes with the framework
// validators' messages. It reads the raw config once: the path-expression
// validators (datasourcevalidator.ExactlyOneOf and friends) walk the whole
// config per validator and copy the schema's attribute map at every step,
// which was a quarter of the provider's CPU in a plan of 1000
// hardened_os_lifecycle lookups.
type rootAttrs struct {
	rule  rootRule
	names []string
}

var _ datasource.ConfigValidator = rootAttrs{}

func (v rootAttrs) Description(context.Context) string {
	list := "[" + strings.Join(v.names, ",") + "]"
	switch v.rule {
	case ruleExactlyOne:
		return "Exactly one of these attributes must be configured: " + list
	case ruleTogether:
		return "These attributes must be configured together: " + list
	}
	return "These attributes cannot be configured together: " + list
}

func (v rootAttrs) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rootAttrs) ValidateDataSource(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var attrs map[string]tftypes.Value
	if err := req.Config.Raw.As(&attrs); err != nil {
		return // an unknown or null configuration: nothing to check yet
	}
	var set []string
	for _, n := range v.names {
		val, ok := attrs[n]
		if !ok {
			panic(fmt.Sprintf("rootAttrs: %q is not an attribute of the schema", n))
		}
		if !val.IsKnown() {
			return // decided once the value is known
		}
		if !val.IsNull() {
			set = append(set, n)
		}
	}
	at := path.Root(v.names[0])
	if len(set) > 0 {
		at = path.Root(set[0])
	}
	switch {
	case v.rule == ruleExactlyOne && len(set) == 0:
		resp.Diagnostics.AddAttributeError(at, "Missing Attribute Configuration", v.Description(ctx))
	case v.rule == ruleExactlyOne && len(set) > 1, v.rule == ruleConflicting && len(set) > 1,
		v.rule == ruleTogether && len(set) > 0 && len(set) < len(v.names):
		resp.Diagnostics.AddAttributeError(at, "Invalid Attribute Combination", v.Description(ctx))
	}
}
