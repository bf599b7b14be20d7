package provider

import (
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

// errRe matches Terraform's output of an error message: Terraform re-wraps
// diagnostic text, so any run of spaces in msg may be a line break.
func errRe(parts ...string) *regexp.Regexp {
	q := make([]string, len(parts))
	for i, p := range parts {
		q[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(q, ".*"))
}
