package primitive

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// fakeMkconfig stands in for grub-mkconfig in a unit test: it renders a
// normal and a recovery entry from /etc/default/grub the way update-grub
// does (the recovery entry gets GRUB_CMDLINE_LINUX only).
type fakeMkconfig struct {
	root string
	fail bool
	runs *int
}

var fakeGrubVar = regexp.MustCompile(`(?m)^(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)="([^"]*)"`)

func (f fakeMkconfig) Run(ctx context.Context, stdin io.Reader, argv ...string) ([]byte, []byte, error) {
	*f.runs++
	if len(argv) != 3 || argv[0] != "grub-mkconfig" || argv[1] != "-o" {
		return nil, nil, errors.New("unexpected command " + strings.Join(argv, " "))
	}
	if f.fail {
		return nil, []byte("grub-probe: error: failed to get canonical path of `overlay'."), errors.New("exit status 1")
	}
	src, err := os.ReadFile(filepath.Join(f.root, "etc/default/grub"))
	if err != nil {
		return nil, nil, err
	}
	vars := map[string]string{}
	for _, m := range fakeGrubVar.FindAllStringSubmatch(string(src), -1) {
		vars[m[1]] = m[2]
	}
	cfg := "menuentry 'Debian GNU/Linux' {\n\tlinux\t/boot/vmlinuz-6.1.0 root=UUID=1234 ro " + vars["GRUB_CMDLINE_LINUX"] + " " + vars["GRUB_CMDLINE_LINUX_DEFAULT"] + "\n}\n" +
		"menuentry 'Debian GNU/Linux (recovery mode)' {\n\tlinux\t/boot/vmlinuz-6.1.0 root=UUID=1234 ro single " + vars["GRUB_CMDLINE_LINUX"] + "\n}\n"
	return nil, nil, os.WriteFile(filepath.Join(f.root, argv[2]), []byte(cfg), 0o444)
}

// TestGrubCmdlineGeneratedConfig covers the boot loader's own file: the CIS
// audit procedure (Debian 12 v1.1 1.3.1.2) greps the linux lines of
// /boot/grub/grub.cfg, so a parameter only in /etc/default/grub does not
// pass until grub.cfg is regenerated, and the fix regenerates it.
func TestGrubCmdlineGeneratedConfig(t *testing.T) {
	const (
		stale   = "menuentry 'Debian GNU/Linux' {\n\tlinux\t/boot/vmlinuz-6.1.0 root=UUID=1234 ro quiet\n}\n"
		current = "menuentry 'Debian GNU/Linux' {\n\tlinux\t/boot/vmlinuz-6.1.0 root=UUID=1234 ro apparmor=1 security=apparmor quiet\n}\n"
		sources = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n"
		fixed   = "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"apparmor=1 security=apparmor\"\n"
	)
	check := GrubCmdline{Add: []string{"apparmor=1", "security=apparmor"}}
	cases := []struct {
		name            string
		grub, cfg       string
		mkconfig, fails bool
		audit           string // substring of the failure; "" = passes
		fixErr          string
		stillFails      bool
		runs            int
	}{
		{name: "sources and grub.cfg lack it", grub: sources, cfg: stale, mkconfig: true,
			audit: "/boot/grub/grub.cfg line 2 (linux /boot/vmlinuz-6.1.0) lacks apparmor=1", runs: 1},
		{name: "sources set, grub.cfg stale", grub: fixed, cfg: stale, mkconfig: true,
			audit: "does not use /etc/default/grub until update-grub regenerates", runs: 1},
		{name: "sources set, grub.cfg current", grub: fixed, cfg: current, mkconfig: true},
		{name: "no grub.cfg: the sources decide", grub: fixed, mkconfig: true},
		{name: "no grub-mkconfig in the root: grub.cfg stays stale and the rule failing", grub: sources, cfg: stale,
			audit: "lacks security=apparmor", stillFails: true},
		{name: "grub-mkconfig fails: apply rolls back", grub: sources, cfg: stale, mkconfig: true, fails: true,
			audit: "lacks apparmor=1", fixErr: "regenerate /boot/grub/grub.cfg with grub-mkconfig", runs: 1},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"/etc/default/grub": tc.grub}
			if tc.cfg != "" {
				files[GrubCfg] = tc.cfg
			}
			if tc.mkconfig {
				files["/usr/sbin/grub-mkconfig"] = "#!/bin/sh\n"
			}
			for p, c := range files {
				hp := filepath.Join(dir, p)
				if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(hp, []byte(c), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			runs := 0
			tg, err := engine.NewTarget(dir, engine.TargetOptions{Mode: engine.ModeImage, Runner: fakeMkconfig{root: dir, fail: tc.fails, runs: &runs}})
			if err != nil {
				t.Fatal(err)
			}
			f := check.Audit(ctx, tg)
			if tc.audit == "" {
				if f.Status != engine.StatusPass {
					t.Fatalf("want pass, got %s: %s", f.Status, f.Detail)
				}
				return
			}
			if f.Status != engine.StatusFail || !strings.Contains(f.Detail, tc.audit) {
				t.Fatalf("want fail with %q, got %s: %s", tc.audit, f.Status, f.Detail)
			}
			out, fs, err := engine.FixAndVerify(ctx, tg, []engine.Check{check}, engine.ExecOptions{})
			if runs != tc.runs {
				t.Errorf("grub-mkconfig ran %d times, want %d", runs, tc.runs)
			}
			if tc.fixErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.fixErr) || !strings.Contains(err.Error(), "canonical path") {
					t.Fatalf("fix: err %v, want %q with grub-mkconfig's message", err, tc.fixErr)
				}
				if b, _ := os.ReadFile(filepath.Join(dir, "etc/default/grub")); string(b) != tc.grub {
					t.Errorf("/etc/default/grub not rolled back: %q", b)
				}
				if _, err := os.Stat(filepath.Join(dir, GrubCfg+".harden-new")); !os.IsNotExist(err) {
					t.Errorf("temporary grub.cfg left behind: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.stillFails {
				if fs[0].Status != engine.StatusFail {
					t.Fatalf("without grub-mkconfig the stale grub.cfg must keep failing, got %s", fs[0].Status)
				}
				return
			}
			if fs[0].Status != engine.StatusPass {
				t.Fatalf("after fix: %s %s (changed %v)", fs[0].Status, fs[0].Detail, out.Changed)
			}
			cfg, _ := os.ReadFile(filepath.Join(dir, GrubCfg))
			if !strings.Contains(string(cfg), "ro single apparmor=1 security=apparmor\n") {
				t.Errorf("recovery entry lacks the parameters (they belong in GRUB_CMDLINE_LINUX):\n%s", cfg)
			}
			if fi, err := os.Stat(filepath.Join(dir, GrubCfg)); err != nil || fi.Mode().Perm() != 0o755 {
				t.Errorf("grub.cfg mode changed: %v %v", fi.Mode(), err)
			}
			again, _, err := engine.FixAndVerify(ctx, tg, []engine.Check{check}, engine.ExecOptions{})
			if err != nil || len(again.Changed) != 0 {
				t.Errorf("second fix changed %v (err %v)", again.Changed, err)
			}
		})
	}
}
