// Command benchplan measures `terraform plan` of many hardened lookups
// against the same number of no-op ones served by a provider built from the
// same framework (acctest/cmd/noopprovider), and prints the ratios:
//
//	go run ./acctest/cmd/benchplan -terraform bin/terraform [-n 1000] [-images 20] [-runs 3]
//
// It builds both providers, starts tcsim on loopback, writes dev_overrides,
// and reports the median wall time of each plan and the DescribeImages calls
// per pin plan. `make bench-plan` runs it (not part of `make test`: it times
// real plans, so its numbers depend on the machine's load).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchplan:", err)
		os.Exit(1)
	}
}

type scenario struct {
	name, config string
}

func run() error {
	tf := flag.String("terraform", "bin/terraform", "terraform or tofu binary")
	n := flag.Int("n", 1000, "resources or data sources per plan")
	images := flag.Int("images", 20, "distinct images the pins use")
	runs := flag.Int("runs", 3, "plans per scenario (the median counts)")
	flag.Parse()
	if *n < 1 || *images < 1 || *runs < 1 {
		return fmt.Errorf("-n, -images and -runs must be positive")
	}
	tfPath, err := filepath.Abs(*tf)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "benchplan-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bin")
	for out, pkg := range map[string]string{"terraform-provider-hardened": ".", "terraform-provider-noop": "./acctest/cmd/noopprovider"} {
		if b, err := exec.Command("go", "build", "-o", filepath.Join(bin, out), pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	rc := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "hardenedcloud/hardened" = %q
    "hardenedcloud/noop"     = %q
  }
  direct {}
}
`, bin, bin)), 0o600); err != nil {
		return err
	}

	ctx := context.Background()
	srv, err := tcsim.Start(ctx, tcsim.Options{Credentials: map[string]string{"AKIDbenchplan": "benchplan-secret"}})
	if err != nil {
		return err
	}
	defer srv.Close()
	ids, err := imageIDs(ctx, srv, *images)
	if err != nil {
		return err
	}
	list, _ := json.Marshal(ids)
	hardened := fmt.Sprintf(`terraform {
  required_providers {
    hardened = { source = "hardenedcloud/hardened" }
  }
}
provider "hardened" {
  secret_id  = "AKIDbenchplan"
  secret_key = "benchplan-secret"
  region     = "ap-guangzhou"
  protocol   = "HTTP"
  endpoints  = { cvm = %q, vpc = %q }
  mode       = "audit"
}
`, srv.Endpoint(), srv.Endpoint())
	noop := `terraform {
  required_providers {
    noop = { source = "hardenedcloud/noop" }
  }
}
`
	scenarios := []scenario{
		{"noop_resources", noop + fmt.Sprintf("resource \"noop_item\" \"x\" {\n  count = %d\n  input = tostring(count.index %% %d)\n}\n", *n, *images)},
		{"hardened_image_pin", hardened + fmt.Sprintf("locals { ids = %s }\nresource \"hardened_image_pin\" \"x\" {\n  count    = %d\n  image_id = local.ids[count.index %% %d]\n}\n", list, *n, len(ids))},
		{"noop_data", noop + fmt.Sprintf("data \"noop_item\" \"x\" {\n  count = %d\n  input = \"Debian 13.1 64位\"\n}\n", *n)},
		{"hardened_os_lifecycle", hardened + fmt.Sprintf("data \"hardened_os_lifecycle\" \"x\" {\n  count   = %d\n  os_name = \"Debian 13.1 64位\"\n}\n", *n)},
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	median := map[string]time.Duration{}
	calls := map[string]float64{}
	for _, sc := range scenarios {
		wd := filepath.Join(dir, sc.name)
		if err := os.MkdirAll(wd, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(wd, "main.tf"), []byte(sc.config), 0o644); err != nil {
			return err
		}
		var times []time.Duration
		srv.ResetStats()
		for range *runs {
			cmd := exec.CommandContext(ctx, tfPath, "plan", "-input=false", "-lock=false", "-no-color")
			cmd.Dir, cmd.Env = wd, env
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("plan %s: %v\n%s", sc.name, err, tail(out))
			}
			times = append(times, time.Since(start))
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		median[sc.name] = times[len(times)/2]
		calls[sc.name] = float64(srv.Stats().Actions["DescribeImages"]) / float64(*runs)
		fmt.Printf("%-24s n=%d median %6.2fs (runs %v)\n", sc.name, *n, median[sc.name].Seconds(), times)
	}
	fmt.Printf("ratio hardened_image_pin / noop_resources   = %.2fx (target <= 1.3x)\n", ratio(median, "hardened_image_pin", "noop_resources"))
	fmt.Printf("ratio hardened_os_lifecycle / noop_data     = %.2fx (target <= 1.3x)\n", ratio(median, "hardened_os_lifecycle", "noop_data"))
	fmt.Printf("DescribeImages per pin plan: %.1f for %d distinct images (target %d)\n", calls["hardened_image_pin"], len(ids), (len(ids)+99)/100)
	return nil
}

func ratio(m map[string]time.Duration, a, b string) float64 { return m[a].Seconds() / m[b].Seconds() }

// imageIDs returns n public x86_64 image ids of tcsim's catalog, sorted.
func imageIDs(ctx context.Context, srv *tcsim.Server, n int) ([]string, error) {
	c, err := tencent.New(ctx, tencent.Config{SecretID: "AKIDbenchplan", SecretKey: "benchplan-secret", Region: "ap-guangzhou",
		Endpoints: srv.Endpoints(), Scheme: "http", Getenv: func(string) string { return "" }})
	if err != nil {
		return nil, err
	}
	imgs, err := c.ListImages(ctx, []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, im := range imgs {
		if im.Architecture == "x86_64" {
			ids = append(ids, im.ID)
		}
	}
	sort.Strings(ids)
	if len(ids) < n {
		return nil, fmt.Errorf("-images %d: tcsim has only %d public x86_64 images", n, len(ids))
	}
	return ids[:n], nil
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}
