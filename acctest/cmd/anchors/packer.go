package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandboxbackend"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

const (
	secretID  = "AKIDanchors"
	secretKey = "anchors-secret"
	zone      = "ap-guangzhou-3"
	// interruptMarker is printed by the interrupt builds' shell provisioner: the instance runs
	// and SSH works, so every temporary resource exists when Ctrl-C arrives.
	interruptMarker = "anchor-provisioning"
)

// packerEnv is one packer configuration directory with both plugins installed.
type packerEnv struct {
	c   config
	dir string
	env []string
}

func runPacker(ctx context.Context, c config, t *table) error {
	if err := sandbox.Capable(); err != nil {
		// Without sandboxes no instance answers SSH, so no build could get past its
		// communicator: say so instead of measuring API-only builds that prove nothing.
		t.note("packer scenarios skipped: %v", err)
		return nil
	}
	backend, err := sandboxbackend.New(sandboxbackend.Config{DestroyOnSignal: true})
	if err != nil {
		return err
	}
	defer backend.Close(context.WithoutCancel(ctx))
	srv, err := tcsim.Start(ctx, tcsim.Options{Credentials: map[string]string{secretID: secretKey},
		Delays: tcsim.UniformDelays(c.delay), Backend: backend})
	if err != nil {
		return err
	}
	defer srv.Close()
	image, err := debianImage(ctx, srv, c.region)
	if err != nil {
		return err
	}
	pe, err := newPackerEnv(ctx, c, srv)
	if err != nil {
		return err
	}
	tpl := func(name, body string) (string, error) {
		p := filepath.Join(pe.dir, name+".pkr.hcl")
		return p, os.WriteFile(p, []byte(body), 0o644)
	}
	official, ours, oursCIS, officialInt, oursInt := officialTemplate(srv, image, ""), oursTemplate(srv, image, "", false),
		oursTemplate(srv, image, cisProvisioner(pe.dir), true), officialTemplate(srv, image, sleepProvisioner), oursTemplate(srv, image, sleepProvisioner, false)
	files := map[string]string{}
	for name, body := range map[string]string{"official": official, "ours": ours, "ours-cis": oursCIS, "official-int": officialInt, "ours-int": oursInt} {
		if files[name], err = tpl(name, body); err != nil {
			return err
		}
	}

	build := func(name string, interrupt bool) result {
		srv.Reset()
		r := pe.build(ctx, files[name], interrupt)
		r.stats = srv.Stats()
		settle(ctx, srv, c.region)
		r.leftovers = leftovers(srv.Resources(c.region), !interrupt)
		t.detail("packer "+name, r)
		return r
	}
	o, h, hc := build("official", false), build("ours", false), build("ours-cis", false)
	t.add("packer build finished", yesNo(o.ok), yesNo(h.ok))
	t.add("packer build wall time (s)", wallOf(o), wallOf(h))
	t.add("packer build API calls", callsOf(o), callsOf(h))
	t.add("packer build: leftovers afterwards (image kept)", num(float64(len(o.leftovers))), num(float64(len(h.leftovers))))
	t.add("packer build + hardened-cis finished", yesNo(o.ok), yesNo(hc.ok))
	t.add("packer build + hardened-cis wall time (s)", wallOf(o), wallOf(hc))
	t.add("packer build + hardened-cis API calls", callsOf(o), callsOf(hc))
	oi, hi := build("official-int", true), build("ours-int", true)
	t.add("packer Ctrl-C: exited by itself", yesNo(oi.ok), yesNo(hi.ok))
	t.add("packer Ctrl-C: leftovers", num(float64(len(oi.leftovers))), num(float64(len(hi.leftovers))))

	if err := srv.SetFaults(tcsim.FaultConfig{Seed: 13, Rules: []tcsim.FaultRule{{Action: "*", Kind: tcsim.FaultThrottle, Rate: c.throttle}}}); err != nil {
		return err
	}
	pct := int(c.throttle*100 + 0.5)
	ot, ht := build("official", false), build("ours", false)
	t.add(fmt.Sprintf("packer build, %d%% throttled: finished", pct), yesNo(ot.ok), yesNo(ht.ok))
	t.add(fmt.Sprintf("packer build, %d%% throttled: wall time (s)", pct), wallOf(ot), wallOf(ht))
	t.add(fmt.Sprintf("packer build, %d%% throttled: leftovers", pct), num(float64(len(ot.leftovers))), num(float64(len(ht.leftovers))))
	return srv.SetFaults(tcsim.FaultConfig{})
}

// debianImage is the newest public Debian 13 x86_64 image with a backing root: both builds
// start from it, so they boot the same machine.
func debianImage(ctx context.Context, srv *tcsim.Server, region string) (string, error) {
	return findImage(ctx, srv, region, func(osName, arch string) bool {
		return strings.HasPrefix(osName, "Debian 13") && arch == "x86_64"
	})
}

