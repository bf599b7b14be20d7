package sandbox

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// testKey returns a fresh key pair: the signer for the client and the
// authorized_keys line to inject.
func testKey(t testing.TB) (ssh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return signer, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " hsb-test"
}

// hostKey reads the sandbox's ed25519 host key through Exec, so the SSH client
// can pin it instead of trusting whatever answers.
func hostKey(t testing.TB, s *Sandbox) ssh.PublicKey {
	t.Helper()
	keys, err := s.HostKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range keys {
		k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			t.Fatalf("parse host key %q: %v", line, err)
		}
		if k.Type() == ssh.KeyAlgoED25519 {
			return k
		}
	}
	t.Fatalf("no ed25519 host key among %q", keys)
	return nil
}

func dialSSH(t testing.TB, s *Sandbox, user string, signer ssh.Signer) *ssh.Client {
	t.Helper()
	cfg := &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hostKey(t, s)),
		// Pin the key type too: the server would otherwise pick its own order.
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519},
		Timeout:           10 * time.Second,
	}
	c, err := ssh.Dial("tcp", s.SSHAddr(), cfg)
	if err != nil {
		t.Fatalf("ssh %s@%s: %v", user, s.SSHAddr(), err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func sshRun(t testing.TB, c *ssh.Client, cmd string) string {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	if err := sess.Run(cmd); err != nil {
		t.Fatalf("ssh run %q: %v: %s", cmd, err, errb.String())
	}
	return out.String()
}

// TestSnapshotRoundTrip is the first "done when": log in over SSH as
// the injected user, sudo, snapshot, boot a second machine from the snapshot,
// find the file, and after Destroy find no trace on the host.
func TestSnapshotRoundTrip(t *testing.T) {
	skipUnlessCapable(t)
	ctx := context.Background()
	signer, pub := testKey(t)
	t0 := time.Now()
	a := NewForTest(t, Options{Release: Bookworm, LoginUser: "cvmuser", AuthorizedKeys: []string{pub}})
	t.Logf("create (base root cached): %s", time.Since(t0).Round(time.Millisecond))

	c := dialSSH(t, a, "cvmuser", signer)
	if id := sshRun(t, c, "sudo -n id"); !strings.HasPrefix(id, "uid=0(root)") {
		t.Fatalf("sudo -n id as cvmuser = %q, want uid=0(root)", id)
	}
	if got := sshRun(t, c, "id -un; . /etc/os-release; echo $VERSION_ID"); got != "cvmuser\n12\n" {
		t.Fatalf("login user / release = %q", got)
	}
	sshRun(t, c, "echo written-in-a > ~/marker && sudo -n sh -c 'echo system-marker > /etc/hsb-marker'")
	hostKeyA := hostKey(t, a)
	if _, err := os.Stat(filepath.Join(a.st.Lower, "etc/hsb-marker")); !os.IsNotExist(err) {
		t.Fatalf("a write inside the sandbox reached the shared base root (%v)", err)
	}

	snap := filepath.Join(t.TempDir(), "a.tar")
	t1 := time.Now()
	if err := a.Snapshot(ctx, snap); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(snap)
	t.Logf("snapshot: %s, %d MiB", time.Since(t1).Round(time.Millisecond), fi.Size()>>20)

	t2 := time.Now()
	b := NewForTest(t, Options{FromSnapshot: snap, LoginUser: "cvmuser", AuthorizedKeys: []string{pub}})
	t.Logf("create from snapshot: %s", time.Since(t2).Round(time.Millisecond))
	if b.Addr() == a.Addr() {
		t.Fatalf("both sandboxes got address %s", a.Addr())
	}
	cb := dialSSH(t, b, "cvmuser", signer)
	if got := sshRun(t, cb, "cat ~/marker /etc/hsb-marker"); got != "written-in-a\nsystem-marker\n" {
		t.Fatalf("files in the sandbox made from the snapshot = %q", got)
	}
	if bytes.Equal(hostKey(t, b).Marshal(), hostKeyA.Marshal()) {
		t.Error("sandbox from a snapshot kept the host key of the original; cloud-init would regenerate it")
	}

	for _, s := range []*Sandbox{a, b} {
		dir := filepath.Dir(s.Root())
		if err := s.Destroy(ctx); err != nil {
			t.Fatal(err)
		}
		assertGone(t, s.Name(), dir)
		if err := s.Destroy(ctx); err != nil {
			t.Fatalf("second Destroy: %v", err)
		}
	}
}

// assertGone checks the host for any trace of a destroyed sandbox with the
// same tools an operator would use.
func assertGone(t testing.TB, name, dir string) {
	t.Helper()
	for _, args := range [][]string{{"netns", "list"}, {"link", "show"}} {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %v: %v", args, err)
		}
		if strings.Contains(string(out), name) {
			t.Errorf("ip %s still shows %s:\n%s", strings.Join(args, " "), name, out)
		}
	}
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mounts), dir) || strings.Contains(string(mounts), name) {
		t.Errorf("/proc/mounts still mentions %s", name)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("sandbox directory %s still exists (%v)", dir, err)
	}
	if pids, _ := netnsPIDs(name); len(pids) > 0 {
		t.Errorf("processes %v still in the namespace of %s", pids, name)
	}
}

