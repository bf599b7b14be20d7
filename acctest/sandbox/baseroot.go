package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Releases that BaseRoot can build.
const (
	Bookworm = "bookworm" // Debian 12
	Trixie   = "trixie"   // Debian 13
)

// basePackages is what a Debian cloud image has that a minbase debootstrap
// lacks and that hardening or login needs. Changing the list changes the cache
// key, so old roots are simply not used any more.
var basePackages = []string{
	"ca-certificates", "cron", "curl", "dbus", "iproute2", "iputils-ping", "kmod",
	"less", "netbase", "openssh-client", "openssh-server", "procps", "sudo",
	"systemd", "systemd-sysv", "tzdata",
}

// buildRecipeVersion is bumped when the post-processing in finishBaseRoot
// changes, so that cached roots built the old way are not reused.
const buildRecipeVersion = "1"

// ReleaseVersion maps a supported release codename to its Debian version.
func ReleaseVersion(release string) (string, error) {
	switch release {
	case Bookworm:
		return "12", nil
	case Trixie:
		return "13", nil
	}
	return "", fmt.Errorf("release %q is not supported: use %q (Debian 12) or %q (Debian 13)", release, Bookworm, Trixie)
}

// baseRootKey is the content address of a base root: release, package list and
// recipe version. The mirror is left out because it does not change content.
func baseRootKey(release string, packages []string) string {
	p := append([]string(nil), packages...)
	sort.Strings(p)
	h := sha256.Sum256([]byte(buildRecipeVersion + "\n" + release + "\n" + strings.Join(p, ",")))
	return release + "-" + hex.EncodeToString(h[:])[:12]
}

// BaseRoot returns the cached pristine root of a Debian release, building it
// with debootstrap the first time. Callers must treat it as read-only: sandboxes
// layer their changes on top of it.
func BaseRoot(ctx context.Context, release string) (string, error) {
	return baseRoot(ctx, release, nil)
}

func baseRoot(ctx context.Context, release string, logf func(string, ...any)) (string, error) {
	if release == "" {
		release = Bookworm
	}
	if _, err := ReleaseVersion(release); err != nil {
		return "", err
	}
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	rootsDir := filepath.Join(cache, "roots")
	key := baseRootKey(release, basePackages)
	dir := filepath.Join(rootsDir, key)
	if isRoot(dir) {
		return dir, nil
	}
	// One builder per key across processes; the others wait and reuse its result.
	lock, err := lockFile(ctx, filepath.Join(rootsDir, "."+key+".lock"))
	if err != nil {
		return "", err
	}
	defer lock.Unlock()
	if isRoot(dir) {
		return dir, nil
	}
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return "", fmt.Errorf("build %s root: debootstrap is not installed (apt-get install debootstrap): %w", release, err)
	}
	// Partial builds of this key from crashed runs: we hold the key's lock, so
	// nobody else is writing them.
	old, _ := filepath.Glob(filepath.Join(rootsDir, ".build-"+key+"-*"))
	for _, o := range old {
		_ = removeTree(ctx, o)
	}
	start := time.Now()
	if logf != nil {
		logf("building %s base root with debootstrap into %s (cached afterwards)", release, dir)
	}
	// A second attempt absorbs a transient mirror or network error; the
	// first attempt's directory is removed, debootstrap cannot resume.
	var tmp string
	for attempt := 1; ; attempt++ {
		if tmp, err = os.MkdirTemp(rootsDir, ".build-"+key+"-"); err != nil {
			return "", fmt.Errorf("create build directory for %s root: %w", release, err)
		}
		if err = os.Chmod(tmp, 0o755); err == nil {
			err = debootstrap(ctx, release, tmp)
		}
		if err == nil {
			break
		}
		_ = removeTree(context.WithoutCancel(ctx), tmp)
		if attempt == 2 || ctx.Err() != nil {
			return "", err
		}
		if logf != nil {
			logf("debootstrap %s failed, retrying once: %v", release, err)
		}
	}
	if err := finishBaseRoot(tmp, release); err != nil {
		_ = removeTree(context.WithoutCancel(ctx), tmp)
		return "", fmt.Errorf("finish %s root: %w", release, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = removeTree(context.WithoutCancel(ctx), tmp)
		return "", fmt.Errorf("publish %s root: %w", release, err)
	}
	if logf != nil {
		logf("built %s base root in %s", release, time.Since(start).Round(time.Second))
	}
	return dir, nil
}

func isRoot(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "usr", "sbin", "sshd"))
	return err == nil
}

// debootstrap runs in a private mount namespace so that the /proc and /sys it
// mounts inside the target vanish with it, even when it is killed.
func debootstrap(ctx context.Context, release, target string) error {
	logPath := target + ".log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("create debootstrap log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--propagation", "private", "--",
		"debootstrap", "--variant=minbase", "--include="+strings.Join(basePackages, ","),
		release, target, debianMirror())
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Run(); err != nil {
		b, _ := os.ReadFile(logPath)
		return fmt.Errorf("debootstrap %s (log %s): %w: %s", release, logPath, err, tail(string(b), 1500))
	}
	_ = os.Remove(logPath)
	return nil
}

// finishBaseRoot makes the fresh root look like a cloud image before first
// boot: no host keys (each sandbox generates its own), no machine id, the
// usual apt sources, and no downloaded .debs.
func finishBaseRoot(root, release string) error {
	keys, _ := filepath.Glob(filepath.Join(root, "etc", "ssh", "ssh_host_*"))
	for _, k := range keys {
		if err := os.Remove(k); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(root, "etc", "machine-id"), nil, 0o444); err != nil {
		return err
	}
	mirror := debianMirror()
	security := strings.TrimSuffix(mirror, "/debian") + "/debian-security"
	sources := fmt.Sprintf("deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n",
		mirror, release, mirror, release, security, release)
	if err := os.WriteFile(filepath.Join(root, "etc", "apt", "sources.list"), []byte(sources), 0o644); err != nil {
		return err
	}
	debs, _ := filepath.Glob(filepath.Join(root, "var", "cache", "apt", "archives", "*.deb"))
	for _, d := range debs {
		_ = os.Remove(d)
	}
	return nil
}
