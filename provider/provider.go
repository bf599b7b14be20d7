// Package provider is the Terraform provider "hardened": a thin adapter that
// turns Terraform configuration into calls on the domain packages
// (internal/lifecycle, internal/policy, internal/provenance, internal/tencent)
// and their results back into Terraform values.
//
// The image gate: hardened_image_pin and hardened_instance judge their image
// in ModifyPlan (internal/policy), so an unapproved image fails the plan
// before anything is created. The Tencent client is created lazily, once per
// provider configuration (tencent_config.go), so lifecycle-only
// configurations need no credentials and all types of one plan share one
// DescribeImages cache.
package provider

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TypeName is the provider's name as used in resource type prefixes.
const TypeName = "hardened"

// Ensure the interfaces we rely on stay implemented.
var (
	_ provider.Provider              = (*hardenedProvider)(nil)
	_ provider.ProviderWithFunctions = (*hardenedProvider)(nil)
)

type hardenedProvider struct {
	version string
	// clock decides "today" for every lifecycle answer. clockErr holds a
	// malformed HARDENED_TODAY so it is reported as a diagnostic instead of
	// crashing the plugin at start-up.
	clock    lifecycle.Clock
	clockErr error
	http     *http.Client
	// tune adjusts the Tencent client configuration (tests: short polls).
	tune func(*tencent.Config)
}

// Option adjusts a provider built by New; tests use it to pin the clock or
// route lifecycle refreshes to a local server.
type Option func(*hardenedProvider)

// WithClock pins "today" (overrides HARDENED_TODAY).
func WithClock(c lifecycle.Clock) Option {
	return func(p *hardenedProvider) { p.clock, p.clockErr = c, nil }
}

// WithHTTPClient sets the client used for lifecycle_source_url refreshes.
func WithHTTPClient(c *http.Client) Option {
	return func(p *hardenedProvider) { p.http = c }
}

// WithTencentConfig adjusts the Tencent Cloud client configuration after
// the provider block is read; tests use it for short waiter polls and
// retry delays against tcsim.
func WithTencentConfig(f func(*tencent.Config)) Option {
	return func(p *hardenedProvider) { p.tune = f }
}

// New returns the provider factory used by providerserver.Serve and tests.
//
// "Today" comes from the HARDENED_TODAY environment variable (YYYY-MM-DD)
// when set, else from the wall clock. It is read here, in the factory,
// because provider functions cannot see provider configuration and must
// still agree with data sources on the date.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		clock, err := lifecycle.ClockFromString(os.Getenv(lifecycle.TodayEnv))
		p := &hardenedProvider{
			version:  version,
			clock:    clock,
			clockErr: err,
			http:     &http.Client{Timeout: refreshTimeout},
		}
		for _, o := range opts {
			o(p)
		}
		return p
	}
}

// refreshTimeout bounds one lifecycle refresh request: an unreachable source
// may delay a plan by this much, never block it.
const refreshTimeout = 5 * time.Second

func (p *hardenedProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *hardenedProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newDataSource[osLifecycleDataSource],
		newDataSource[osReleasesDataSource],
		newDataSource[imageDataSource],
		newDataSource[imagesDataSource],
		newDataSource[fleetReportDataSource],
		newDataSource[lighthouseBlueprintDataSource],
		newDataSource[lighthouseBlueprintsDataSource],
	}
}

func (p *hardenedProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newResource[imagePinResource],
		newResource[instanceResource],
		newResource[lighthouseInstanceResource],
	}
}

func (p *hardenedProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		newParseOsNameFunction,
		func() function.Function { return newOsStatusFunction(p.clock, p.clockErr) },
	}
}
