package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
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
	return dir
}

func TestDetectPlatform(t *testing.T) {
	cases := []struct {
		osRelease string
		want      string
		err       bool
	}{
		{`ID=debian` + "\n" + `VERSION_ID="12"`, "debian-12", false},
		{`ID=debian` + "\n" + `VERSION_ID="13"`, "debian-13", false},
		{`ID=debian` + "\n" + `VERSION_ID="11"`, "", true},
		{`ID=ubuntu` + "\n" + `VERSION_ID="22.04"`, "ubuntu-22.04", false},
		{`ID=ubuntu` + "\n" + `VERSION_ID="24.04"`, "ubuntu-24.04", false},
		{`ID=ubuntu` + "\n" + `VERSION_ID="20.04"`, "", true},
		{`ID="rocky"` + "\n" + `ID_LIKE="rhel centos fedora"` + "\n" + `VERSION_ID="9.4"`, "rhel-9", false},
		{`ID="almalinux"` + "\n" + `VERSION_ID="8.10"`, "rhel-8", false},
		{`ID="rhel"` + "\n" + `VERSION_ID="9.2"`, "rhel-9", false},
		{`ID="tencentos"` + "\n" + `VERSION_ID="3.1"`, "rhel-8", false},
		{`ID="tencentos"` + "\n" + `VERSION_ID="4"`, "rhel-9", false},
		{`ID="opencloudos"` + "\n" + `VERSION_ID="8.8"`, "rhel-8", false},
		{`ID="opencloudos"` + "\n" + `VERSION_ID="9.0"`, "rhel-9", false},
		{`ID="centos"` + "\n" + `VERSION_ID="7"`, "", true},
		{`ID=arch`, "", true},
	}
	for _, tc := range cases {
		o, err := ParseOSRelease([]byte(tc.osRelease))
		if err != nil {
			t.Fatalf("%q: %v", tc.osRelease, err)
		}
		p, err := DetectPlatform(o)
		if tc.err {
			if !errors.Is(err, ErrUnsupportedOS) {
				t.Errorf("%q: got %v, %v; want ErrUnsupportedOS", tc.osRelease, p, err)
			}
			continue
		}
		if err != nil || p.ID() != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.osRelease, p.ID(), err, tc.want)
		}
	}
	if _, err := ParseOSRelease([]byte("NAME=x\n")); err == nil {
		t.Error("os-release without ID accepted")
	}
}

func TestHostPathConfinesSymlinks(t *testing.T) {
	dir := writeTree(t, map[string]string{"/usr/lib/x.conf": "inside"})
	// Absolute links inside an image must resolve inside the image.
	must(t, os.Symlink("/usr/lib", filepath.Join(dir, "lib")))
	must(t, os.Symlink("/etc/passwd", filepath.Join(dir, "escape")))
	must(t, os.Symlink("../../../../../../etc/shadow", filepath.Join(dir, "usr/lib/dotdot")))
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	cases := map[string]string{
		"/lib/x.conf":     filepath.Join(dir, "usr/lib/x.conf"),
		"/escape":         filepath.Join(dir, "etc/passwd"),
		"/usr/lib/dotdot": filepath.Join(dir, "etc/shadow"),
		"/missing/a/b":    filepath.Join(dir, "missing/a/b"),
	}
	for in, want := range cases {
		got, err := tg.HostPath(in)
		if err != nil || got != want {
			t.Errorf("HostPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := tg.HostPath("relative"); err == nil {
		t.Error("relative path accepted")
	}
	must(t, os.Symlink("loop", filepath.Join(dir, "loop")))
	if _, err := tg.HostPath("/loop/x"); err == nil {
		t.Error("symlink loop not detected")
	}
}

func TestTxIdempotentAndRollback(t *testing.T) {
	dir := writeTree(t, map[string]string{"/etc/a.conf": "old\n", "/etc/keep": "k"})
	must(t, os.Symlink("/etc/keep", filepath.Join(dir, "etc/link")))
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	tx := NewTx(tg)
	must(t, tx.WriteFile("/etc/a.conf", []byte("old\n"), 0o644))
	if n := len(tx.Changed()); n != 0 {
		t.Fatalf("identical write counted as change: %v", tx.Changed())
	}
	must(t, tx.WriteFile("/etc/a.conf", []byte("new\n"), 0o600))
	must(t, tx.WriteFile("/etc/new.d/b.conf", []byte("b\n"), 0o644))
	must(t, tx.Symlink("/dev/null", "/etc/link"))
	must(t, tx.Remove("/etc/keep"))
	must(t, tx.Chmod("/etc/a.conf", 0o640))
	want := []string{"/etc/a.conf", "/etc/keep", "/etc/link", "/etc/new.d", "/etc/new.d/b.conf"}
	if got := tx.Changed(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("changed = %v, want %v", got, want)
	}
	must(t, tx.Rollback())
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/a.conf")); string(b) != "old\n" {
		t.Errorf("a.conf after rollback = %q", b)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "etc/a.conf")); fi.Mode().Perm() != 0o644 {
		t.Errorf("a.conf mode after rollback = %v", fi.Mode())
	}
	if _, err := os.Stat(filepath.Join(dir, "etc/new.d")); !os.IsNotExist(err) {
		t.Errorf("created dir survived rollback: %v", err)
	}
	if l, _ := os.Readlink(filepath.Join(dir, "etc/link")); l != "/etc/keep" {
		t.Errorf("link after rollback = %q", l)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/keep")); string(b) != "k" {
		t.Errorf("removed file not restored: %q", b)
	}
}

