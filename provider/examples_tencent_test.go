package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// tencentExampleDirs are the doc examples of Tencent-backed types; they
// plan against tcsim here (TestAccExamples plans the offline ones).
var tencentExampleDirs = []string{
	"data-sources/hardened_image", "data-sources/hardened_images", "data-sources/hardened_fleet_report",
	"resources/hardened_image_pin", "resources/hardened_instance",
	"data-sources/hardened_lighthouse_blueprint", "data-sources/hardened_lighthouse_blueprints", "resources/hardened_lighthouse_instance",
}

func isTencentExample(name string) bool {
	for _, d := range tencentExampleDirs {
		if filepath.ToSlash(name) == d {
			return true
		}
	}
	return false
}

// TestAccTencentExamples runs the doc examples of the Tencent-backed types
// and the examples/pipeline configuration through the real CLI
// (TF_ACC_TERRAFORM_PATH: terraform or tofu) against tcsim.
func TestAccTencentExamples(t *testing.T) {
	e := startSim(t)
	bin := cliPath(t)
	tmp := t.TempDir()
	pluginDir := filepath.Join(tmp, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-hardened"), ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build provider: %v\n%s", err, out)
	}
	rc := filepath.Join(tmp, "cli.tfrc")
	writeFile(t, rc, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/hardenedcloud/hardened" = %[1]q
    "registry.opentofu.org/hardenedcloud/hardened" = %[1]q
  }
  direct {}
}
`, pluginDir))
	cli := cliRunner{bin: bin, rc: rc}

	// A golden image as the hardened-cvm builder would leave it, plus a
	// newer one whose provenance was edited after signing.
	tags, pub := signedProvenance(t, e.id("Debian 13.1 64位"))
	golden := e.customImage("Debian 13.1 64位", "debian13-cis-golden", tags)
	tampered := maps.Clone(tags)
	tampered[provenance.TagPrefix+provenance.FieldAuditFail] = "0"
	tampered[provenance.TagPrefix+provenance.FieldAuditPass] = "999"
	e.customImage("Debian 13.1 64位", "debian13-cis-tampered", tampered)

	for _, name := range tencentExampleDirs {
		t.Run(name, func(t *testing.T) {
			w := filepath.Join(tmp, "doc", name)
			copyDir(t, filepath.Join("..", "examples", name), w)
			writeFile(t, filepath.Join(w, "terraform.tf"), "terraform {\n  required_providers {\n    hardened = { source = \"hardenedcloud/hardened\" }\n  }\n}\n")
			writeFile(t, filepath.Join(w, "tcsim.tf"), e.provider())
			if out, err := cli.run(w, "2026-11-23", "plan", "-input=false", "-no-color"); err != nil {
				t.Fatalf("plan %s: %v\n%s", name, err, out)
			}
		})
	}

	t.Run("pipeline", func(t *testing.T) {
		w := filepath.Join(tmp, "pipeline")
		copyDir(t, filepath.Join("..", "examples", "pipeline"), w)
		// Only the connection settings: the example's own policy stays.
		writeFile(t, filepath.Join(w, "tcsim_override.tf"), e.provider())
		vars := []string{"-var", "trusted_key=" + pub}
		destroy := func() {
			if out, err := cli.run(w, "2026-11-23", append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...); err != nil {
				t.Errorf("destroy: %v\n%s", err, out)
			}
			if err := e.noInstancesLeft(nil); err != nil {
				t.Error(err)
			}
		}
		out, err := cli.run(w, "2026-11-23", append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
		defer destroy()
		if err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		js, err := cli.run(w, "2026-11-23", "output", "-json")
		if err != nil {
			t.Fatalf("output: %v\n%s", err, js)
		}
		var outs map[string]struct{ Value any }
		if i := strings.IndexByte(js, '{'); i > 0 {
			js = js[i:]
		}
		if err := json.Unmarshal([]byte(js), &outs); err != nil {
			t.Fatalf("decode outputs: %v\n%s", err, js)
		}
		img, _ := outs["image"].Value.(map[string]any)
		if img["id"] != golden || img["phase"] != "supported" || img["profile"] != "debian-13" {
			t.Errorf("pipeline picked %v, want the verified golden image %s", img, golden)
		}
		if ids := e.srv.Resources(simRegion).Instances; len(ids) != 1 {
			t.Errorf("instances after apply: %v, want exactly one", ids)
		}
		// TRACE logs of Terraform and the provider never carry the secret key.
		logFile := filepath.Join(tmp, "trace.log")
		plan := exec.Command(bin, append([]string{"plan", "-input=false", "-no-color"}, vars...)...)
		plan.Dir = w
		plan.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile, "HARDENED_TODAY=2026-11-23", "CHECKPOINT_DISABLE=1")
		if out, err := plan.CombinedOutput(); err != nil {
			t.Fatalf("plan with TF_LOG=TRACE: %v\n%s", err, out)
		}
		trace, err := os.ReadFile(logFile)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(trace), "DescribeImages") {
			t.Errorf("TRACE log has no DescribeImages line: the provider's client log is not captured (%d bytes)", len(trace))
		}
		if strings.Contains(string(trace), e.srv.SecretKey) {
			t.Errorf("TRACE log contains the secret key")
		}

		// Another key is not trusted: nothing qualifies and the plan says why.
		_, otherPub := signedProvenance(t, e.id("Debian 13.1 64位"))
		out, err = cli.run(w, "2026-11-23", "plan", "-input=false", "-no-color", "-var", "trusted_key="+otherPub)
		flat := strings.Join(strings.Fields(out), " ")
		if err == nil || !strings.Contains(flat, "No matching image") || !strings.Contains(flat, "not in trusted_keys") {
			t.Errorf("plan with an untrusted key: err=%v\n%s", err, out)
		}
	})
}

func cliPath(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no TF_ACC_TERRAFORM_PATH and no terraform on PATH")
	}
	return bin
}
