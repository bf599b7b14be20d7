package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
)

// TestPolicyFileHasEveryPolicyAttribute keeps the hardened-report policy
// file (internal/policy/file.go) in step with the provider block: every
// policy attribute of the provider can be set there too.
func TestPolicyFileHasEveryPolicyAttribute(t *testing.T) {
	var resp provider.SchemaResponse
	(&hardenedProvider{}).Schema(context.Background(), provider.SchemaRequest{}, &resp)
	connection := tencentAttributes()
	// Online refresh is the provider's; the CLI always uses the embedded
	// catalog plus lifecycle_overrides (documented in its README).
	notInFile := []string{"lifecycle_source_url"}
	file := policy.FileAttributes()
	for name := range resp.Schema.Attributes {
		if _, ok := connection[name]; ok || slices.Contains(notInFile, name) {
			continue
		}
		if !slices.Contains(file, name) {
			t.Errorf("provider attribute %s is not accepted in a policy file: add it to internal/policy/file.go (and cmd/hardened-report/README.md)", name)
		}
	}
	for _, name := range file {
		if _, ok := resp.Schema.Attributes[name]; !ok {
			t.Errorf("policy file attribute %s is not a provider attribute", name)
		}
	}
}
