// Package vmbackend backs tcsim instances with QEMU virtual machines booted
// from qcow2 disks made of the Debian roots tcsim's sandbox backing uses, plus
// a kernel, udev, GRUB's update-grub and a first-boot unit. RunInstances
// boots a VM (systemd as PID 1) in its own network namespace, CreateImage
// freezes the instance's overlay as the image, StopInstances is an ACPI
// shutdown and TerminateInstances destroys VM, disk, tap and namespace.
// See acctest/tcsim/README.md.
package vmbackend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// Backing references this backend understands (MachineSpec.BackingRef).
const (
	refDebian = "debian:" // debian:bookworm | debian:trixie: the release's base disk
	refImage  = "vm:"     // vm:/abs/path.qcow2: written by Machine.Snapshot
)

// Config configures a Backend.
type Config struct {
	// ImageDir receives the disks of CreateImage. Empty: a fresh directory
	// under /var/tmp, removed by Close.
	ImageDir string
	// KeepImages leaves ImageDir and its disks in place on Close.
	KeepImages bool
	// DestroyOnSignal destroys the machines when the process gets SIGINT,
	// SIGTERM or SIGHUP (and then dies of the signal), for test binaries
	// whose t.Cleanup a signal skips.
	DestroyOnSignal bool
	// Accel forces "kvm" or "tcg"; empty probes KVM once and falls back
	// to TCG.
	Accel string
	Logf  func(format string, args ...any)
}

// Backend implements tcsim.Backend with QEMU VMs. Close destroys every
// machine it launched that is still alive.
type Backend struct {
	cfg     Config
	dir     string
	ownsDir bool

	accelOnce sync.Once
	accel     accel
	accelErr  error

	mu       sync.Mutex
	closed   bool
	machines map[*machine]bool
	images   []string // disks written into a directory we do not own
}

var _ tcsim.Backend = (*Backend)(nil)

// New checks that the machine can run VMs and prepares the image directory.
func New(cfg Config) (*Backend, error) {
	if err := Capable(); err != nil {
		return nil, fmt.Errorf("vm backing: %w", err)
	}
	if cfg.Accel != "" && cfg.Accel != "kvm" && cfg.Accel != "tcg" {
		return nil, fmt.Errorf("vm backing: Config.Accel %q: use kvm, tcg or leave it empty to probe", cfg.Accel)
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	b := &Backend{cfg: cfg, machines: map[*machine]bool{}}
	if cfg.ImageDir != "" {
		abs, err := filepath.Abs(cfg.ImageDir)
		if err == nil {
			err = os.MkdirAll(abs, 0o700)
		}
		if err != nil {
			return nil, fmt.Errorf("vm backing: Config.ImageDir: %w", err)
		}
		b.dir = abs
	}
	return b, nil
}

// imageDir returns the image directory, creating the temporary one on the
// first CreateImage: a process killed by a signal before that (when only
// its machines are destroyed) leaves no empty directory behind. The caller
// holds b.mu.
func (b *Backend) imageDirLocked() (string, error) {
	if b.dir == "" {
		// /var/tmp, like the sandbox state directory: overlays are
		// hard-linked into images, which needs one file system.
		d, err := os.MkdirTemp("/var/tmp", "tcsim-vm-images-")
		if err != nil {
			return "", fmt.Errorf("vm backing: image directory: %w", err)
		}
		b.dir, b.ownsDir = d, !b.cfg.KeepImages
	}
	return b.dir, nil
}

// ImageDir is where CreateImage disks go ("" before the first one when
// Config.ImageDir is empty).
func (b *Backend) ImageDir() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dir
}

// Accelerator is the accelerator VMs use ("kvm" or "tcg", with the reason),
// probing it on first use.
func (b *Backend) Accelerator(ctx context.Context, boot Boot) (string, error) {
	b.accelOnce.Do(func() { b.accel, b.accelErr = chooseAccel(ctx, b.cfg.Accel, boot, b.cfg.Logf) })
	return b.accel.name, b.accelErr
}

