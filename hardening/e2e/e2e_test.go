// Package e2e holds the real-root tests of the harden bundle: it is built
// as a static binary, copied into a Debian 12 / 13 sandbox (acctest/sandbox:
// its own namespaces, sshd, apt through a proxy) and run there over SSH by a
// key-only sudo user, the way Packer's provisioner runs it.
package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
)

var (
	hardenBin string
	// scratch is removed when the test binary exits.
	scratch string
)

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "harden-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		scratch = dir
		// HARDEN_BIN tests a prebuilt bundle (e.g. dist/hardening/harden from `make bundle`).
		if hardenBin = os.Getenv("HARDEN_BIN"); hardenBin != "" {
			return m.Run()
		}
		hardenBin = filepath.Join(dir, "harden")
		// The bundle contract: static, no cgo, like `make bundle`.
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=e2e", "-o", hardenBin, "../cmd/harden")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build harden: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// report is the part of the JSON report the tests judge.
type report struct {
	Profile string         `json:"profile"`
	Summary map[string]int `json:"summary"`
	Rules   []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Detail string `json:"detail"`
	} `json:"rules"`
	Changes *struct {
		Installed []string `json:"installed"`
		Removed   []string `json:"removed"`
		Files     []string `json:"files"`
	} `json:"changes"`
	Packages struct {
		Count     int        `json:"count"`
		Hash      string     `json:"sha256"`
		UpdatedAt *time.Time `json:"updated_at"`
	} `json:"packages"`
	Error            string `json:"error"`
	BuilderException string `json:"builder_exception"`
}

func TestRealRootDebian(t *testing.T) {
	for _, rel := range []struct{ release, profile string }{{"bookworm", "debian-12"}, {"trixie", "debian-13"}} {
		t.Run(rel.profile, func(t *testing.T) {
			t.Parallel()
			testRealRoot(t, rel.release, rel.profile)
		})
	}
}

