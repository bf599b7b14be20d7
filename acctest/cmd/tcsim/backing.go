package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandboxbackend"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/vmbackend"
)

// newBackend builds the machine backend named by --backing. It returns the backend (nil for
// API-only instances) and a cleanup function run after tcsim has shut down (and so after every
// machine was destroyed).
func newBackend(ctx context.Context, kind string, logf func(string, ...any)) (tcsim.Backend, func() error, error) {
	noop := func() error { return nil }
	switch kind {
	case "none":
		return nil, noop, nil
	case "sandbox":
		// Images made by CreateImage are tarballs in a temporary directory removed at
		// shutdown; TCSIM_SANDBOX_IMAGE_DIR keeps them (with --state-file, across runs).
		cfg := sandboxbackend.Config{}
		if d := os.Getenv("TCSIM_SANDBOX_IMAGE_DIR"); d != "" {
			cfg.SnapshotDir, cfg.KeepSnapshots = d, true
		}
		b, err := sandboxbackend.New(cfg)
		if err != nil {
			return nil, noop, fmt.Errorf("--backing sandbox: %w", err)
		}
		return b, func() error { return b.Close(context.WithoutCancel(ctx)) }, nil
	case "vm":
		// Like sandbox images, CreateImage disks live in a temporary directory removed at
		// shutdown; TCSIM_VM_IMAGE_DIR keeps them. TCSIM_VM_ACCEL=kvm|tcg skips the KVM probe.
		cfg := vmbackend.Config{Accel: os.Getenv("TCSIM_VM_ACCEL"), Logf: logf}
		if d := os.Getenv("TCSIM_VM_IMAGE_DIR"); d != "" {
			cfg.ImageDir, cfg.KeepImages = d, true
		}
		b, err := vmbackend.New(cfg)
		if err != nil {
			return nil, noop, fmt.Errorf("--backing vm: %w", err)
		}
		return b, func() error { return b.Close(context.WithoutCancel(ctx)) }, nil
	default:
		return nil, noop, fmt.Errorf("--backing %q: use none, sandbox or vm", kind)
	}
}
