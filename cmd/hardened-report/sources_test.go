package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestImageSources: an instance on a third-party marketplace image is
// unapproved (source_not_allowed) unless its publisher is listed in the
// policy file's allowed_image_sources — the same finding the provider's
// data sources report.
func TestImageSources(t *testing.T) {
	seed, err := filepath.Abs("../../acctest/tcsim/testdata/image-sources.json")
	if err != nil {
		t.Fatal(err)
	}
	s := startSimWith(t, func(o *tcsim.Options) { o.SeedFile = seed }, "ap-guangzhou")
	ins, err := s.client.RunInstance(t.Context(), tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: "img-mkt00001", InstanceType: "S5.MEDIUM2"})
	if err != nil {
		t.Fatal(err)
	}
	report := func(args ...string) (result, jsonInstance) {
		t.Helper()
		r := runCLI(t, s.env(), false, append([]string{"--format", "json", "--fail-on", "unapproved", "--quiet"}, args...)...)
		var j jsonReport
		if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || len(j.Instances) != 1 || j.Instances[0].ID != ins {
			t.Fatalf("json (exit %d): %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
		}
		return r, j.Instances[0]
	}
	r, in := report()
	if r.code != exitFindings || in.Group != "unapproved" || !strings.Contains(strings.Join(in.Codes, " "), "source_not_allowed") ||
		!strings.Contains(r.stderr, "ap-guangzhou/"+ins) {
		t.Errorf("marketplace image without a listed publisher: exit %d, %+v, stderr %q", r.code, in, r.stderr)
	}
	pol := filepath.Join(t.TempDir(), "policy.hcl")
	if err := os.WriteFile(pol, []byte(`allowed_image_sources = { official = true, market_publishers = ["300000000003"] }`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, in = report("--policy", pol); r.code != exitOK || in.Group != "ok" || !in.Allowed {
		t.Errorf("listed publisher: exit %d, %+v, stderr %q", r.code, in, r.stderr)
	}
}