// testRealRoot hardens a Debian sandbox the way Packer does: first over SSH
// as a key-only sudo user (Packer's temporary user), then, in the same
// machine with its sshd drop-in withdrawn, as root over SSH (Packer's root
// communicator); finally image cleanup.
func testRealRoot(t *testing.T, release, profile string) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	authorized := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " e2e"
	const user = "builder"
	sb := sandbox.NewForTest(t, sandbox.Options{Release: release, LoginUser: user, AuthorizedKeys: []string{authorized}})
	if err := sb.CopyIn(ctx, hardenBin, "/usr/local/bin/harden"); err != nil {
		t.Fatal(err)
	}

	// The builder's session: it runs apply through sudo and must survive it.
	session := dialSSH(t, sb.SSHAddr(), user, signer)
	defer session.Close()

	host := snapshotHost(t)
	start := time.Now()
	first := runReport(t, session, "sudo -n /usr/local/bin/harden apply --format json --report /root/apply-1.html")
	t.Logf("%s: first apply %.1fs: %v, installed %v, removed %v, %d files",
		profile, time.Since(start).Seconds(), first.Summary, first.Changes.Installed, first.Changes.Removed, len(first.Changes.Files))
	if first.Profile != profile {
		t.Errorf("detected profile %q, want %q", first.Profile, profile)
	}
	if first.Error != "" {
		t.Fatalf("first apply error: %s", first.Error)
	}
	if first.Packages.UpdatedAt == nil || first.Packages.Count == 0 || len(first.Packages.Hash) != 64 {
		t.Errorf("package state not recorded: %+v", first.Packages)
	}
	requireNoFailures(t, "first apply", first)

	before := treeHash(t, ctx, sb)
	start = time.Now()
	second := runReport(t, session, "sudo -n /usr/local/bin/harden apply --format json")
	t.Logf("%s: second apply %.1fs", profile, time.Since(start).Seconds())
	if diff := diffTrees(before, treeHash(t, ctx, sb)); len(diff) > 0 {
		t.Errorf("second apply changed %d paths: %s", len(diff), strings.Join(firstN(diff, 20), "\n"))
	}
	if c := second.Changes; c == nil || len(c.Files)+len(c.Installed)+len(c.Removed) > 0 {
		t.Errorf("second apply reports changes: %+v", second.Changes)
	}
	if second.Packages.Hash != first.Packages.Hash {
		t.Errorf("package set changed on second apply")
	}

	start = time.Now()
	audit := runReport(t, session, "sudo -n /usr/local/bin/harden audit --format json")
	t.Logf("%s: audit %.2fs: %v", profile, time.Since(start).Seconds(), audit.Summary)
	requireNoFailures(t, "audit", audit)
	if audit.Summary["pass"] == 0 {
		t.Errorf("audit passes nothing: %v", audit.Summary)
	}
	testPasswordChange(t, session, profile)

	// The session that ran apply still works, including sudo.
	if out, err := runSSH(session, "sudo -n true && echo still-alive"); err != nil || !strings.Contains(out, "still-alive") {
		t.Fatalf("builder session after apply: %v %s", err, out)
	}
	snapshotHost(t).requireEqual(t, host)

	// A fresh sshd with the hardened configuration (what the image boots
	// with) accepts a new key login of the builder, and sudo -n works.
	if err := sb.StartSSH(ctx); err != nil {
		t.Fatalf("restart sshd with hardened config: %v", err)
	}
	fresh := dialSSH(t, sb.SSHAddr(), user, signer)
	defer fresh.Close()
	if out, err := runSSH(fresh, "sudo -n true && id -un"); err != nil || strings.TrimSpace(out) != user {
		t.Fatalf("new key login + sudo -n after hardening: %v %q", err, out)
	}
	if c, err := ssh.Dial("tcp", sb.SSHAddr(), &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{ssh.Password("x")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}); err == nil {
		c.Close()
		t.Error("password login accepted after hardening")
	}

	testRootBuilder(t, ctx, sb, signer, authorized)

	// Image cleanup: host keys and machine-id gone, host-key regeneration in
	// place, the root builder's exception removed.
	// The temporary build user goes too, although its session is still open.
	if _, stderr, err := sb.Exec(ctx, nil, "/usr/local/bin/harden", "cleanup", "--remove-user", user); err != nil {
		t.Fatalf("cleanup: %v %s", err, stderr)
	}
	out, _, err := sb.Exec(ctx, nil, "/bin/sh", "-c",
		"ls /etc/ssh/ssh_host_* 2>/dev/null | wc -l; stat -c %s /etc/machine-id; test -L /etc/systemd/system/multi-user.target.wants/harden-ssh-hostkeys.service && echo unit; "+
			"getent passwd "+user+" >/dev/null && echo user-left; test -d /home/"+user+" && echo home-left; true")
	if err != nil {
		t.Fatal(err)
	}
	if f := strings.Fields(string(out)); len(f) != 3 || f[0] != "0" || f[1] != "0" || f[2] != "unit" {
		t.Errorf("after cleanup: host keys/machine-id/unit/build user = %q", out)
	}
	if err := sb.StartSSH(ctx); err != nil {
		t.Fatalf("restart sshd after cleanup: %v", err)
	}
	if c, err := ssh.Dial("tcp", sb.SSHAddr(), &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}); err == nil {
		c.Close()
		t.Error("root login still accepted after image cleanup (PermitRootLogin no expected)")
	}
	snapshotHost(t).requireEqual(t, host)
}

