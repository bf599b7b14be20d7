package vmbackend

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// Machine timings. Boots under TCG on a loaded 2-core host take tens of
// seconds; the bounds are generous so that load never fails a launch, and
// a machine that does not come up still ends with an error naming its
// console log.
const (
	bootTimeout = 15 * time.Minute
	stopTimeout = 2 * time.Minute // ACPI shutdown, then the process is killed
)

// machine is one QEMU VM behind a tcsim instance. It lives in a network slot
// (sandbox.NewNetSlot): the QEMU process runs in the slot's namespace, its
// NIC is the slot's tap and its disk is in the slot's directory, so
// destroying the slot removes all of it, also after a crash.
type machine struct {
	b    *Backend
	id   string
	slot *sandbox.Sandbox
	boot Boot
	mac  string

	mu     sync.Mutex
	disk   string        // the instance's current overlay (changes on CreateImage)
	gen    int           // overlays made so far
	cmd    *exec.Cmd     // the running QEMU, nil when stopped
	exited chan struct{} // closed when cmd has exited
}

var _ tcsim.Machine = (*machine)(nil)

func (m *machine) Address() string { return m.slot.Addr() }
func (m *machine) console() string { return filepath.Join(m.slot.Dir(), "console.log") }
func (m *machine) qmpSocket() string {
	return filepath.Join(m.slot.Dir(), "qmp.sock")
}

// writeSeed writes the files QEMU hands to the first-boot unit via fw_cfg.
func (m *machine) writeSeed(spec tcsim.MachineSpec) ([]string, error) {
	dir := filepath.Join(m.slot.Dir(), "seed")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	user := spec.LoginUser
	if user == "" {
		user = "root"
	}
	host := strings.ToLower(spec.InstanceID)
	if !hostnameOK(host) {
		host = m.slot.Name()
	}
	meta := fmt.Sprintf("instance-id=%s\nhostname=%s\nmac=%s\naddress=%s/30\ngateway=%s\nproxy=%s\nlogin-user=%s\n",
		spec.InstanceID, host, m.mac, m.slot.Addr(), m.slot.HostAddr(), sandbox.ProxyAddr(), user)
	files := map[string]string{"meta": meta, "authorized-keys": strings.Join(spec.AuthorizedKeys, "\n") + "\n"}
	if spec.Password != "" {
		files["password"] = spec.Password
	}
	if spec.UserData != "" {
		data, err := base64.StdEncoding.DecodeString(spec.UserData)
		if err != nil {
			data = []byte(spec.UserData)
		}
		files["user-data"] = string(data)
	}
	var args []string
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			return nil, err
		}
		args = append(args, "-fw_cfg", "name=opt/hardened/"+name+",file="+p)
	}
	return args, nil
}

