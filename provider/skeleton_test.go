package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// configureCall runs one type's Configure with the given provider data.
type configureCall func(raw any) diag.Diagnostics

func dataSourceConfigure(ds datasource.DataSourceWithConfigure) configureCall {
	return func(raw any) diag.Diagnostics {
		var resp datasource.ConfigureResponse
		ds.Configure(context.Background(), datasource.ConfigureRequest{ProviderData: raw}, &resp)
		return resp.Diagnostics
	}
}

func resourceConfigure(r resource.ResourceWithConfigure) configureCall {
	return func(raw any) diag.Diagnostics {
		var resp resource.ConfigureResponse
		r.Configure(context.Background(), resource.ConfigureRequest{ProviderData: raw}, &resp)
		return resp.Diagnostics
	}
}

// everyConfigure maps every data source and resource the provider
// registers (by Go type) to its Configure, so a new type is covered
// without editing this test; a type without Configure fails it.
func everyConfigure(t *testing.T) map[string]configureCall {
	p := &hardenedProvider{}
	calls := map[string]configureCall{}
	for _, f := range p.DataSources(t.Context()) {
		ds, ok := f().(datasource.DataSourceWithConfigure)
		if !ok {
			t.Fatalf("%T has no Configure", f())
		}
		calls[fmt.Sprintf("%T", ds)] = dataSourceConfigure(ds)
	}
	for _, f := range p.Resources(t.Context()) {
		r, ok := f().(resource.ResourceWithConfigure)
		if !ok {
			t.Fatalf("%T has no Configure", f())
		}
		calls[fmt.Sprintf("%T", r)] = resourceConfigure(r)
	}
	return calls
}

// TestConfigureProviderData: every type accepts the provider's data and
// the nil data of validation, and reports data of another type (a provider
// bug) instead of running unconfigured.
func TestConfigureProviderData(t *testing.T) {
	calls := everyConfigure(t)
	if len(calls) != 10 {
		t.Fatalf("%d data sources and resources, want 10 (update this test when adding one)", len(calls))
	}
	cases := []struct {
		name    string
		raw     any
		wantErr string
	}{
		{"nil during validation", nil, ""},
		{"provider data", &providerData{}, ""},
		{"wrong type", "not provider data", "got string; this is a provider bug"},
		{"value instead of pointer", providerData{}, "got provider.providerData; this is a provider bug"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for name, call := range calls {
				diags := call(tc.raw)
				switch {
				case tc.wantErr == "" && diags.HasError():
					t.Errorf("%s: unexpected diagnostics %v", name, diags)
				case tc.wantErr != "" && !diags.HasError():
					t.Errorf("%s: provider data %T accepted silently", name, tc.raw)
				case tc.wantErr != "" && !strings.Contains(diags[0].Detail(), tc.wantErr):
					t.Errorf("%s: detail %q, want it to contain %q", name, diags[0].Detail(), tc.wantErr)
				}
			}
		})
	}
}