// resolve turns a backing reference into the disk to layer an overlay on.
func (b *Backend) resolve(ctx context.Context, ref string) (string, error) {
	switch {
	case strings.HasPrefix(ref, refDebian):
		return BaseDisk(ctx, strings.TrimPrefix(ref, refDebian), b.cfg.Logf)
	case strings.HasPrefix(ref, refImage):
		p := strings.TrimPrefix(ref, refImage)
		if !filepath.IsAbs(p) {
			return "", fmt.Errorf("backing reference %q: image path must be absolute", ref)
		}
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("backing reference %q: image disk is gone: %w", ref, err)
		}
		return p, nil
	}
	return "", fmt.Errorf("backing reference %q cannot be backed by a VM: only Debian (debian:bookworm, debian:trixie) and images made from VM-backed instances", ref)
}

// Launch boots a VM for a RunInstances or ResetInstance call and returns
// once its sshd answers.
func (b *Backend) Launch(ctx context.Context, spec tcsim.MachineSpec) (tcsim.Machine, error) {
	parent, err := b.resolve(ctx, spec.BackingRef)
	if err != nil {
		return nil, err
	}
	boot, err := readBoot(parent)
	if err != nil {
		return nil, err
	}
	if _, err := b.Accelerator(ctx, boot); err != nil {
		return nil, err
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return nil, errClosed
	}
	slot, err := sandbox.NewNetSlot(ctx, b.cfg.Logf)
	if err != nil {
		return nil, fmt.Errorf("launch %s: %w", spec.InstanceID, err)
	}
	if b.cfg.DestroyOnSignal {
		sandbox.Track(slot)
	}
	m := &machine{b: b, id: spec.InstanceID, slot: slot, boot: boot, disk: filepath.Join(slot.Dir(), "disk-0.qcow2")}
	ok := false
	defer func() {
		if !ok {
			if derr := m.Destroy(context.WithoutCancel(ctx)); derr != nil {
				b.cfg.Logf("cleanup of failed vm %s: %v", spec.InstanceID, derr)
			}
		}
	}()
	b.mu.Lock()
	if b.closed { // Close ran while we prepared: do not leak the machine
		b.mu.Unlock()
		return nil, errClosed
	}
	b.machines[m] = true
	b.mu.Unlock()
	if m.mac, err = newMAC(); err != nil {
		return nil, err
	}
	if err := run(ctx, "qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", parent, m.disk); err != nil {
		return nil, fmt.Errorf("launch %s: overlay disk: %w", spec.InstanceID, err)
	}
	seed, err := m.writeSeed(spec)
	if err != nil {
		return nil, fmt.Errorf("launch %s: seed: %w", spec.InstanceID, err)
	}
	if err := m.start(ctx, seed); err != nil {
		return nil, fmt.Errorf("launch %s from %s: %w", spec.InstanceID, spec.BackingRef, err)
	}
	ok = true
	return m, nil
}

// keepImage links a frozen overlay into the image directory (a copy where
// hard links cannot reach) and records how it boots.
func (b *Backend) keepImage(ctx context.Context, id, frozen string, boot Boot) (string, error) {
	b.mu.Lock()
	dir, err := b.imageDirLocked()
	b.mu.Unlock()
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, id+"-*.qcow2")
	if err != nil {
		return "", err
	}
	img := f.Name()
	f.Close()
	_ = os.Remove(img)
	if err := os.Link(frozen, img); err != nil {
		if cerr := run(ctx, "cp", "--sparse=always", frozen, img); cerr != nil {
			return "", errors.Join(err, cerr)
		}
	}
	if err := writeBoot(img, boot); err != nil {
		_ = os.Remove(img)
		return "", err
	}
	b.mu.Lock()
	b.images = append(b.images, img, bootFile(img))
	b.mu.Unlock()
	return img, nil
}

func (b *Backend) forget(m *machine) {
	b.mu.Lock()
	delete(b.machines, m)
	b.mu.Unlock()
}

// Close destroys every machine still alive and, unless configured to keep
// them, the image disks: the whole directory when it is ours, else only the
// files we wrote into it.
func (b *Backend) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	ms := make([]*machine, 0, len(b.machines))
	for m := range b.machines {
		ms = append(ms, m)
	}
	remove := b.images
	if b.ownsDir {
		remove = []string{b.dir}
	} else if b.cfg.KeepImages {
		remove = nil
	}
	b.images = nil
	b.mu.Unlock()
	var errs []error
	for _, m := range ms {
		errs = append(errs, m.Destroy(ctx))
	}
	for _, p := range remove {
		if err := os.RemoveAll(p); err != nil {
			errs = append(errs, fmt.Errorf("remove VM image %s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}
