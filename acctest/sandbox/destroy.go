package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Destroy stops every process of the sandbox and removes its veth, network
// namespace, mounts and files. It is idempotent and keeps going after a
// failed step, so that one stuck object does not keep the others alive.
func (s *Sandbox) Destroy(ctx context.Context) error {
	return s.destroy(ctx, s.logf)
}

func (s *Sandbox) destroy(ctx context.Context, logf func(string, ...any)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.destroyed {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // half a destroy is worse than a slow one
	lock, err := globalLock(ctx)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if err := destroyLocked(ctx, s.st, logf); err != nil {
		return err
	}
	s.destroyed = true
	return nil
}

// destroyLocked tears down everything recorded in st; the caller holds the
// global lock.
func destroyLocked(ctx context.Context, st *state, logf func(string, ...any)) error {
	var errs []error
	// Killing the holder kills init (--kill-child), and with it the whole pid
	// namespace; the netns sweep catches nsenter parents and anything else.
	killGroup(ctx, st.SSHD, 0)
	killGroup(ctx, st.Holder, 0)
	if err := killNetns(ctx, st.Name); err != nil {
		errs = append(errs, err)
	}
	if linkExists(st.Name) {
		if _, err := run(ctx, "ip", "link", "del", st.Name); err != nil && linkExists(st.Name) {
			errs = append(errs, err)
		}
	}
	if _, err := os.Stat("/run/netns/" + st.Name); err == nil {
		if _, err := run(ctx, "ip", "netns", "del", st.Name); err != nil {
			errs = append(errs, err)
		}
	}
	if err := removeTree(ctx, st.Dir); err != nil {
		errs = append(errs, err)
	}
	if err := releaseProxy(ctx); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("destroy sandbox %s: %w", st.Name, errors.Join(errs...))
	}
	if logf != nil {
		logf("sandbox %s destroyed", st.Name)
	}
	return nil
}

// releaseProxy stops the apt proxy and removes unpacked snapshots when no
// sandbox is left.
func releaseProxy(ctx context.Context) error {
	sts, broken, err := listStates()
	if err != nil {
		return err
	}
	if len(sts)+len(broken) > 0 {
		return nil
	}
	return errors.Join(stopProxy(ctx, stateDir()), removeImages(ctx))
}

// CleanupOptions select what Cleanup removes.
type CleanupOptions struct {
	// All also removes sandboxes whose owner still runs and detached ones
	// (made by the CLI). Without it only leftovers of dead processes go.
	All  bool
	Logf func(format string, args ...any)
}

// CleanupLeftovers removes what crashed runs left behind: sandboxes whose
// creating process is gone, and any namespace, link, mount or directory that
// carries the NamePrefix but belongs to no live sandbox.
func CleanupLeftovers(ctx context.Context) error {
	return Cleanup(ctx, CleanupOptions{})
}

// Cleanup removes sandboxes and stray objects by name prefix only.
func Cleanup(ctx context.Context, opts CleanupOptions) error {
	if err := Capable(); err != nil {
		return err
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	lock, err := globalLock(ctx)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	sts, broken, err := listStates()
	if err != nil {
		return err
	}
	var errs []error
	keep := map[string]bool{}
	for _, st := range sts {
		leftover := st.Owner.PID != 0 && !st.Owner.alive()
		if !opts.All && !leftover {
			keep[st.Name] = true
			continue
		}
		logf("removing sandbox %s (owner pid %d)", st.Name, st.Owner.PID)
		if err := destroyLocked(ctx, st, logf); err != nil {
			errs = append(errs, err)
		}
	}
	// Directories without readable state: a crash between mkdir and the first
	// save, or a state file from a future version. Only ours by prefix.
	for _, name := range broken {
		logf("removing sandbox directory %s without state", name)
		if err := destroyLocked(ctx, &state{Name: name, Dir: filepath.Join(stateDir(), name)}, logf); err != nil {
			errs = append(errs, err)
		}
	}
	if err := sweepStrays(ctx, keep, logf); err != nil {
		errs = append(errs, err)
	}
	if err := releaseProxy(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// sweepStrays removes prefixed namespaces and links that no kept sandbox owns.
func sweepStrays(ctx context.Context, keep map[string]bool, logf func(string, ...any)) error {
	var errs []error
	nss, _ := os.ReadDir("/run/netns")
	for _, e := range nss {
		n := e.Name()
		if !strings.HasPrefix(n, NamePrefix) || keep[n] {
			continue
		}
		logf("removing stray network namespace %s", n)
		if err := killNetns(ctx, n); err != nil {
			errs = append(errs, err)
		}
		if _, err := run(ctx, "ip", "netns", "del", n); err != nil {
			errs = append(errs, err)
		}
	}
	links, _ := os.ReadDir("/sys/class/net")
	for _, e := range links {
		n := e.Name()
		if !strings.HasPrefix(n, NamePrefix) || keep[n] || n == proxyLink || n == proxyPeer {
			continue
		}
		logf("removing stray link %s", n)
		if _, err := run(ctx, "ip", "link", "del", n); err != nil && linkExists(n) {
			errs = append(errs, err)
		}
	}
	// Base root builds interrupted by a crash leave only directories, which
	// BaseRoot removes itself under the per-release lock.
	return errors.Join(errs...)
}
