package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// judgedOSModel is what the gated resources (hardened_image_pin,
// hardened_instance) keep in state of the last judgement of their image:
// its OsName and the lifecycle phase and end of standard support of that
// OS. One model, one setter and one schema so the two cannot drift apart.
type judgedOSModel struct {
	OsName  types.String `tfsdk:"os_name"`
	Phase   types.String `tfsdk:"phase"`
	EOLDate types.String `tfsdk:"eol_date"`
}

func (m *judgedOSModel) setJudged(v verdict) {
	m.OsName = types.StringValue(v.Image.OsName)
	m.Phase = types.StringValue(string(v.Status.Phase))
	m.EOLDate = types.StringValue(lifecycle.FormatDate(v.Status.Release.EOLStandard))
}

// judgedOSAttributes adds the judgedOSModel attributes to attrs; only what
// os_name names differs between the resources.
func judgedOSAttributes(attrs map[string]schema.Attribute, osNameDescription string) {
	attrs["os_name"] = schema.StringAttribute{Computed: true, MarkdownDescription: osNameDescription}
	attrs["phase"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "Lifecycle phase of the OS when last checked: `supported`, `approaching_eol`, `extended`, `eol` or `unknown`."}
	attrs["eol_date"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "End of standard support of the OS (`YYYY-MM-DD`); empty when unknown."}
}
