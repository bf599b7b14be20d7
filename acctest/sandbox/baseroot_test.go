package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBaseRootKeyIsContentAddressed(t *testing.T) {
	a := baseRootKey(Bookworm, []string{"sudo", "cron"})
	tests := []struct {
		name string
		key  string
		same bool
	}{
		{"order does not matter", baseRootKey(Bookworm, []string{"cron", "sudo"}), true},
		{"release matters", baseRootKey(Trixie, []string{"sudo", "cron"}), false},
		{"packages matter", baseRootKey(Bookworm, []string{"sudo", "cron", "less"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.key == a) != tt.same {
				t.Fatalf("key %q vs %q: same=%v, want %v", tt.key, a, tt.key == a, tt.same)
			}
		})
	}
	if !strings.HasPrefix(a, "bookworm-") {
		t.Fatalf("key %q should start with the release", a)
	}
}

func TestReleaseVersion(t *testing.T) {
	for rel, want := range map[string]string{Bookworm: "12", Trixie: "13"} {
		if got, err := ReleaseVersion(rel); err != nil || got != want {
			t.Errorf("ReleaseVersion(%q) = %q, %v; want %q", rel, got, err, want)
		}
	}
	if _, err := ReleaseVersion("jammy"); err == nil || !strings.Contains(err.Error(), "bookworm") {
		t.Errorf("ReleaseVersion(jammy) error = %v, want one naming the supported releases", err)
	}
}

// TestBaseRoot builds (cold) or reuses (warm) both base roots and checks they
// look like cloud images before first boot.
func TestBaseRoot(t *testing.T) {
	skipUnlessCapable(t)
	for _, rel := range []string{Bookworm, Trixie} {
		t.Run(rel, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
			defer cancel()
			start := time.Now()
			dir, err := baseRoot(ctx, rel, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("BaseRoot(%s) = %s in %s", rel, dir, time.Since(start).Round(time.Millisecond))
			osr, err := os.ReadFile(filepath.Join(dir, "etc", "os-release"))
			if err != nil {
				t.Fatal(err)
			}
			ver, _ := ReleaseVersion(rel)
			if !strings.Contains(string(osr), `VERSION_ID="`+ver+`"`) {
				t.Errorf("os-release of %s root does not say version %s:\n%s", rel, ver, osr)
			}
			for _, p := range []string{"usr/sbin/sshd", "usr/bin/sudo", "usr/sbin/cron", "usr/bin/ps", "usr/sbin/ip"} {
				if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
					t.Errorf("%s root lacks %s: %v", rel, p, err)
				}
			}
			if keys, _ := filepath.Glob(filepath.Join(dir, "etc/ssh/ssh_host_*")); len(keys) > 0 {
				t.Errorf("%s root carries host keys %v; each sandbox must generate its own", rel, keys)
			}
		})
	}
}

// TestBaseRootUnreachableMirror: a failing debootstrap (retried once) is an
// error that points at its log, and no half-built root is published.
func TestBaseRootUnreachableMirror(t *testing.T) {
	skipUnlessCapable(t)
	cache := t.TempDir()
	t.Setenv(envCacheDir, cache)
	t.Setenv(envMirror, "http://127.0.0.1:9/debian") // discard port: connection refused
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, err := baseRoot(ctx, Bookworm, t.Logf)
	if err == nil || !strings.Contains(err.Error(), "debootstrap bookworm") || !strings.Contains(err.Error(), ".log") {
		t.Fatalf("BaseRoot with an unreachable mirror: %v, want a debootstrap error naming its log", err)
	}
	roots, _ := filepath.Glob(filepath.Join(cache, "roots", "bookworm-*"))
	if len(roots) > 0 {
		t.Fatalf("half-built roots published: %v", roots)
	}
}
