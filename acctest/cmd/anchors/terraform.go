package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// tfRun is one configuration's apply → plan (refresh) → destroy, each step measured.
type tfRun struct {
	apply, plan, destroy result
	planEmpty            bool
}

func runTerraform(ctx context.Context, c config, t *table) error {
	// API-only instances: a hundred sandboxes would measure the machine, not the tools.
	srv, err := tcsim.Start(ctx, tcsim.Options{Credentials: map[string]string{secretID: secretKey}, Delays: tcsim.UniformDelays(c.delay)})
	if err != nil {
		return err
	}
	defer srv.Close()
	bin := filepath.Join(c.workDir, "tfbin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	if err := os.Symlink(c.tcProvider, filepath.Join(bin, "terraform-provider-tencentcloud")); err != nil {
		return err
	}
	if out, err := command(ctx, c.root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-hardened"), ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build the hardened provider: %v\n%s", err, out)
	}
	rc := filepath.Join(c.workDir, "terraformrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "tencentcloudstack/tencentcloud" = %q
    "hardenedcloud/hardened"         = %q
  }
  direct {}
}
`, bin, bin)), 0o600); err != nil {
		return err
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.EqualFold(k, "no_proxy") && !strings.EqualFold(k, "http_proxy") && !strings.HasPrefix(k, "TF_") {
			env = append(env, kv)
		}
	}
	// The official provider has no endpoint override for every service it calls, but it
	// honours protocol = "HTTP" and the proxy: tcsim answers the absolute-URI requests for
	// *.tencentcloudapi.com as if it were each service's host.
	officialEnv := append(env, "HTTP_PROXY="+srv.URL())
	cl, err := tencent.New(ctx, tencent.Config{SecretID: secretID, SecretKey: secretKey, Region: c.region,
		Endpoints: srv.Endpoints(), Scheme: "http", Getenv: func(string) string { return "" }})
	if err != nil {
		return err
	}

	n := c.instances
	pct := int(c.throttle*100 + 0.5)
	var runs [2][2]tfRun // [throttled][official, ours]
	for i, faults := range []tcsim.FaultConfig{{}, {Seed: 13, Rules: []tcsim.FaultRule{{Action: "*", Kind: tcsim.FaultThrottle, Rate: c.throttle}}}} {
		label := ""
		if i == 1 {
			label = fmt.Sprintf(", %d%% throttled", pct)
		}
		srv.Reset()
		if err := srv.SetFaults(faults); err != nil {
			return err
		}
		runs[i][0] = tfScenario(ctx, c, t, srv, "terraform official"+label, officialConfig(n), officialEnv, nil)
		srv.Reset()
		if err := srv.SetFaults(tcsim.FaultConfig{}); err != nil {
			return err
		}
		// The harness makes the network hardened_instance runs in (the hardened provider has
		// no VPC resources); its calls are made before the counters start.
		net, err := makeNetwork(ctx, cl)
		if err != nil {
			return err
		}
		if err := srv.SetFaults(faults); err != nil {
			return err
		}
		runs[i][1] = tfScenario(ctx, c, t, srv, "terraform ours"+label, oursConfig(srv, n, net), env, net.ids())
		if err := srv.SetFaults(tcsim.FaultConfig{}); err != nil {
			return err
		}
	}
	o, h := runs[0][0], runs[0][1]
	t.add(fmt.Sprintf("terraform apply of %d instances finished", n), yesNo(o.apply.ok), yesNo(h.apply.ok))
	t.add(fmt.Sprintf("terraform apply of %d instances: time (s)", n), wallOf(o.apply), wallOf(h.apply))
	t.add(fmt.Sprintf("terraform apply of %d instances: API calls", n), callsOf(o.apply), callsOf(h.apply))
	t.add("plan after apply is empty", yesNo(o.planEmpty), yesNo(h.planEmpty))
	t.add(fmt.Sprintf("plan (refresh of %d): time (s)", n), planValue(o, wallOf(o.plan)), planValue(h, wallOf(h.plan)))
	t.add(fmt.Sprintf("plan (refresh of %d): API calls", n), planValue(o, callsOf(o.plan)), planValue(h, callsOf(h.plan)))
	t.add("plan: API calls per instance", planValue(o, of(o.plan, float64(o.plan.stats.Total)/float64(n))), planValue(h, of(h.plan, float64(h.plan.stats.Total)/float64(n))))
	t.add("destroy finished", yesNo(o.destroy.ok), yesNo(h.destroy.ok))
	t.add("leftovers after destroy", num(float64(len(o.destroy.leftovers))), num(float64(len(h.destroy.leftovers))))
	o, h = runs[1][0], runs[1][1]
	t.add(fmt.Sprintf("%d%% throttled: apply finished", pct), yesNo(o.apply.ok), yesNo(h.apply.ok))
	t.add(fmt.Sprintf("%d%% throttled: apply time (s)", pct), wallOf(o.apply), wallOf(h.apply))
	t.add(fmt.Sprintf("%d%% throttled: plan finished and empty", pct), yesNo(o.plan.ok && o.planEmpty), yesNo(h.plan.ok && h.planEmpty))
	t.add(fmt.Sprintf("%d%% throttled: destroy finished", pct), yesNo(o.destroy.ok), yesNo(h.destroy.ok))
	t.add(fmt.Sprintf("%d%% throttled: leftovers after destroy", pct), num(float64(len(o.destroy.leftovers))), num(float64(len(h.destroy.leftovers))))
	return nil
}

// planValue is v when the plan ran, else why not.
func planValue(r tfRun, v value) value {
	if !r.plan.ok {
		return text("no plan")
	}
	return v
}

// tfScenario applies config, plans it again (a refresh of everything) and destroys it. The
// destroy runs whatever happened before, so a failed apply still cleans up what it made;
// except (the harness's own network) is left out of the leftovers.
func tfScenario(ctx context.Context, c config, t *table, srv *tcsim.Server, name, cfg string, env, except []string) tfRun {
	dir := filepath.Join(c.workDir, strings.ReplaceAll(name, " ", "-"))
	var r tfRun
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.apply.err = err.Error()
		return r
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o644); err != nil {
		r.apply.err = err.Error()
		return r
	}
	step := func(args ...string) (result, int) {
		srv.ResetStats()
		res, code := terraform(ctx, c.terraform, dir, env, args...)
		res.stats = srv.Stats()
		return res, code
	}
	r.apply, _ = step("apply", "-auto-approve", "-input=false", "-no-color")
	t.detail(name+" apply", r.apply)
	if r.apply.ok {
		var code int
		r.plan, code = step("plan", "-detailed-exitcode", "-input=false", "-no-color")
		// -detailed-exitcode: 0 = no changes, 2 = changes (a refresh that does not match).
		r.planEmpty = code == 0
		r.plan.ok = code == 0 || code == 2
		if code == 2 {
			r.plan.err = "plan after apply is not empty"
		}
		t.detail(name+" plan", r.plan)
	}
	r.destroy, _ = step("destroy", "-auto-approve", "-input=false", "-no-color")
	settle(ctx, srv, c.region)
	r.destroy.leftovers = without(leftovers(srv.Resources(c.region), false), except)
	t.detail(name+" destroy", r.destroy)
	return r
}

// terraform runs one command; ok means exit 0 (or 2 for plan -detailed-exitcode, which the
// caller judges), and the exit code is returned.
func terraform(ctx context.Context, tf, dir string, env []string, args ...string) (result, int) {
	cmd := exec.CommandContext(ctx, tf, args...)
	cmd.Dir, cmd.Env = dir, env
	// A cancelled harness interrupts terraform so it can save its state and stop cleanly.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Minute
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := result{wall: time.Since(start), ok: err == nil}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	if err != nil && (args[0] != "plan" || code != 2) {
		r.err = fmt.Sprintf("terraform %s: %v:\n    %s", args[0], err, tail(errorLines(out.String()), 12))
	}
	return r, code
}

// errorLines keeps terraform's error blocks (the reason) when there are any.
func errorLines(out string) string {
	if i := strings.Index(out, "Error:"); i >= 0 {
		return out[i:]
	}
	return out
}

func without(list, except []string) []string {
	var out []string
	for _, l := range list {
		keep := true
		for _, e := range except {
			keep = keep && !strings.HasSuffix(l, ":"+e)
		}
		if keep {
			out = append(out, l)
		}
	}
	return out
}

// network is the VPC, subnet and security group the harness makes for hardened_instance.
type network struct{ vpc, subnet, group string }

func (n network) ids() []string { return []string{n.vpc, n.subnet, n.group} }

func makeNetwork(ctx context.Context, cl *tencent.Client) (network, error) {
	vpc, err := cl.CreateVpc(ctx, "anchor", "10.0.0.0/16", nil)
	if err != nil {
		return network{}, err
	}
	sub, err := cl.CreateSubnet(ctx, vpc.ID, "anchor", "10.0.1.0/24", zone, nil)
	if err != nil {
		return network{}, err
	}
	sg, err := cl.CreateSecurityGroup(ctx, "anchor", "anchor benchmark", nil, nil, nil)
	if err != nil {
		return network{}, err
	}
	return network{vpc: vpc.ID, subnet: sub.ID, group: sg.ID}, nil
}

// findImage is the id of the first public image of region that matches.
func findImage(ctx context.Context, srv *tcsim.Server, region string, match func(osName, arch string) bool) (string, error) {
	cl, err := tencent.New(ctx, tencent.Config{SecretID: secretID, SecretKey: secretKey, Region: region,
		Endpoints: srv.Endpoints(), Scheme: "http", Getenv: func(string) string { return "" }})
	if err != nil {
		return "", err
	}
	imgs, err := cl.ListImages(ctx, []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		return "", err
	}
	for _, im := range imgs {
		if match(im.OsName, im.Architecture) {
			return im.ID, nil
		}
	}
	return "", errors.New("tcsim's catalog has no matching public image")
}

func officialConfig(n int) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    tencentcloud = { source = "tencentcloudstack/tencentcloud" }
  }
}

provider "tencentcloud" {
  secret_id  = %q
  secret_key = %q
  region     = "ap-guangzhou"
  protocol   = "HTTP"
}

data "tencentcloud_images" "debian" {
  image_type    = ["PUBLIC_IMAGE"]
  os_name       = "Debian 13.1 64"
  instance_type = "S5.MEDIUM2" # x86_64 only, not the ARM build of the same release
}

resource "tencentcloud_vpc" "anchor" {
  name       = "anchor"
  cidr_block = "10.0.0.0/16"
}

resource "tencentcloud_subnet" "anchor" {
  vpc_id            = tencentcloud_vpc.anchor.id
  name              = "anchor"
  cidr_block        = "10.0.1.0/24"
  availability_zone = %q
}

resource "tencentcloud_security_group" "anchor" {
  name        = "anchor"
  description = "anchor benchmark"
}

resource "tencentcloud_instance" "anchor" {
  count                   = %d
  instance_name           = "anchor-${count.index}"
  availability_zone       = %q
  image_id                = data.tencentcloud_images.debian.images[0].image_id
  instance_type           = "S5.MEDIUM2"
  system_disk_type        = "CLOUD_PREMIUM"
  system_disk_size        = 50
  vpc_id                  = tencentcloud_vpc.anchor.id
  subnet_id               = tencentcloud_subnet.anchor.id
  orderly_security_groups = [tencentcloud_security_group.anchor.id]
}
`, secretID, secretKey, zone, n, zone)
}

func oursConfig(srv *tcsim.Server, n int, net network) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    hardened = { source = "hardenedcloud/hardened" }
  }
}

provider "hardened" {
  secret_id  = %q
  secret_key = %q
  region     = "ap-guangzhou"
  protocol   = "HTTP"
  endpoints  = { cvm = %q, vpc = %q }
}

data "hardened_image" "debian" {
  os_family    = "debian"
  os_version   = "13"
  architecture = "x86_64"
  most_recent  = true
}

resource "hardened_instance" "anchor" {
  count              = %d
  name               = "anchor-${count.index}"
  zone               = %q
  image_id           = data.hardened_image.debian.image_id
  instance_type      = "S5.MEDIUM2"
  system_disk_type   = "CLOUD_PREMIUM"
  system_disk_size   = 50
  vpc_id             = %q
  subnet_id          = %q
  security_group_ids = [%q]
}
`, secretID, secretKey, srv.Endpoint(), srv.Endpoint(), n, zone, net.vpc, net.subnet, net.group)
}
