package primitive

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// newRoot materialises a minimal root with the given files.
func newRoot(t *testing.T, files map[string]string) *engine.Target {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		hp := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(hp, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tg, err := engine.NewTarget(dir, engine.TargetOptions{Mode: engine.ModeImage})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestFailFixPassIdempotent runs check → fail, fix, check → pass, fix again →
// no file changes for each primitive.
func TestFailFixPassIdempotent(t *testing.T) {
	base := map[string]string{
		"/etc/os-release":               "ID=debian\nVERSION_ID=\"12\"\n",
		"/etc/sysctl.d/10-bad.conf":     "net.ipv4.ip_forward = 1\n",
		"/etc/login.defs":               "# comment\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS 0\n",
		"/etc/ssh/sshd_config":          "Include /etc/ssh/sshd_config.d/*.conf\nMaxAuthTries 6\n",
		"/etc/sudoers":                  "Defaults env_reset\n@includedir /etc/sudoers.d\n",
		"/etc/passwd":                   "root:x:0:0:root:/root:/bin/bash\n",
		"/etc/group":                    "root:x:0:\nshadow:x:42:\n",
		"/etc/shadow":                   "root:*:1::::::\n",
		"/lib/systemd/system/x.service": "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n",
		"/etc/issue.net":                "Debian GNU/Linux 12\n",
		"/etc/hosts.equiv":              "+\n",
		"/etc/sysconfig/sshd":           "CRYPTO_POLICY=-oCiphers=aes128-cbc\n",
		"/etc/pam.d/su":                 "auth sufficient pam_rootok.so\n",
		"/etc/ssh/ssh_host_ed25519_key": "key\n",
		"/etc/systemd/journald.conf":    "[Journal]\nStorage=volatile\n",
		"/etc/default/grub":             "GRUB_CMDLINE_LINUX=\"quiet\"\n",
	}
	cases := []struct {
		name  string
		check engine.Check
	}{
		{"sysctl", Sysctl{Key: "net.ipv4.ip_forward", Value: "0"}},
		{"kmod", ModuleDisabled{Name: "usb-storage"}},
		{"keyvalue", KeyValue{Path: "/etc/login.defs", Key: "PASS_MAX_DAYS", Value: "365"}},
		{"sshd", SSHDOption{Key: "MaxAuthTries", Value: "4", Default: "6"}},
		{"sudoers", SudoersDefault{Setting: "use_pty"}},
		{"service-enable", Service{Unit: "x", State: Enabled}},
		{"filemode", FileMode{Path: "/etc/shadow", Max: 0o640, Owner: "root", Group: "root|shadow"}},
		{"content", FileContent{Path: "/etc/issue.net", Content: "Authorized use only.\n"}},
		{"absent", FileAbsent{Path: "/etc/hosts.equiv"}},
		{"audit", AuditRule{Line: "-w /etc/sudoers -p wa -k scope"}},
		{"line-absent", LineAbsent{Files: []string{"/etc/sysconfig/*"}, Pattern: regexp.MustCompile(`^CRYPTO_POLICY\s*=`), What: "CRYPTO_POLICY override"}},
		{"line-required", LineRequired{Files: []string{"/etc/pam.d/su"}, Pattern: regexp.MustCompile(`^auth\s+required\s+pam_wheel\.so\b`),
			Path: "/etc/pam.d/su", Line: "auth required pam_wheel.so use_uid", What: "pam_wheel in su"}},
		{"file-exists", FileExists{Path: "/etc/cron.allow", Perm: 0o640}},
		{"glob-mode", GlobMode{Patterns: []string{"/etc/ssh/ssh_host_*_key"}, Max: 0o600}},
		{"systemd-conf", SystemdConf{Main: "/etc/systemd/journald.conf", Section: "Journal", Key: "Storage", Value: "persistent"}},
		{"fstab-mount", FstabMount{Mount: "/tmp", Opt: "nodev", Create: "tmpfs\t/tmp\ttmpfs\tdefaults\t0\t0"}},
		{"grub-cmdline", GrubCmdline{Add: []string{"audit=1"}, Remove: []string{"quiet"}}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := newRoot(t, base)
			if tc.name == "filemode" {
				hp, _ := tg.HostPath("/etc/shadow")
				if err := os.Chmod(hp, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if f := tc.check.Audit(ctx, tg); f.Status != engine.StatusFail {
				t.Fatalf("before fix: %s %s, want fail", f.Status, f.Detail)
			}
			out, fs, err := engine.FixAndVerify(ctx, tg, []engine.Check{tc.check}, engine.ExecOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if fs[0].Status != engine.StatusPass {
				t.Fatalf("after fix: %s %s (changed %v)", fs[0].Status, fs[0].Detail, out.Changed)
			}
			if len(out.Changed) == 0 {
				t.Fatal("fix changed nothing")
			}
			out, _, err = engine.FixAndVerify(ctx, tg, []engine.Check{tc.check}, engine.ExecOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Changed) != 0 {
				t.Fatalf("second fix changed %v", out.Changed)
			}
		})
	}
}

func TestFileModeKeepsSpecialBits(t *testing.T) {
	tg := newRoot(t, map[string]string{"/etc/passwd": "root:x:0:0::/root:/bin/sh\n", "/etc/group": "root:x:0:\n", "/usr/bin/tool": "x"})
	hp, _ := tg.HostPath("/usr/bin/tool")
	if err := os.Chmod(hp, 0o4777|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	out, fs, err := engine.FixAndVerify(context.Background(), tg, []engine.Check{FileMode{Path: "/usr/bin/tool", Max: 0o755, Owner: "root"}}, engine.ExecOptions{})
	if err != nil || fs[0].Status != engine.StatusPass || len(out.Changed) != 1 {
		t.Fatalf("fix: %v %+v %v", err, fs, out)
	}
	fi, _ := os.Stat(hp)
	if fi.Mode()&os.ModeSetuid == 0 || fi.Mode().Perm() != 0o755 {
		t.Errorf("mode after fix = %v, want setuid kept and 0755", fi.Mode())
	}
}
