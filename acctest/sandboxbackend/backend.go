// Package sandboxbackend backs tcsim instances with real Debian machines from
// acctest/sandbox: RunInstances boots a sandbox, CreateImage snapshots its
// root into a tarball, Stop/StartInstances stop and start sshd, and
// TerminateInstances destroys it.
package sandboxbackend

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// Backing references this backend understands (MachineSpec.BackingRef).
const (
	refDebian   = "debian:"   // debian:bookworm | debian:trixie: a pristine base root
	refSnapshot = "snapshot:" // snapshot:/abs/path.tar: written by Machine.Snapshot
)

// Config configures a Backend.
type Config struct {
	// SnapshotDir receives the tarballs of CreateImage. Empty: a fresh
	// directory under the system temp dir, removed by Close.
	SnapshotDir string
	// KeepSnapshots leaves SnapshotDir and its tarballs in place on Close
	// (for images that should outlive one tcsim run).
	KeepSnapshots bool
	// DestroyOnSignal destroys the machines when the process gets SIGINT,
	// SIGTERM or SIGHUP (and then dies of the signal), for test binaries
	// whose t.Cleanup a signal skips. Leave it off where the program shuts
	// down gracefully on signals itself (cmd/tcsim calls Close).
	DestroyOnSignal bool
	Logf            func(format string, args ...any)
}

// Backend implements tcsim.Backend with sandboxes. Close destroys every
// machine it launched that is still alive.
type Backend struct {
	cfg     Config
	dir     string
	ownsDir bool

	mu        sync.Mutex
	closed    bool
	machines  map[*machine]bool
	snapshots []string // tarballs written into a directory we do not own
}

var _ tcsim.Backend = (*Backend)(nil)

