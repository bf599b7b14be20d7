package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// The pieces every data source and resource starts from, in one place so
// that they cannot drift apart (they once did: five types ignored provider
// data of the wrong type while two reported it).

// configured is the body of every type's Configure: the provider data, or
// nil before the provider is configured (Terraform calls Configure during
// validation too, with nil data). Data of another type is a provider bug
// and is reported, never ignored.
func configured(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("got %T; this is a provider bug", raw))
		return nil
	}
	return d
}

// dataSourceBase is embedded by every data source: the provider data and
// the one Configure that fills it.
type dataSourceBase struct{ data *providerData }

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = configured(req.ProviderData, &resp.Diagnostics)
}

// resourceBase is dataSourceBase for resources.
type resourceBase struct{ data *providerData }

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = configured(req.ProviderData, &resp.Diagnostics)
}

// newDataSource is the factory of data source T for the provider's
// DataSources list. Its constraint is the compile-time check that T is
// configurable (embeds dataSourceBase), so no type file repeats it.
func newDataSource[T any, P interface {
	*T
	datasource.DataSourceWithConfigure
}]() datasource.DataSource {
	return P(new(T))
}

// newResource is newDataSource for resources. Every resource of this
// provider judges its image in ModifyPlan (the image gate) and can be
// imported, so the constraint requires both.
func newResource[T any, P interface {
	*T
	resource.ResourceWithConfigure
	resource.ResourceWithModifyPlan
	resource.ResourceWithImportState
}]() resource.Resource {
	return P(new(T))
}

// modelSource is where a model is decoded from: tfsdk.Config, Plan or State.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// regional is a model with a region attribute ("" = the provider's).
type regional interface {
	region() string
}

// operation is the timeouts block entry bounding a call, with its default;
// the zero operation leaves the context unbounded (reads are single API
// calls bounded by the client's request timeout).
type operation struct {
	limit func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)
	def   time.Duration
}

// timed is a model with a timeouts block.
type timed interface {
	timeoutsValue() timeouts.Value
}

// opened is a Read or CRUD call after its common opening.
type opened[M any] struct {
	m       M
	ctx     context.Context // bounded by the operation's timeout
	cancel  context.CancelFunc
	c       *tencent.Client // client of the model's region
	timeout time.Duration   // 0 for an unbounded call
}

// open decodes the model from src, bounds the context by op's timeout
// (from the model's timeouts block) and gets the client of the model's
// region. It returns nil after adding a diagnostic; otherwise the caller
// defers o.cancel().
func open[M any, P interface {
	*M
	regional
}](ctx context.Context, d *providerData, src modelSource, op operation, diags *diag.Diagnostics) *opened[M] {
	o := &opened[M]{}
	diags.Append(src.Get(ctx, &o.m)...)
	if diags.HasError() {
		return nil
	}
	o.ctx, o.cancel = ctx, func() {}
	if t, ok := any(P(&o.m)).(timed); ok && op.limit != nil {
		var dd diag.Diagnostics
		o.timeout, dd = op.limit(t.timeoutsValue(), ctx, op.def)
		diags.Append(dd...)
		o.ctx, o.cancel = context.WithTimeout(ctx, o.timeout)
	}
	o.c = clientFor(o.ctx, d, P(&o.m).region(), diags)
	if o.c == nil {
		o.cancel()
		return nil
	}
	return o
}