// TestIsolation checks what the machine sees: cleared environment, read-only
// /proc/sys, its own host name, pid 1, mounts and network.
func TestIsolation(t *testing.T) {
	skipUnlessCapable(t)
	ctx := context.Background()
	s := NewForTest(t, Options{})
	hostName, _ := os.Hostname()
	tests := []struct {
		name    string
		argv    []string
		want    string // substring of stdout, or of the error when wantErr
		wantErr bool
	}{
		{"environment cleared", []string{"env"}, "PATH=/usr/local/sbin", false},
		{"runs as root", []string{"id", "-u"}, "0\n", false},
		{"own hostname", []string{"hostname"}, s.Name(), false},
		{"own pid namespace", []string{"sh", "-c", "ps -o pid= -p 1 && cat /proc/1/comm"}, "sh", false},
		{"proc/sys read-only", []string{"sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"}, "Read-only file system", true},
		{"sysctl -w refused", []string{"sh", "-c", "sysctl -w kernel.domainname=hsb || echo refused >&2; exit 1"}, "refused", true},
		{"sandbox address on eth0", []string{"ip", "-4", "-o", "addr", "show", "dev", "eth0"}, s.Addr() + "/30", false},
		{"no default route", []string{"ip", "route", "get", "192.0.2.1"}, "unreachable", true},
		{"minimal /dev", []string{"ls", "/dev"}, "null", false},
		{"apt proxy configured", []string{"apt-config", "dump", "Acquire::http::Proxy"}, ProxyURL(), false},
		{"no host mounts visible", []string{"cat", "/proc/mounts"}, "overlay / ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := s.Exec(ctx, nil, tt.argv...)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("%v: err = %v, want error containing %q (out %q)", tt.argv, err, tt.want, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("%v = %q, want it to contain %q", tt.argv, out, tt.want)
			}
		})
	}
	out, _, _ := s.Exec(ctx, nil, "env")
	if n := len(strings.Split(strings.TrimSpace(string(out)), "\n")); n != len(guestEnv) {
		t.Errorf("env inside has %d variables, want exactly the %d of guestEnv:\n%s", n, len(guestEnv), out)
	}
	if h, _ := os.Hostname(); h != hostName {
		t.Errorf("host name of the host changed to %q", h)
	}
	// Exactly the machine's own mounts: pivot_root dropped every host mount.
	mounts, _, err := s.Exec(ctx, nil, "sh", "-c", "cut -d' ' -f2 /proc/mounts | sort | tr '\\n' ' '")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/ /dev /dev/pts /dev/shm /proc /proc/sys /run /sys "; string(mounts) != want {
		t.Errorf("mount points inside = %q, want %q", mounts, want)
	}
	if d, _ := os.ReadFile("/proc/sys/kernel/domainname"); strings.TrimSpace(string(d)) == "hsb" {
		t.Error("sysctl inside the sandbox changed the host kernel")
	}
}