// fakeCheck is a Check whose state is a file's content.
type fakeCheck struct {
	path, want string
	validate   error
}

func (f fakeCheck) Describe() string { return f.path + "=" + f.want }
func (f fakeCheck) Audit(ctx context.Context, t *Target) Finding {
	b, err := t.ReadFile(f.path)
	if err != nil || string(b) != f.want {
		return Fail("%s is %q", f.path, b)
	}
	return Pass("ok")
}
func (f fakeCheck) Fix(ctx context.Context, t *Target, p *Plan) error {
	p.Step("write", func(ctx context.Context, t *Target, tx *Tx) error {
		return tx.WriteFile(f.path, []byte(f.want), 0o644)
	})
	p.DropIn(DropInSpec{Path: "/etc/managed.conf", KeyOf: func(l string) string { k, _, _ := strings.Cut(l, "="); return k }},
		"", strings.TrimPrefix(f.path, "/etc/")+"="+f.want)
	if f.validate != nil {
		p.Validate("fake", func(ctx context.Context, t *Target) error { return f.validate })
	}
	return nil
}

func TestApplyFixedIdempotentAndRollback(t *testing.T) {
	dir := writeTree(t, map[string]string{"/etc/x": "bad", "/etc/managed.conf": "# header\nold=1\n"})
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	rules := []*Rule{
		{ID: "b-rule", Title: "b", Section: "1", Level: 1, Checks: []Check{fakeCheck{path: "/etc/x", want: "good"}}},
		{ID: "a-rule", Title: "a", Section: "1", Level: 1, Checks: []Check{fakeCheck{path: "/etc/y", want: "yes"}}},
		{ID: "c-manual", Title: "c", Section: "1", Level: 1, Manual: "cannot"},
		{ID: "d-waived", Title: "d", Section: "1", Level: 1, Checks: []Check{fakeCheck{path: "/etc/z", want: "z"}}},
	}
	opts := RunOptions{Waivers: map[string]Waiver{"d-waived": {RuleID: "d-waived", Reason: "because", Expires: "2999-12-31"}}}
	ar := Apply(context.Background(), tg, rules, opts)
	if ar.Err != nil {
		t.Fatal(ar.Err)
	}
	got := map[string]Status{}
	for _, r := range ar.After {
		got[r.Rule.ID] = r.Status
	}
	want := map[string]Status{"a-rule": StatusFixed, "b-rule": StatusFixed, "c-manual": StatusManual, "d-waived": StatusWaived}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %s, want %s", k, got[k], v)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/managed.conf")); string(b) != "old=1\nx=good\ny=yes\n" {
		t.Errorf("managed drop-in = %q", b)
	}
	ar = Apply(context.Background(), tg, rules, opts)
	if ar.Err != nil || len(ar.Outcome.Changed) != 0 || len(ar.Planned) != 0 {
		t.Fatalf("second apply: err %v, planned %v, changed %v", ar.Err, ar.Planned, ar.Outcome.Changed)
	}

	// A failing validator rolls back every file of the transaction.
	dir2 := writeTree(t, map[string]string{"/etc/x": "bad"})
	tg2, err := NewTarget(dir2, TargetOptions{Mode: ModeImage})
	must(t, err)
	bad := []*Rule{{ID: "v", Title: "v", Section: "5", Level: 1, Checks: []Check{
		fakeCheck{path: "/etc/x", want: "good", validate: errors.New("sshd -t: bad option")}}}}
	ar = Apply(context.Background(), tg2, bad, RunOptions{})
	var ae *ApplyError
	if !errors.As(ar.Err, &ae) {
		t.Fatalf("want ApplyError, got %v", ar.Err)
	}
	if ar.After[0].Status != StatusError {
		t.Errorf("status after rollback = %s", ar.After[0].Status)
	}
	if b, _ := os.ReadFile(filepath.Join(dir2, "etc/x")); string(b) != "bad" {
		t.Errorf("rollback left %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir2, "etc/managed.conf")); !os.IsNotExist(err) {
		t.Errorf("drop-in survived rollback")
	}
}

