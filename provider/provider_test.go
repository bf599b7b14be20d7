package provider

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// testToday pins the acceptance tests' clock so their expectations never rot.
// On this date Ubuntu 22.04 is 129 days from end of standard support and
// Debian 12 is in Debian LTS (extended).
var testToday = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func factories(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	opts = append([]Option{WithClock(lifecycle.FixedClock(testToday))}, opts...)
	return map[string]func() (tfprotov6.ProviderServer, error){
		TypeName: providerserver.NewProtocol6WithError(New("test", opts...)()),
	}
}

// TestProviderSchemaValid catches schema mistakes without Terraform.
func TestProviderSchemaValid(t *testing.T) {
	srv, err := factories()[TypeName]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	if _, ok := resp.DataSourceSchemas["hardened_os_lifecycle"]; !ok {
		t.Error("hardened_os_lifecycle missing")
	}
	for _, fn := range []string{"os_status", "parse_os_name"} {
		if _, ok := resp.Functions[fn]; !ok {
			t.Errorf("function %s missing", fn)
		}
	}
}

// TestEveryAttributeDescribed: the registry docs are generated from these
// descriptions, so an undocumented attribute (provider, data source,
// resource with its timeouts, function parameter) is a documentation bug.
func TestEveryAttributeDescribed(t *testing.T) {
	srv, err := factories()[TypeName]()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(t.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var walk func(where string, attrs []*tfprotov6.SchemaAttribute)
	walk = func(where string, attrs []*tfprotov6.SchemaAttribute) {
		for _, a := range attrs {
			if strings.TrimSpace(a.Description) == "" {
				t.Errorf("%s.%s has no description", where, a.Name)
			}
			if a.NestedType != nil {
				walk(where+"."+a.Name, a.NestedType.Attributes)
			}
		}
	}
	walk("provider", resp.Provider.Block.Attributes)
	n := len(resp.Provider.Block.Attributes)
	for name, s := range resp.DataSourceSchemas {
		if s.Block.Description == "" {
			t.Errorf("%s has no description", name)
		}
		walk(name, s.Block.Attributes)
		n += len(s.Block.Attributes)
	}
	for _, name := range []string{"hardened_image_pin", "hardened_instance"} {
		if _, ok := resp.ResourceSchemas[name]; !ok {
			t.Errorf("resource %s missing", name)
		}
	}
	for name, s := range resp.ResourceSchemas {
		if s.Block.Description == "" {
			t.Errorf("%s has no description", name)
		}
		walk(name, s.Block.Attributes)
		n += len(s.Block.Attributes)
	}
	for name, f := range resp.Functions {
		if f.Summary == "" || f.Description == "" {
			t.Errorf("function %s lacks summary or description", name)
		}
		for _, p := range f.Parameters {
			if p.Description == "" {
				t.Errorf("function %s parameter %s has no description", name, p.Name)
			}
		}
	}
	if n < 30 {
		t.Errorf("walked only %d attributes; schema walk is broken", n)
	}
}

// requireAcc skips tests that only fan out into resource.Test subtests, so
// they report SKIP (not an empty PASS) without TF_ACC.
func requireAcc(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (uses TF_ACC_TERRAFORM_PATH: terraform or tofu)")
	}
}

// errRe matches Terraform's output of an error message: Terraform re-wraps
// diagnostic text, so any run of spaces in msg may be a line break.
func errRe(parts ...string) *regexp.Regexp {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(q, ".*"))
}
