package vmbackend

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// accel is the accelerator part of the QEMU command line.
type accel struct {
	name string // "kvm" or "tcg (why)"
	args []string
}

var tcg = []string{"-accel", "tcg,thread=multi", "-cpu", "max"}

// kvmProbeTimeout: a KVM guest prints its first kernel line within a second;
// where nested virtualisation makes KVM unusable, it hangs or QEMU aborts.
const kvmProbeTimeout = 5 * time.Second

// chooseAccel probes KVM once by booting the image's kernel and waiting for
// its first message on the serial console; anything else means TCG.
func chooseAccel(ctx context.Context, force string, boot Boot, logf func(string, ...any)) (accel, error) {
	kvm := accel{name: "kvm", args: []string{"-accel", "kvm", "-cpu", "host"}}
	switch force {
	case "kvm":
		logf("vm backing: accelerator kvm (forced)")
		return kvm, nil
	case "tcg":
		logf("vm backing: accelerator tcg (forced)")
		return accel{name: "tcg (forced)", args: tcg}, nil
	}
	why := probeKVM(ctx, boot)
	if why == "" {
		logf("vm backing: accelerator kvm (kernel message within %s)", kvmProbeTimeout)
		return kvm, nil
	}
	logf("vm backing: accelerator tcg, KVM unusable: %s", why)
	return accel{name: "tcg (kvm: " + why + ")", args: tcg}, nil
}

// probeCmdline is the probe's own command line (it boots no disk, only the
// kernel): the image's may say "quiet", which hides the message we wait for.
const probeCmdline = "console=ttyS0 loglevel=7 panic=-1"

// probeKVM returns "" when KVM boots the kernel, else why not.
func probeKVM(ctx context.Context, boot Boot) string {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return "no /dev/kvm"
	}
	f.Close()
	dir, err := os.MkdirTemp("", "tcsim-kvm-probe-")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(dir)
	log := filepath.Join(dir, "console.log")
	ctx, cancel := context.WithTimeout(ctx, kvmProbeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", "-accel", "kvm", "-cpu", "host", "-m", "256",
		"-nodefaults", "-no-user-config", "-display", "none", "-vga", "none", "-serial", "file:"+log,
		"-kernel", boot.Kernel, "-append", probeCmdline)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, _ := os.Create(filepath.Join(dir, "qemu.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return err.Error()
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	defer func() { cancel(); <-done; out.Close() }()
	for {
		if b, _ := os.ReadFile(log); strings.Contains(string(b), "Linux version") {
			return ""
		}
		select {
		case <-done:
			b, _ := os.ReadFile(filepath.Join(dir, "qemu.log"))
			first, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
			return "QEMU exited: " + tail(first, 160)
		case <-ctx.Done():
			return fmt.Sprintf("no kernel message within %s", kvmProbeTimeout)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