func TestCopyAndSSHRestart(t *testing.T) {
	skipUnlessCapable(t)
	ctx := context.Background()
	s := NewForTest(t, Options{})
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "sub", "run.sh"), []byte("#!/bin/sh\necho ran\n"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := s.CopyIn(ctx, src, "/opt/bundle"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.Exec(ctx, nil, "/opt/bundle/sub/run.sh"); err != nil || string(out) != "ran\n" {
		t.Fatalf("copied script: %q, %v", out, err)
	}
	dst := filepath.Join(t.TempDir(), "etc-ssh")
	if err := s.CopyOut(ctx, "/etc/ssh", dst); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dst, "ssh_host_ed25519_key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("copied host key: %v, %v", fi, err)
	}
	if err := s.CopyIn(ctx, src, "relative"); err == nil {
		t.Error("CopyIn to a relative guest path: want an error")
	}

	if err := s.StopSSH(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", s.SSHAddr(), time.Second); err == nil {
		c.Close()
		t.Fatal("sshd still answers after StopSSH")
	}
	// A config change that breaks sshd must be reported, not hang.
	if _, _, err := s.Exec(ctx, nil, "sh", "-c", "echo 'NoSuchOption yes' > /etc/ssh/sshd_config.d/99-broken.conf"); err != nil {
		t.Fatal(err)
	}
	if err := s.StartSSH(ctx); err == nil || !strings.Contains(err.Error(), "NoSuchOption") {
		t.Fatalf("StartSSH with a broken config: %v, want an error naming the bad option", err)
	}
	if _, _, err := s.Exec(ctx, nil, "rm", "/etc/ssh/sshd_config.d/99-broken.conf"); err != nil {
		t.Fatal(err)
	}
	if err := s.StartSSH(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.StartSSH(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
}

// TestParallel creates four sandboxes concurrently, as the issue requires:
// all four are alive together, get distinct addresses, and each answers SSH.
// (Goroutines, not parallel subtests: -parallel defaults to GOMAXPROCS.)
func TestParallel(t *testing.T) {
	skipUnlessCapable(t)
	const n = 4
	ctx := context.Background()
	boxes := make([]*Sandbox, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rel := Bookworm
			if i%2 == 1 {
				rel = Trixie
			}
			boxes[i], errs[i] = New(ctx, Options{Release: rel, Logf: t.Logf})
		}()
	}
	wg.Wait()
	t.Logf("%d sandboxes created concurrently in %s", n, time.Since(start).Round(time.Millisecond))
	for _, s := range boxes {
		if s != nil {
			t.Cleanup(func() {
				if err := s.Destroy(ctx); err != nil {
					t.Error(err)
				}
				assertGone(t, s.Name(), filepath.Dir(s.Root()))
			})
		}
	}
	seen := map[string]bool{}
	for i, s := range boxes {
		if errs[i] != nil {
			t.Errorf("sandbox %d: %v", i, errs[i])
			continue
		}
		if seen[s.Addr()] {
			t.Errorf("address %s handed out twice", s.Addr())
		}
		seen[s.Addr()] = true
		if err := waitSSH(ctx, s.SSHAddr(), s.st.SSHD, 5*time.Second); err != nil {
			t.Errorf("sandbox %d: %v", i, err)
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"bad user", Options{LoginUser: "Root User"}, "Options.LoginUser"},
		{"bad release", Options{Release: "jammy"}, "Options.Release"},
		{"bad key", Options{AuthorizedKeys: []string{"not-a-key"}}, "Options.AuthorizedKeys[0]"},
		{"missing snapshot", Options{FromSnapshot: "/nonexistent/x.tar"}, "Options.FromSnapshot"},
		{"bad hostname", Options{Hostname: "a_b"}, "Options.Hostname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			err := o.normalize()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("normalize() = %v, want an error naming %s", err, tt.want)
			}
		})
	}
	o := Options{}
	if err := o.normalize(); err != nil || o.LoginUser != "root" || o.Release != Bookworm {
		t.Fatalf("defaults: %+v, %v", o, err)
	}
}

// TestAptThroughProxy installs a package: the sandbox has no route but the
// one to the proxy, so success proves apt goes through it, and the .deb must
// then sit in the proxy's cache on the host.
func TestAptThroughProxy(t *testing.T) {
	skipUnlessCapable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s := NewForTest(t, Options{Release: Trixie})
	if _, _, err := s.Exec(ctx, nil, "apt-get", "update", "-q"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Exec(ctx, nil, "apt-get", "install", "-y", "-q", "--no-install-recommends", "hello"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := s.Exec(ctx, nil, "hello"); err != nil || !strings.Contains(string(out), "Hello, world!") {
		t.Fatalf("hello: %q, %v", out, err)
	}
	cache, err := cacheDir()
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	_ = filepath.WalkDir(filepath.Join(cache, "apt-cacher"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "hello_") && strings.HasSuffix(d.Name(), ".deb") {
			found = append(found, p)
		}
		return nil
	})
	if len(found) == 0 {
		t.Fatalf("hello_*.deb not in the proxy cache under %s", cache)
	}
}

// TestCopiedRoot covers hosts without overlayfs: the root is a full copy and
// the machine works the same.
func TestCopiedRoot(t *testing.T) {
	skipUnlessCapable(t)
	t.Setenv(envNoOverlay, "1")
	t0 := time.Now()
	s := NewForTest(t, Options{})
	t.Logf("create with a copied root: %s", time.Since(t0).Round(time.Millisecond))
	if mps, _ := mountsUnder(s.Root()); len(mps) != 0 {
		t.Fatalf("root is mounted (%v), want a plain copy", mps)
	}
	if out, _, err := s.Exec(context.Background(), nil, "sh", "-c", "echo x > /etc/hsb-copy && cat /etc/hsb-copy"); err != nil || string(out) != "x\n" {
		t.Fatalf("write in the copied root: %q, %v", out, err)
	}
	base, err := BaseRoot(context.Background(), Bookworm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(base, "etc/hsb-copy")); !os.IsNotExist(err) {
		t.Fatal("a write inside the sandbox reached the base root")
	}
}