func TestCatalogValidation(t *testing.T) {
	ok := &Rule{ID: "ok-rule", Title: "t", Section: "1", Level: 1, Manual: "why"}
	_, err := NewCatalog([]*Rule{ok, {ID: "Bad_ID", Title: "", Section: "", Level: 3}},
		[]*Profile{{ID: "p", Rules: []string{"ok-rule", "missing"}, Waivers: []Waiver{{RuleID: "ok-rule"}},
			Manual: []Exclusion{{Control: "1.1"}}}})
	if err == nil {
		t.Fatal("invalid catalog accepted")
	}
	for _, want := range []string{`"Bad_ID"`, "title is empty", "level 3", `unknown rule "missing"`, "has no reason", "needs control and reason"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	c, err := NewCatalog([]*Rule{ok, {ID: "rhel-only", Title: "t", Section: "1", Level: 1, Manual: "x", Platforms: []string{"rhel"}}},
		[]*Profile{{ID: "layer", Rules: []string{"rhel-only"}}, {ID: "debian-12", Platform: Platform{"debian", "12"}, Layers: []string{"layer"}, Rules: []string{"ok-rule"}}})
	must(t, err)
	res, err := c.Resolve("debian-12", Platform{})
	must(t, err)
	if len(res.Rules) != 1 || res.Rules[0].ID != "ok-rule" {
		t.Errorf("resolve filtered wrongly: %v", res.Rules)
	}
}

func TestParseDpkgStatus(t *testing.T) {
	data := "Package: a\nStatus: install ok installed\nVersion: 1\nDescription: x\n continued\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n\nPackage: c\nStatus: hold ok installed\nVersion: 3\n"
	got, err := ParseDpkgStatus([]byte(data))
	must(t, err)
	if len(got) != 2 || got["a"] != "1" || got["c"] != "3" {
		t.Errorf("got %v", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSecuritySources(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"/etc/apt/sources.list": "deb http://deb.debian.org/debian bookworm main\n" +
			"deb [signed-by=/usr/share/keyrings/debian.gpg] http://deb.debian.org/debian-security bookworm-security main contrib\n# deb http://x/security y z\n",
		"/etc/apt/sources.list.d/debian.sources": "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie trixie-updates\nComponents: main\n\n" +
			"Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: trixie-security\nComponents: main\n",
	})
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	got, err := securitySources(tg)
	must(t, err)
	want := "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: trixie-security\nComponents: main\n\n" +
		"Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main contrib\nSigned-By: /usr/share/keyrings/debian.gpg\n\n"
	if got != want {
		t.Errorf("securitySources:\n%s\nwant\n%s", got, want)
	}
	if _, err := ParseUpdatePolicy("weekly"); err == nil {
		t.Error("bad policy accepted")
	}
}

func TestFilesIndex(t *testing.T) {
	dir := writeTree(t, map[string]string{"/etc/a": "1", "/proc/x": "virtual", "/var/log/b": "22"})
	must(t, os.Symlink("/etc/a", filepath.Join(dir, "etc/link")))
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	all, err := tg.Files(context.Background())
	must(t, err)
	var paths []string
	for _, e := range all {
		paths = append(paths, e.Path)
	}
	want := "/,/etc,/etc/a,/etc/link,/var,/var/log,/var/log/b"
	if strings.Join(paths, ",") != want {
		t.Errorf("index = %v, want %s", paths, want)
	}
	under, err := tg.FilesUnder(context.Background(), "/var/log")
	must(t, err)
	if len(under) != 2 || under[1].Size != 2 {
		t.Errorf("FilesUnder = %+v", under)
	}
	must(t, os.WriteFile(filepath.Join(dir, "etc/new"), nil, 0o644))
	if again, _ := tg.Files(context.Background()); len(again) != len(all) {
		t.Error("index not cached")
	}
	tg.Invalidate()
	if again, _ := tg.Files(context.Background()); len(again) != len(all)+1 {
		t.Error("Invalidate did not drop the index")
	}
}

func TestCancelledApplyWritesNothing(t *testing.T) {
	dir := writeTree(t, map[string]string{"/etc/x": "bad"})
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ar := Apply(ctx, tg, []*Rule{{ID: "x", Title: "x", Section: "1", Level: 1, Checks: []Check{fakeCheck{path: "/etc/x", want: "good"}}}}, RunOptions{})
	var ae *ApplyError
	if !errors.As(ar.Err, &ae) || !errors.Is(ar.Err, context.Canceled) {
		t.Fatalf("err = %v, want a cancelled ApplyError", ar.Err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "etc/x")); string(b) != "bad" {
		t.Errorf("cancelled apply wrote %q", b)
	}
}

func TestCleanup(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"/etc/os-release": "ID=debian\n", "/etc/machine-id": "0123456789abcdef\n",
		"/etc/ssh/sshd_config": "UsePAM yes\n", "/etc/ssh/ssh_host_ed25519_key": "k", "/etc/ssh/ssh_host_ed25519_key.pub": "p",
		"/var/log/syslog": "lines\n", "/var/log/syslog.1": "old\n", "/var/log/apt/history.log.2.gz": "x",
		"/root/.bash_history": "secret\n", "/home/u/.bash_history": "h\n", "/tmp/upload.sh": "#!/bin/sh\n",
		"/srv/keep": "keep",
	})
	must(t, os.Symlink("/srv", filepath.Join(dir, "var/tmp")))
	tg, err := NewTarget(dir, TargetOptions{Mode: ModeImage})
	must(t, err)
	rep, err := Cleanup(context.Background(), tg, CleanupOptions{})
	must(t, err)
	checks := map[string]string{"/etc/machine-id": "", "/var/log/syslog": ""}
	for p, want := range checks {
		if b, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", p, b, err, want)
		}
	}
	for _, gone := range []string{"/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key.pub", "/var/log/syslog.1",
		"/var/log/apt/history.log.2.gz", "/root/.bash_history", "/home/u/.bash_history", "/tmp/upload.sh"} {
		if _, err := os.Lstat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
			t.Errorf("%s survived cleanup", gone)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "srv/keep")); err != nil {
		t.Error("cleanup followed the /var/tmp symlink")
	}
	if l, err := os.Readlink(filepath.Join(dir, "etc/systemd/system/multi-user.target.wants/harden-ssh-hostkeys.service")); err != nil || l != "/etc/systemd/system/harden-ssh-hostkeys.service" {
		t.Errorf("host key unit not enabled: %q %v", l, err)
	}
	if len(rep.Actions) < 5 {
		t.Errorf("actions: %v", rep.Actions)
	}
	if _, err := Cleanup(context.Background(), tg, CleanupOptions{RemoveUsers: []string{"root"}}); err == nil {
		t.Error("removing root accepted")
	}
}

func TestLock(t *testing.T) {
	tg, err := NewTarget(t.TempDir(), TargetOptions{Mode: ModeImage})
	must(t, err)
	unlock, err := tg.Lock()
	must(t, err)
	if _, err := tg.Lock(); !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	unlock()
	again, err := tg.Lock()
	must(t, err)
	again()
}