// New checks that the machine can run sandboxes and prepares the snapshot
// directory.
func New(cfg Config) (*Backend, error) {
	if err := sandbox.Capable(); err != nil {
		return nil, fmt.Errorf("sandbox backing: %w", err)
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	b := &Backend{cfg: cfg, machines: map[*machine]bool{}}
	if cfg.SnapshotDir == "" {
		d, err := os.MkdirTemp("", "tcsim-images-")
		if err != nil {
			return nil, fmt.Errorf("sandbox backing: snapshot directory: %w", err)
		}
		b.dir, b.ownsDir = d, !cfg.KeepSnapshots
	} else {
		if err := os.MkdirAll(cfg.SnapshotDir, 0o700); err != nil {
			return nil, fmt.Errorf("sandbox backing: Config.SnapshotDir: %w", err)
		}
		abs, err := filepath.Abs(cfg.SnapshotDir)
		if err != nil {
			return nil, fmt.Errorf("sandbox backing: Config.SnapshotDir: %w", err)
		}
		b.dir = abs
	}
	return b, nil
}

// SnapshotDir is where CreateImage tarballs go.
func (b *Backend) SnapshotDir() string { return b.dir }

// parseRef turns a backing reference into sandbox options.
func parseRef(ref string) (sandbox.Options, error) {
	switch {
	case strings.HasPrefix(ref, refDebian):
		rel := strings.TrimPrefix(ref, refDebian)
		if _, err := sandbox.ReleaseVersion(rel); err != nil {
			return sandbox.Options{}, fmt.Errorf("backing reference %q: %w", ref, err)
		}
		return sandbox.Options{Release: rel}, nil
	case strings.HasPrefix(ref, refSnapshot):
		p := strings.TrimPrefix(ref, refSnapshot)
		if !filepath.IsAbs(p) {
			return sandbox.Options{}, fmt.Errorf("backing reference %q: snapshot path must be absolute", ref)
		}
		if _, err := os.Stat(p); err != nil {
			return sandbox.Options{}, fmt.Errorf("backing reference %q: image tarball is gone: %w", ref, err)
		}
		return sandbox.Options{FromSnapshot: p}, nil
	}
	return sandbox.Options{}, fmt.Errorf("backing reference %q cannot be backed by a sandbox: only Debian (debian:bookworm, debian:trixie) and images made from sandbox-backed instances", ref)
}

var hostnameOK = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Launch boots a sandbox for a RunInstances or ResetInstance call.
func (b *Backend) Launch(ctx context.Context, spec tcsim.MachineSpec) (tcsim.Machine, error) {
	opts, err := parseRef(spec.BackingRef)
	if err != nil {
		return nil, err
	}
	opts.LoginUser = spec.LoginUser
	opts.AuthorizedKeys = spec.AuthorizedKeys
	opts.Password = spec.Password
	opts.Logf = b.cfg.Logf
	if h := strings.ToLower(spec.InstanceID); hostnameOK.MatchString(h) {
		opts.Hostname = h
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return nil, errors.New("sandbox backing is closed")
	}
	s, err := sandbox.New(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("launch %s from %s: %w", spec.InstanceID, spec.BackingRef, err)
	}
	m := &machine{b: b, s: s, id: spec.InstanceID}
	b.mu.Lock()
	if b.closed { // Close ran while we booted: do not leak the machine
		b.mu.Unlock()
		_ = s.Destroy(context.WithoutCancel(ctx))
		return nil, errors.New("sandbox backing is closed")
	}
	b.machines[m] = true
	b.mu.Unlock()
	if b.cfg.DestroyOnSignal {
		sandbox.Track(s)
	}
	if spec.UserData != "" {
		m.runUserData(ctx, spec.UserData)
	}
	return m, nil
}

// Close destroys every machine still alive and, unless configured to keep
// them, the snapshot tarballs.
func (b *Backend) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	ms := make([]*machine, 0, len(b.machines))
	for m := range b.machines {
		ms = append(ms, m)
	}
	b.mu.Unlock()
	var errs []error
	for _, m := range ms {
		if err := m.Destroy(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case b.ownsDir:
		if err := os.RemoveAll(b.dir); err != nil {
			errs = append(errs, fmt.Errorf("remove snapshots: %w", err))
		}
	case !b.cfg.KeepSnapshots:
		// A directory we were given may hold other files: remove only ours.
		b.mu.Lock()
		snaps := b.snapshots
		b.snapshots = nil
		b.mu.Unlock()
		for _, p := range snaps {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, fmt.Errorf("remove snapshot: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

type machine struct {
	b  *Backend
	s  *sandbox.Sandbox
	id string
}

func (m *machine) Address() string                 { return m.s.Addr() }
func (m *machine) Stop(ctx context.Context) error  { return m.s.StopSSH(ctx) }
func (m *machine) Start(ctx context.Context) error { return m.s.StartSSH(ctx) }

// Sandbox gives tests direct access to the machine behind an instance.
func (m *machine) Sandbox() *sandbox.Sandbox { return m.s }

func (m *machine) Snapshot(ctx context.Context) (string, error) {
	f, err := os.CreateTemp(m.b.dir, m.id+"-*.tar")
	if err != nil {
		return "", fmt.Errorf("snapshot of %s: %w", m.id, err)
	}
	p := f.Name()
	f.Close()
	if err := m.s.Snapshot(ctx, p); err != nil {
		_ = os.Remove(p)
		return "", err
	}
	m.b.mu.Lock()
	m.b.snapshots = append(m.b.snapshots, p)
	m.b.mu.Unlock()
	return refSnapshot + p, nil
}

func (m *machine) Destroy(ctx context.Context) error {
	err := m.s.Destroy(ctx)
	sandbox.Untrack(m.s)
	m.b.mu.Lock()
	delete(m.b.machines, m)
	m.b.mu.Unlock()
	return err
}

// runUserData runs user data that is a script ("#!…"), as cloud-init does
// with its output in /var/log/cloud-init-output.log. Other formats
// (#cloud-config) are stored for the guest but not interpreted. A failing
// script does not fail the launch, like on a real instance.
func (m *machine) runUserData(ctx context.Context, encoded string) {
	data, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		data = []byte(encoded)
	}
	script := `mkdir -p /var/lib/cloud/instance && cat >/var/lib/cloud/instance/user-data.txt
case "$(head -c2 /var/lib/cloud/instance/user-data.txt)" in
'#!') chmod 0700 /var/lib/cloud/instance/user-data.txt
      /var/lib/cloud/instance/user-data.txt >>/var/log/cloud-init-output.log 2>&1 ;;
esac`
	if _, _, err := m.s.Exec(ctx, strings.NewReader(string(data)), "/bin/sh", "-c", script); err != nil {
		m.b.cfg.Logf("user data of %s failed: %v", m.id, err)
	}
}
