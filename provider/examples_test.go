package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// TestAccExamples runs the real CLI (TF_ACC_TERRAFORM_PATH: terraform or
// tofu) on the examples with the provider binary built from this tree and
// installed through dev_overrides, exactly as a user would run them.
func TestAccExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the example through the real terraform/tofu binary")
	}
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no TF_ACC_TERRAFORM_PATH and no terraform on PATH")
		}
	}
	tmp := t.TempDir()
	pluginDir := filepath.Join(tmp, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "terraform-provider-hardened"), ".")
	build.Dir = ".." // module root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build provider: %v\n%s", err, out)
	}
	work := filepath.Join(tmp, "lifecycle-gate")
	copyDir(t, filepath.Join("..", "examples", "lifecycle-gate"), work)
	rc := filepath.Join(tmp, "cli.tfrc")
	cli := cliRunner{bin: bin, rc: rc}
	writeFile(t, rc, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/hardenedcloud/hardened" = %[1]q
    "registry.opentofu.org/hardenedcloud/hardened" = %[1]q
  }
  direct {}
}
`, pluginDir))

	run := func(today string, args ...string) (string, error) { return cli.run(work, today, args...) }

	// The snippets embedded in the registry docs must plan cleanly too.
	t.Run("doc examples", func(t *testing.T) {
		// Only the tfplugindocs layout: examples/packer and examples/pipeline
		// belong to other suites.
		dirs := []string{filepath.Join("..", "examples", "provider")}
		for _, kind := range []string{"data-sources", "resources", "functions"} {
			m, err := filepath.Glob(filepath.Join("..", "examples", kind, "*"))
			if err != nil {
				t.Fatal(err)
			}
			dirs = append(dirs, m...)
		}
		for _, d := range dirs {
			if st, err := os.Stat(d); err != nil || !st.IsDir() {
				continue
			}
			name, _ := filepath.Rel(filepath.Join("..", "examples"), d)
			if isTencentExample(name) {
				continue // planned against tcsim by TestAccTencentExamples
			}
			t.Run(name, func(t *testing.T) {
				w := filepath.Join(tmp, "doc", name)
				copyDir(t, d, w)
				if !declaresProvider(t, w) {
					writeFile(t, filepath.Join(w, "terraform.tf"), "terraform {\n  required_providers {\n    hardened = { source = \"hardenedcloud/hardened\" }\n  }\n}\n")
				}
				if out, err := cli.run(w, "2026-11-23", "plan", "-input=false", "-no-color"); err != nil {
					t.Fatalf("plan %s: %v\n%s", name, err, out)
				}
			})
		}
	})

	t.Run("CentOS 7.9 fails the plan", func(t *testing.T) {
		out, err := run("2026-11-23", "plan", "-input=false", "-no-color", "-var-file=centos7.tfvars")
		if err == nil {
			t.Fatalf("plan succeeded on CentOS 7.9:\n%s", out)
		}
		flat := strings.Join(strings.Fields(out), " ")
		for _, want := range []string{
			"Resource precondition failed",
			`Base image OS "CentOS 7.9 64位" is not supported (eol)`,
			"CentOS 7 reached end of life on 2024-06-30", // OS and date
			"successor: Rocky Linux 9",                   // where to go
			`centos_7_status = "eol"`,
		} {
			if !strings.Contains(flat, want) {
				t.Errorf("plan output lacks %q:\n%s", want, out)
			}
		}
	})

	outputs := func(t *testing.T, today string) map[string]any {
		t.Helper()
		plan := filepath.Join(tmp, "plan-"+today+".tfplan")
		if out, err := run(today, "plan", "-input=false", "-no-color", "-out="+plan); err != nil {
			t.Fatalf("plan failed: %v\n%s", err, out)
		}
		js, err := run(today, "show", "-json", plan)
		if err != nil {
			t.Fatalf("show -json: %v\n%s", err, js)
		}
		var p struct {
			PlannedValues struct {
				Outputs map[string]struct {
					Value any `json:"value"`
				} `json:"outputs"`
			} `json:"planned_values"`
		}
		// tofu/terraform may print warnings before the JSON document.
		if i := strings.IndexByte(js, '{'); i > 0 {
			js = js[i:]
		}
		if err := json.Unmarshal([]byte(js), &p); err != nil {
			t.Fatalf("decode plan JSON: %v\n%s", err, js)
		}
		vals := map[string]any{}
		for k, v := range p.PlannedValues.Outputs {
			vals[k] = v.Value
		}
		return vals
	}

	t.Run("fixed clock", func(t *testing.T) {
		v := outputs(t, "2026-11-23")
		if v["centos_7_status"] != "eol" || v["ubuntu_22_04_status"] != "approaching_eol" {
			t.Errorf("outputs on 2026-11-23: %v", v)
		}
		base, _ := v["base_os"].(map[string]any)
		if base["phase"] != "supported" || base["today"] != "2026-11-23" {
			t.Errorf("base_os: %v", base)
		}
	})

	t.Run("live clock", func(t *testing.T) {
		// The expectation is computed from the catalog and the wall clock,
		// so this stays right after 2027-04-01 too.
		cat, err := lifecycle.Embedded()
		if err != nil {
			t.Fatal(err)
		}
		r, _, _ := cat.Parse("Ubuntu Server 22.04 LTS 64bit UEFI", "")
		want := lifecycle.Compute(r, time.Now(), lifecycle.DefaultPolicy()).Phase
		v := outputs(t, "")
		if v["ubuntu_22_04_status"] != string(want) {
			t.Errorf("live ubuntu_22_04_status = %v, want %s", v["ubuntu_22_04_status"], want)
		}
		base, _ := v["base_os"].(map[string]any)
		if base["today"] != lifecycle.FormatDate(lifecycle.Day(time.Now())) {
			t.Errorf("provider today %v, wall clock %s", base["today"], lifecycle.FormatDate(lifecycle.Day(time.Now())))
		}
	})
}

// cliRunner runs terraform/tofu with only our CLI configuration: the
// caller's TF_* variables and HARDENED_TODAY do not leak into the run.
type cliRunner struct{ bin, rc string }

func (c cliRunner) run(dir, today string, args ...string) (string, error) {
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = dir
	env := []string{"TF_CLI_CONFIG_FILE=" + c.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, lifecycle.TodayEnv+"=") {
			env = append(env, kv)
		}
	}
	if today != "" {
		env = append(env, lifecycle.TodayEnv+"="+today)
	}
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func declaresProvider(t *testing.T, dir string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "required_providers") {
			return true
		}
	}
	return false
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".terraform") || strings.Contains(e.Name(), "tfstate") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(to, e.Name()), string(b))
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
