package engine

import (
	"context"
	"fmt"
	"os"
	"time"
)

// DefaultBackend picks the package backend for a target: apt-get or dnf
// inside the target. There is deliberately no fallback that edits a package
// database by hand: a target without package tools fails loudly here, and
// tests that need one inject enginetest.FixtureBackend through
// ExecOptions.Packages.
func DefaultBackend(t *Target) (PackageBackend, error) {
	switch {
	case t.HasCommand("apt-get"):
		return AptBackend{}, nil
	case t.HasCommand("dnf"):
		return DnfBackend{}, nil
	}
	return nil, fmt.Errorf("no apt-get or dnf in target %s: cannot change packages (install them first or waive the package rules)", t.Root())
}

// AptBackend runs one apt-get transaction inside the target. In image mode
// a policy-rc.d forbids maintainer scripts from starting services, so
// installing auditd or fail2ban into an image never starts daemons.
type AptBackend struct{}

func (AptBackend) Apply(ctx context.Context, t *Target, install, remove []string) error {
	ctx, cancel := packageContext(ctx)
	defer cancel()
	if t.Mode() == ModeImage {
		done, err := blockServiceStarts(t)
		if err != nil {
			return err
		}
		defer done()
	}
	args := []string{"apt-get", "-y", "-q", "-o", aptLockWait, "--purge", "--no-install-recommends",
		"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"}
	if t.Mode() == ModeImage {
		// An interrupted image build is rebuilt, never resumed: skip dpkg's
		// per-file fsync, which dominates install time on small VMs.
		args = append(args, "-o", "Dpkg::Options::=--force-unsafe-io")
	}
	args = append(args, "install")
	args = append(args, install...)
	for _, r := range remove {
		args = append(args, r+"-")
	}
	if _, _, err := t.Run(ctx, nil, args...); err != nil {
		return fmt.Errorf("apt transaction: %w", err)
	}
	return nil
}

// blockServiceStarts installs /usr/sbin/policy-rc.d (exit 101) unless one
// exists, returning a function that removes it again.
func blockServiceStarts(t *Target) (func(), error) {
	hp, err := t.HostPath("/usr/sbin/policy-rc.d")
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(hp); err == nil {
		return func() {}, nil
	}
	if err := os.WriteFile(hp, []byte("#!/bin/sh\n# harden: no service starts inside an image build\nexit 101\n"), 0o755); err != nil {
		return nil, fmt.Errorf("write policy-rc.d: %w", err)
	}
	return func() { os.Remove(hp) }, nil
}

// aptLockWait makes apt wait for the dpkg lock instead of failing: on a
// freshly booted cloud VM, cloud-init or apt-daily often holds it for the
// first minutes of an image build.
const aptLockWait = "DPkg::Lock::Timeout=600"

// packageTimeout bounds one package manager run that was started.
const packageTimeout = 30 * time.Minute

// packageContext detaches a package manager run from cancellation: killing
// apt or dpkg half-way leaves a broken package database in the image, so an
// interrupt takes effect after the running transaction (the file steps that
// follow are skipped and rolled back). A hung run still ends at packageTimeout.
func packageContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), packageTimeout)
}

// DnfBackend runs dnf inside the target: one install, one remove.
type DnfBackend struct{}

func (DnfBackend) Apply(ctx context.Context, t *Target, install, remove []string) error {
	ctx, cancel := packageContext(ctx)
	defer cancel()
	if len(install) > 0 {
		if _, _, err := t.Run(ctx, nil, append([]string{"dnf", "-y", "-q", "install"}, install...)...); err != nil {
			return fmt.Errorf("dnf install: %w", err)
		}
	}
	if len(remove) > 0 {
		if _, _, err := t.Run(ctx, nil, append([]string{"dnf", "-y", "-q", "remove"}, remove...)...); err != nil {
			return fmt.Errorf("dnf remove: %w", err)
		}
	}
	return nil
}
