// Package sandbox runs real Debian machines for tests: a debootstrapped root
// file system with sshd, in its own network, mount, pid, uts and ipc
// namespaces, reachable from the host over a veth pair on a /30 taken from
// 198.18.0.0/15. apt inside goes through an apt-cacher-ng on the host that the
// package starts and stops itself.
//
// Every kernel object carries the NamePrefix and is recorded in a state
// directory before it is created, so Destroy (and Cleanup after a crash) can
// always remove all of it.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Options describe a sandbox to create.
type Options struct {
	Release        string   // "bookworm" (default) | "trixie"; ignored when FromSnapshot is set
	FromSnapshot   string   // tarball written by Snapshot
	LoginUser      string   // "" or "root": root login with AuthorizedKeys; other: created like cloud-init's default user (sudo NOPASSWD:ALL)
	AuthorizedKeys []string // OpenSSH public key lines
	Password       string   // optional password for LoginUser
	Logf           func(format string, args ...any)

	// Hostname inside the sandbox; default its name.
	Hostname string
	// Detached sandboxes survive the process that created them (the CLI) and
	// are only removed by Destroy or Cleanup{All: true}.
	Detached bool
}

var loginUserRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
var hostnameRE = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

func (o *Options) normalize() error {
	if o.LoginUser == "" {
		o.LoginUser = "root"
	}
	if !loginUserRE.MatchString(o.LoginUser) {
		return fmt.Errorf("Options.LoginUser %q is not a valid user name: use lower-case letters, digits, '-' or '_', starting with a letter", o.LoginUser)
	}
	if o.Hostname != "" && !hostnameRE.MatchString(o.Hostname) {
		return fmt.Errorf("Options.Hostname %q is not a valid host name: use letters, digits and '-', at most 63", o.Hostname)
	}
	for i, k := range o.AuthorizedKeys {
		if strings.ContainsAny(k, "\r\n") || len(strings.Fields(k)) < 2 {
			return fmt.Errorf("Options.AuthorizedKeys[%d] is not one OpenSSH public key line (\"ssh-ed25519 AAAA… comment\")", i)
		}
	}
	// chpasswd splits "user:password" at the first colon, so only line
	// breaks are impossible in a password.
	if strings.ContainsAny(o.Password, "\n\r") {
		return errors.New("Options.Password must not contain line breaks")
	}
	if o.FromSnapshot != "" {
		fi, err := os.Stat(o.FromSnapshot)
		if err != nil {
			return fmt.Errorf("Options.FromSnapshot: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("Options.FromSnapshot %s is not a tarball written by Snapshot", o.FromSnapshot)
		}
		abs, err := filepath.Abs(o.FromSnapshot)
		if err != nil {
			return fmt.Errorf("Options.FromSnapshot: %w", err)
		}
		o.FromSnapshot = abs
		o.Release = ""
	} else {
		if o.Release == "" {
			o.Release = Bookworm
		}
		if _, err := ReleaseVersion(o.Release); err != nil {
			return fmt.Errorf("Options.Release: %w", err)
		}
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return nil
}

// Sandbox is one running machine. Its methods are safe for concurrent use
// except that Destroy ends every other operation.
type Sandbox struct {
	mu        sync.Mutex
	st        *state
	logf      func(string, ...any)
	destroyed bool
}

func (s *Sandbox) Name() string    { return s.st.Name }
func (s *Sandbox) Root() string    { return s.st.root() }
func (s *Sandbox) Addr() string    { return s.st.GuestIP }
func (s *Sandbox) SSHAddr() string { return net.JoinHostPort(s.st.GuestIP, "22") }

// HostAddr is the host end of the sandbox's veth.
func (s *Sandbox) HostAddr() string { return s.st.HostIP }

// LoginUser is the user whose authorized_keys were injected.
func (s *Sandbox) LoginUser() string { return s.st.LoginUser }

// New creates and boots a sandbox: root file system, network, init, the login
// user and sshd. On error nothing of it is left behind.
func New(ctx context.Context, opts Options) (*Sandbox, error) {
	if err := Capable(); err != nil {
		return nil, err
	}
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	t0 := time.Now()
	var lower string
	if opts.FromSnapshot == "" {
		var err error
		if lower, err = baseRoot(ctx, opts.Release, opts.Logf); err != nil {
			return nil, err
		}
	}
	st, err := reserve(ctx, opts, lower)
	if err != nil {
		return nil, err
	}
	s := &Sandbox{st: st, logf: opts.Logf}
	ok := false
	defer func() {
		if !ok {
			if derr := s.Destroy(context.WithoutCancel(ctx)); derr != nil {
				opts.Logf("cleanup of failed sandbox %s: %v", st.Name, derr)
			}
		}
	}()
	if opts.FromSnapshot != "" {
		// Only now that our state exists: unpacked images are removed when
		// no sandbox is left, and ours now counts.
		if st.Lower, err = snapshotLower(ctx, opts.FromSnapshot); err != nil {
			return nil, err
		}
		if err := st.save(); err != nil {
			return nil, err
		}
	}
	if err := s.prepareRoot(ctx); err != nil {
		return nil, err
	}
	tRoot := time.Now()
	if err := s.setupNetwork(ctx); err != nil {
		return nil, err
	}
	holder, init, err := startHolder(ctx, st)
	st.Holder, st.Init = holder, init
	if serr := st.save(); err == nil {
		err = serr
	}
	if err != nil {
		return nil, err
	}
	if err := s.firstBoot(ctx, opts); err != nil {
		return nil, err
	}
	tBoot := time.Now()
	if err := s.StartSSH(ctx); err != nil {
		return nil, err
	}
	ok = true
	opts.Logf("sandbox %s up at %s (root %s, boot %s, ssh %s, total %s)", st.Name, s.SSHAddr(),
		tRoot.Sub(t0).Round(time.Millisecond), tBoot.Sub(tRoot).Round(time.Millisecond),
		time.Since(tBoot).Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	return s, nil
}

// reserve picks a name and a free /30 and records them (under the global lock)
// before anything is created, and makes sure the apt proxy runs.
func reserve(ctx context.Context, opts Options, lower string) (*state, error) {
	lock, err := globalLock(ctx)
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	sts, _, err := listStates()
	if err != nil {
		return nil, err
	}
	taken := map[int]bool{}
	names := map[string]bool{}
	for _, o := range sts {
		taken[o.Index] = true
		names[o.Name] = true
	}
	used, err := usedPrefixes(ctx)
	if err != nil {
		return nil, err
	}
	idx, err := pickSubnet(used, taken)
	if err != nil {
		return nil, err
	}
	name := newName()
	for names[name] || linkExists(name) || exists("/run/netns/"+name) {
		name = newName()
	}
	st := &state{
		Name: name, Release: opts.Release, FromSnapshot: opts.FromSnapshot, Index: idx,
		HostIP: hostAddr(idx).String(), GuestIP: guestAddr(idx).String(),
		Dir: filepath.Join(stateDir(), name), Lower: lower, LoginUser: opts.LoginUser,
		Hostname: opts.Hostname, Created: time.Now().UTC(),
	}
	if st.Hostname == "" {
		st.Hostname = name
	}
	if !opts.Detached {
		if st.Owner, err = refOf(os.Getpid()); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(st.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create sandbox directory: %w", err)
	}
	if err := st.save(); err != nil {
		_ = os.RemoveAll(st.Dir)
		return nil, err
	}
	if err := ensureProxy(ctx, stateDir(), opts.Logf); err != nil {
		_ = os.RemoveAll(st.Dir)
		return nil, err
	}
	return st, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// prepareRoot layers an overlay over the base root or unpacked snapshot:
// instant and copy-on-write, where a copy of the root takes seconds.
func (s *Sandbox) prepareRoot(ctx context.Context) error {
	root := s.st.root()
	upper, work := filepath.Join(s.st.Dir, "upper"), filepath.Join(s.st.Dir, "work")
	for _, d := range []string{root, upper, work} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return fmt.Errorf("create root: %w", err)
		}
	}
	data := "lowerdir=" + s.st.Lower + ",upperdir=" + upper + ",workdir=" + work
	err := errors.New("disabled by " + envNoOverlay)
	if os.Getenv(envNoOverlay) == "" {
		err = syscall.Mount("overlay", root, "overlay", 0, data)
	}
	if err == nil {
		return nil
	}
	// No overlayfs here (or an upper directory on overlayfs, as inside a
	// container): fall back to a full copy, seconds instead of milliseconds.
	s.logf("overlay root for %s unavailable (%v): copying %s", s.st.Name, err, s.st.Lower)
	if _, cerr := run(ctx, "cp", "-a", "--reflink=auto", s.st.Lower+"/.", root); cerr != nil {
		return fmt.Errorf("root of %s: overlay: %w; copy: %w", s.st.Name, err, cerr)
	}
	return nil
}

func (s *Sandbox) setupNetwork(ctx context.Context) error {
	n := s.st.Name
	host, guest := s.st.HostIP, s.st.GuestIP
	steps := [][]string{
		{"netns", "add", n},
		{"link", "add", n, "type", "veth", "peer", "name", "eth0", "netns", n},
		{"addr", "add", host + "/30", "dev", n},
		{"link", "set", n, "up"},
		{"-n", n, "addr", "add", guest + "/30", "dev", "eth0"},
		{"-n", n, "link", "set", "eth0", "up"},
		{"-n", n, "link", "set", "lo", "up"},
		// Only the proxy is reachable beyond the /30: no default route, no way out.
		{"-n", n, "route", "add", proxyAddr.String() + "/32", "via", host},
	}
	for _, a := range steps {
		if _, err := run(ctx, "ip", a...); err != nil {
			return fmt.Errorf("network of sandbox %s: %w", n, err)
		}
	}
	return nil
}
