package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestBaseImageOverride: TencentOS Server 4 has no published EOL, so the
// hardened-base-image data source refuses it; the example's
// lifecycle_overrides block (the provider's entry) gives it a date and the
// real packer build selects it.
func TestBaseImageOverride(t *testing.T) {
	requireAcc(t)
	srv := tcsim.StartForTest(t)
	e := newEnv(t, srv)
	build := func(vars ...string) (string, error) {
		args := append([]string{"build", "-var", "cvm_endpoint=" + srv.Endpoint(), "-var", "scheme=http"}, vars...)
		return e.packer(context.Background(), nil, append(args, example(t, "tencentos4-base.pkr.hcl"))...)
	}
	out, err := build()
	if err != nil {
		t.Fatalf("packer build with the override failed: %v", err)
	}
	if want := "base img-6n21msk1 (TencentOS Server 4 for x86_64): phase supported, EOL 2034-12-31"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q", want)
	}
	out, err = build("-var", "tencentos4_eol=")
	if err == nil {
		t.Fatal("packer build without the override succeeded")
	}
	for _, want := range []string{"refused by the lifecycle gate", "img-6n21msk1", "unknown_os", `lifecycle_overrides { family = "tencentos", version = "4"`} {
		if !strings.Contains(out, want) {
			t.Errorf("error output lacks %q", want)
		}
	}
	out, err = build("-var", "tencentos4_eol=2027-01-31")
	if err == nil || !strings.Contains(out, "refuse_approaching_eol") {
		t.Errorf("a base within warn_before_eol_days of its end passed refuse_approaching_eol: %v", err)
	}
	assertNoOrphans(t, srv, false)
}