func hostnameOK(h string) bool {
	if h == "" || len(h) > 63 || h[0] == '-' || h[len(h)-1] == '-' {
		return false
	}
	for _, c := range h {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// qemuArgs is the VM: the TCG settings (or KVM where the probe
// found it usable), direct kernel boot with the image's grub.cfg command
// line, virtio disk, NIC on the slot's tap, serial console to a file, QMP.
func (m *machine) qemuArgs(seed []string) []string {
	args := append([]string{"-name", "tcsim-" + m.id, "-nodefaults", "-no-user-config", "-display", "none", "-vga", "none"},
		m.b.accel.args...)
	args = append(args, "-smp", "2", "-m", "1024", "-rtc", "base=utc",
		"-chardev", "file,id=con,path="+m.console()+",append=on", "-serial", "chardev:con",
		"-kernel", m.boot.Kernel, "-initrd", m.boot.Initrd, "-append", m.boot.Cmdline,
		"-drive", "id=disk0,if=none,format=qcow2,file="+m.disk, "-device", "virtio-blk-pci,drive=disk0",
		"-netdev", "tap,id=net0,ifname="+sandbox.NetSlotTap+",script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=net0,mac="+m.mac,
		"-device", "virtio-rng-pci",
		"-qmp", "unix:"+m.qmpSocket()+",server=on,wait=off")
	return append(args, seed...)
}

// start boots the VM and waits until its sshd answers.
func (m *machine) start(ctx context.Context, seed []string) error {
	m.mu.Lock()
	if m.cmd != nil {
		m.mu.Unlock()
		return nil
	}
	_ = os.Remove(m.qmpSocket())
	cmd := exec.Command("nsenter", append([]string{"--net=/run/netns/" + m.slot.Name(), "--", "qemu-system-x86_64"}, m.qemuArgs(seed)...)...)
	// Its own process group, so a Ctrl-C to the terminal reaches the test
	// (which destroys the slot) and not QEMU first; and killed with us.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	logf, err := os.OpenFile(filepath.Join(m.slot.Dir(), "qemu.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		m.mu.Unlock()
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		m.mu.Unlock()
		return fmt.Errorf("start QEMU for %s: %w", m.id, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(exited) }()
	m.cmd, m.exited = cmd, exited
	m.mu.Unlock()
	if err := m.waitSSH(ctx, exited); err != nil {
		m.kill()
		return err
	}
	m.b.cfg.Logf("vm %s (%s) up at %s:22 in %s (%s)", m.id, m.slot.Name(), m.Address(), time.Since(t0).Round(100*time.Millisecond), m.b.accel.name)
	return nil
}

// waitSSH waits for the SSH banner on the guest address.
func (m *machine) waitSSH(ctx context.Context, exited <-chan struct{}) error {
	deadline := time.Now().Add(bootTimeout)
	addr := net.JoinHostPort(m.Address(), "22")
	for {
		select {
		case <-exited:
			return fmt.Errorf("vm %s: QEMU exited during boot (%s; console %s): %s", m.id,
				tail(readFile(filepath.Join(m.slot.Dir(), "qemu.log")), 400), m.console(), tail(readFile(m.console()), 1200))
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 2*time.Second); err == nil {
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-") {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("vm %s: no SSH on %s after %s (console %s): %s", m.id, addr, bootTimeout, m.console(), tail(readFile(m.console()), 1200))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

// kill ends QEMU at once and waits for it.
func (m *machine) kill() {
	m.mu.Lock()
	cmd, exited := m.cmd, m.exited
	m.cmd = nil
	m.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-exited
}

// Stop is StopInstances: an ACPI power-button press (QMP system_powerdown),
// so systemd shuts the guest down cleanly; after stopTimeout QEMU is killed.
func (m *machine) Stop(ctx context.Context) error {
	m.mu.Lock()
	cmd, exited := m.cmd, m.exited
	m.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if _, err := qmp(ctx, m.qmpSocket(), "system_powerdown", nil); err != nil {
		m.b.cfg.Logf("vm %s: ACPI shutdown request failed, killing it: %v", m.id, err)
		m.kill()
		return nil
	}
	select {
	case <-exited:
		m.mu.Lock()
		m.cmd = nil
		m.mu.Unlock()
		m.b.cfg.Logf("vm %s shut down (ACPI)", m.id)
	case <-time.After(stopTimeout):
		m.b.cfg.Logf("vm %s did not shut down within %s of the ACPI request: killed", m.id, stopTimeout)
		m.kill()
	case <-ctx.Done():
		m.kill()
		return ctx.Err()
	}
	return nil
}

// Start is StartInstances: boot the same disk again (the seed is unchanged,
// so the first-boot unit only sets the network up).
func (m *machine) Start(ctx context.Context) error {
	seed, err := m.seedArgs()
	if err != nil {
		return err
	}
	return m.start(ctx, seed)
}

func (m *machine) seedArgs() ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(m.slot.Dir(), "seed"))
	if err != nil {
		return nil, fmt.Errorf("seed of %s: %w", m.id, err)
	}
	var args []string
	for _, e := range ents {
		args = append(args, "-fw_cfg", "name=opt/hardened/"+e.Name()+",file="+filepath.Join(m.slot.Dir(), "seed", e.Name()))
	}
	return args, nil
}

// Snapshot is CreateImage: the instance's overlay is frozen as the image
// (a qcow2 whose backing chain ends at the base disk) and the instance goes
// on writing to a fresh overlay on top of it. A running VM switches overlays
// live (QMP blockdev-snapshot-sync), so the image is crash-consistent, like
// a cloud disk snapshot; nothing is copied.
func (m *machine) Snapshot(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	next := filepath.Join(m.slot.Dir(), fmt.Sprintf("disk-%d.qcow2", m.gen))
	if m.cmd != nil {
		if _, err := qmp(ctx, m.qmpSocket(), "blockdev-snapshot-sync",
			map[string]any{"device": "disk0", "snapshot-file": next, "format": "qcow2"}); err != nil {
			return "", fmt.Errorf("snapshot of %s: %w", m.id, err)
		}
	} else if err := run(ctx, "qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", m.disk, next); err != nil {
		return "", fmt.Errorf("snapshot of %s: %w", m.id, err)
	}
	frozen := m.disk
	m.disk = next
	img, err := m.b.keepImage(ctx, m.id, frozen, m.boot)
	if err != nil {
		return "", fmt.Errorf("snapshot of %s: %w", m.id, err)
	}
	return refImage + img, nil
}

// Destroy is TerminateInstances: the VM is killed and the slot (namespace,
// tap, veth, directory with the overlays and the seed) removed.
func (m *machine) Destroy(ctx context.Context) error {
	m.kill()
	err := m.slot.Destroy(context.WithoutCancel(ctx))
	sandbox.Untrack(m.slot)
	m.b.forget(m)
	return err
}

func newMAC() (string, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	h := hex.EncodeToString(b[:])
	return "52:54:00:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6], nil
}

var errClosed = errors.New("vm backing is closed")
