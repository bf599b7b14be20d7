package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

// The attribute constructors the data sources share: most of their
// attributes are computed results with only a description, and one
// constructor per kind keeps them one attribute per line.

// computedString is a computed string attribute of a data source.
func computedString(d string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: d}
}

// computedInt is a computed number attribute of a data source.
func computedInt(d string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: d}
}

// computedBool is a computed boolean attribute of a data source.
func computedBool(d string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: d}
}

// mergeAttributes is the union of attribute maps; on a name in more than
// one, the later map wins (a filter that is also a result: image_type).
func mergeAttributes(parts ...map[string]schema.Attribute) map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	for _, p := range parts {
		for k, v := range p {
			out[k] = v
		}
	}
	return out
}
