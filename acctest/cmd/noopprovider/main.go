// Command noopprovider is a Terraform provider that does nothing, built from
// the same plugin framework version as terraform-provider-hardened: the
// baseline of `make bench-plan`. A plan of 1000 noop_item resources or data
// sources costs only Terraform, the plugin protocol and the framework, so the
// ratio against the same number of hardened lookups is the provider's own
// cost. It is a benchmark tool and never released.
package main

import (
	"context"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/pluginlog"
)

func main() {
	// The same logging default as the hardened provider, so the baseline differs only in the work.
	pluginlog.QuietUnreadLogs(os.LookupEnv, os.Setenv)
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/hardenedcloud/noop"})
	if err != nil {
		log.Fatal(err)
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}
func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return item{} }}
}
func (noopProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{func() datasource.DataSource { return itemData{} }}
}

var _ provider.Provider = noopProvider{}

// itemModel is both the resource and the data source: an input echoed as id.
type itemModel struct {
	ID    types.String `tfsdk:"id"`
	Input types.String `tfsdk:"input"`
}

type item struct{}

func (item) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}
func (item) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = rschema.Schema{Attributes: map[string]rschema.Attribute{
		"id": rschema.StringAttribute{Computed: true}, "input": rschema.StringAttribute{Optional: true},
	}}
}
func (item) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	echoInput(ctx, req.Plan.Get, &resp.State, &resp.Diagnostics)
}
func (item) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}
func (item) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
func (item) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

type itemData struct{}

func (itemData) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}
func (itemData) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = dschema.Schema{Attributes: map[string]dschema.Attribute{
		"id": dschema.StringAttribute{Computed: true}, "input": dschema.StringAttribute{Optional: true},
	}}
}
func (itemData) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	echoInput(ctx, req.Config.Get, &resp.State, &resp.Diagnostics)
}

// echoInput reads an itemModel with get (the plan or the configuration) and stores it with
// the input echoed as id: the whole of the item resource's Create and data source's Read.
func echoInput(ctx context.Context, get func(context.Context, any) diag.Diagnostics, state *tfsdk.State, diags *diag.Diagnostics) {
	var m itemModel
	diags.Append(get(ctx, &m)...)
	m.ID = types.StringValue("noop-" + m.Input.ValueString())
	diags.Append(state.Set(ctx, &m)...)
}