func newPackerEnv(ctx context.Context, c config, srv *tcsim.Server) (*packerEnv, error) {
	pe := &packerEnv{c: c, dir: filepath.Join(c.workDir, "packer")}
	pe.env = append(os.Environ(),
		"PACKER_PLUGIN_PATH="+filepath.Join(pe.dir, "plugins"),
		"PACKER_CONFIG_DIR="+filepath.Join(pe.dir, "config"),
		"PACKER_CACHE_DIR="+filepath.Join(pe.dir, "cache"),
		"CHECKPOINT_DISABLE=1", "PACKER_NO_COLOR=1",
		"TENCENTCLOUD_SECRET_ID="+secretID, "TENCENTCLOUD_SECRET_KEY="+secretKey, "TENCENTCLOUD_REGION="+c.region)
	if err := os.MkdirAll(pe.dir, 0o755); err != nil {
		return nil, err
	}
	// Both plugins are installed in PACKER_PLUGIN_PATH, where packer finds them without a
	// required_plugins block (the official one is a "-dev" build no version constraint matches).
	ours := c.hardenedPlugin
	if ours == "" {
		ours = filepath.Join(c.workDir, "bin", "packer-plugin-hardened")
	}
	// The release build (empty prerelease) so `packer plugins install --path` takes it, with the
	// harden bundle embedded as in a release.
	for _, cmd := range [][]string{
		{"make", "-C", "packer-plugin", "bundle"},
		{"go", "build", "-trimpath", "-ldflags", "-X github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version.VersionPrerelease=", "-o", ours, "./packer-plugin"},
	} {
		if c.hardenedPlugin != "" {
			break
		}
		if out, err := command(ctx, c.root, append(os.Environ(), "CGO_ENABLED=0"), cmd...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s: %v\n%s", strings.Join(cmd, " "), err, out)
		}
	}
	for src, bin := range map[string]string{"github.com/hardenedcloud/hardened": ours, "github.com/hashicorp/tencentcloud": c.tcPacker} {
		if out, err := command(ctx, pe.dir, pe.env, c.packer, "plugins", "install", "--path", bin, src).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("packer plugins install --path %s %s: %v\n%s", bin, src, err, out)
		}
	}
	return pe, nil
}

func command(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, env
	return cmd
}

// build runs `packer build`; with interrupt it sends SIGINT to packer's process group (what
// Ctrl-C in a terminal does) once the provisioner prints interruptMarker, and ok then means
// packer exited by itself within five minutes.
func (pe *packerEnv) build(ctx context.Context, file string, interrupt bool) result {
	cmd := command(ctx, pe.dir, pe.env, pe.c.packer, "build", "-timestamp-ui", file)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A cancelled harness (its own Ctrl-C) interrupts packer so it can clean up; only a
	// packer that ignores it is killed, five minutes later.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 5 * time.Minute
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{err: err.Error()}
	}
	done := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.Close(); done <- err }()
	var out strings.Builder
	sent := false
	var killer *time.Timer
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		if interrupt && !sent && strings.Contains(line, interruptMarker) {
			sent = true
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			killer = time.AfterFunc(5*time.Minute, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
		}
	}
	_, _ = io.Copy(io.Discard, pr)
	err := <-done
	if killer != nil {
		killer.Stop()
	}
	r := result{wall: time.Since(start)}
	switch {
	case interrupt && !sent:
		r.err = fmt.Sprintf("never reached the provisioner (%v):\n    %s", err, tail(out.String(), 8))
	case interrupt:
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		r.ok = !ws.Signaled()
		if !r.ok {
			r.err = fmt.Sprintf("killed by %v five minutes after the interrupt", ws.Signal())
		}
	case err != nil:
		r.err = fmt.Sprintf("%v:\n    %s", err, tail(out.String(), 12))
	default:
		r.ok = true
	}
	return r
}

// settle waits (up to a minute) until no instance is still TERMINATING, so leftovers count
// only what stays.
func settle(ctx context.Context, srv *tcsim.Server, region string) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		busy := false
		for _, st := range srv.Resources(region).Instances {
			busy = busy || st == "TERMINATING"
		}
		if !busy {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}

const sleepProvisioner = `
  provisioner "shell" {
    inline = ["echo ` + interruptMarker + `", "sleep 600"]
  }
`

func cisProvisioner(dir string) string {
	return fmt.Sprintf(`
  provisioner "hardened-cis" {
    profile       = "auto"
    update        = false
    report_dir    = %q
    fail_on_audit = true
    cleanup_image = true
  }
`, filepath.Join(dir, "reports"))
}

// officialTemplate builds a custom image from image with the official plugin; the archived
// plugin takes full http:// endpoint URLs.
func officialTemplate(srv *tcsim.Server, image, provisioner string) string {
	return fmt.Sprintf(`source "tencentcloud-cvm" "debian" {
  secret_id    = %q
  secret_key   = %q
  region       = "ap-guangzhou"
  zone         = %q
  cvm_endpoint = %q
  vpc_endpoint = %q

  source_image_id             = %q
  instance_type               = "S5.MEDIUM2"
  disk_type                   = "CLOUD_PREMIUM"
  image_name                  = "anchor-official-${formatdate("YYYYMMDDhhmmss", timestamp())}"
  associate_public_ip_address = true
  internet_max_bandwidth_out  = 10
  ssh_username                = "root"
}

build {
  sources = ["source.tencentcloud-cvm.debian"]
%s}
`, secretID, secretKey, zone, srv.URL(), srv.URL(), image, provisioner)
}

// oursTemplate is the same build with hardened-cvm (credentials from the environment); without
// hardened-cis there is no provenance to sign, which hardened-cvm refuses unless told.
func oursTemplate(srv *tcsim.Server, image, provisioner string, hardened bool) string {
	return fmt.Sprintf(`source "hardened-cvm" "debian" {
  region       = "ap-guangzhou"
  zone         = %q
  cvm_endpoint = %q
  vpc_endpoint = %q
  scheme       = "http"

  source_image_id = %q
  instance_type   = "S5.MEDIUM2"
  image_name      = "anchor-ours-${formatdate("YYYYMMDDhhmmss", timestamp())}"
  ssh_cidr        = "198.18.0.0/15"
  ssh_username    = "root"

  require_provenance = %t
}

build {
  sources = ["source.hardened-cvm.debian"]
%s}
`, zone, srv.Endpoint(), srv.Endpoint(), image, hardened, provisioner)
}