// testRootBuilder is Packer connecting as root: root gets the key, sshd
// loses the hardened drop-in (a not-yet-hardened sshd), and apply runs as
// root over SSH. Afterwards the image says PermitRootLogin no, yet the root
// builder can reconnect with its key until cleanup.
func testRootBuilder(t *testing.T, ctx context.Context, sb *sandbox.Sandbox, signer ssh.Signer, authorized string) {
	t.Helper()
	prep := "install -d -m 0700 /root/.ssh && printf '%s\\n' \"$1\" >/root/.ssh/authorized_keys && chmod 0600 /root/.ssh/authorized_keys && rm -f /etc/ssh/sshd_config.d/00-hardened-cis.conf"
	if _, stderr, err := sb.Exec(ctx, nil, "/bin/sh", "-c", prep, "prep", authorized); err != nil {
		t.Fatalf("prepare root login: %v %s", err, stderr)
	}
	if err := sb.StartSSH(ctx); err != nil {
		t.Fatal(err)
	}
	rootSession := dialSSH(t, sb.SSHAddr(), "root", signer)
	defer rootSession.Close()
	r := runReport(t, rootSession, "/usr/local/bin/harden apply --format json")
	requireNoFailures(t, "apply as root", r)
	if r.BuilderException == "" {
		t.Errorf("root builder: no builder exception reported (PermitRootLogin no would lock it out)")
	}
	if out, err := runSSH(rootSession, "id -un"); err != nil || strings.TrimSpace(out) != "root" {
		t.Fatalf("root session after apply: %v %q", err, out)
	}
	if err := sb.StartSSH(ctx); err != nil {
		t.Fatalf("restart sshd after root apply: %v", err)
	}
	again := dialSSH(t, sb.SSHAddr(), "root", signer)
	defer again.Close()
	if out, err := runSSH(again, "/usr/local/bin/harden audit --format json >/dev/null; echo $?"); err != nil || strings.TrimSpace(out) != "0" {
		t.Errorf("new root login after hardening: audit exit %q, %v", out, err)
	}
}

func requireNoFailures(t *testing.T, what string, r report) {
	t.Helper()
	var bad []string
	for _, rr := range r.Rules {
		if rr.Status == "fail" || rr.Status == "error" {
			bad = append(bad, fmt.Sprintf("%s %s: %s", rr.Status, rr.ID, rr.Detail))
		}
	}
	if len(bad) > 0 {
		t.Errorf("%s: %d rules fail or error (waivers excluded):\n%s", what, len(bad), strings.Join(bad, "\n"))
	}
}

func dialSSH(t *testing.T, addr, user string, signer ssh.Signer) *ssh.Client {
	t.Helper()
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
		User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), // a fresh sandbox: nothing to pin against
		Timeout:         15 * time.Second,
	})
	if err != nil {
		t.Fatalf("ssh %s@%s: %v", user, addr, err)
	}
	return c
}

func runSSH(c *ssh.Client, cmd string) (string, error) {
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	out, err := s.Output(cmd)
	return string(out), err
}

// runReport runs a harden command over SSH and decodes its JSON report;
// exit 1 (failures) still yields a report, which the caller judges.
func runReport(t *testing.T, c *ssh.Client, cmd string) report {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var stderr strings.Builder
	s.Stderr = &stderr
	out, err := s.Output(cmd)
	var r report
	if jerr := json.Unmarshal(out, &r); jerr != nil {
		t.Fatalf("%s: %v (json: %v)\nstdout: %s\nstderr: %s", cmd, err, jerr, out, stderr.String())
	}
	if err != nil {
		t.Logf("%s: %v\nstderr: %s", cmd, err, lastLines(stderr.String(), 30))
	}
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(l, "package transaction:") || strings.Contains(l, "slow step") || strings.Contains(l, "updates installed") {
			t.Log(strings.TrimSpace(l))
		}
	}
	return r
}

// treeHash describes every path of the trees a second apply must not change:
// type, mode, owner, link target and content hash.
func treeHash(t *testing.T, ctx context.Context, sb *sandbox.Sandbox) map[string]string {
	t.Helper()
	const script = `set -e
for d in /etc /usr/lib /lib/systemd /var/spool/cron; do
  [ -e "$d" ] || continue
  find "$d/" -xdev -printf '%p\t%y %m %U:%G %l\n'
  find "$d/" -xdev -type f -print0 | xargs -0 -r sha256sum | sed 's/^\([0-9a-f]*\)  \(.*\)$/\2\tsha256 \1/'
done`
	out, _, err := sb.Exec(ctx, nil, "/bin/sh", "-c", script)
	if err != nil {
		t.Fatalf("hash trees: %v", err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		p, v, ok := strings.Cut(l, "\t")
		if ok {
			m[p] += v + ";"
		}
	}
	return m
}

func diffTrees(a, b map[string]string) []string {
	var out []string
	for p, v := range a {
		if w, ok := b[p]; !ok {
			out = append(out, "removed "+p)
		} else if v != w {
			out = append(out, "changed "+p)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			out = append(out, "added "+p)
		}
	}
	sort.Strings(out)
	return out
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("… %d more", len(s)-n))
	}
	return s
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
