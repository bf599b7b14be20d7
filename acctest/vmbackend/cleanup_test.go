package vmbackend

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// ownedSlots lists the sandbox state directories whose owner is this
// process: after a failed launch there must be none left.
func ownedSlots(t *testing.T) []string {
	t.Helper()
	dirs, _ := filepath.Glob("/var/tmp/hardened-sandbox/hsb-*/state.json")
	var mine []string
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var st struct {
			Owner struct {
				PID int `json:"pid"`
			} `json:"owner"`
		}
		if json.Unmarshal(b, &st) == nil && st.Owner.PID == os.Getpid() {
			mine = append(mine, filepath.Dir(f))
		}
	}
	return mine
}

// TestFailedLaunchLeavesNothing: a VM that cannot boot (its image names a
// kernel that is not there) fails the launch with QEMU's reason, and its
// namespace, tap and disk are gone.
func TestFailedLaunchLeavesNothing(t *testing.T) {
	skipUnlessVM(t)
	ctx := context.Background()
	b := newBackendForTest(t)
	base, err := BaseDisk(ctx, "bookworm", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	boot, err := readBoot(base)
	if err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(t.TempDir(), "broken.qcow2")
	if err := run(ctx, "qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, broken); err != nil {
		t.Fatal(err)
	}
	boot.Kernel = filepath.Join(filepath.Dir(broken), "no-such-vmlinuz")
	if err := writeBoot(broken, boot); err != nil {
		t.Fatal(err)
	}
	_, err = b.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-broken1", BackingRef: refImage + broken, LoginUser: "root"})
	if err == nil || !strings.Contains(err.Error(), "QEMU exited during boot") {
		t.Fatalf("launch of an unbootable image: %v, want QEMU's exit named", err)
	}
	if left := ownedSlots(t); len(left) > 0 {
		t.Fatalf("failed launch left %v", left)
	}
	if _, err := b.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-u", BackingRef: "snapshot:/x.tar"}); err == nil || !strings.Contains(err.Error(), "cannot be backed by a VM") {
		t.Fatalf("launch of a sandbox snapshot: %v, want a clear refusal", err)
	}
}

const envInterruptChild = "HARDENED_VM_INTERRUPT_CHILD"

// TestInterruptLeavesNothing starts a VM in a child test process, sends it
// SIGINT (Ctrl-C skips t.Cleanup) and checks the VM, its namespace, tap and
// disk are gone once the child has died.
func TestInterruptLeavesNothing(t *testing.T) {
	skipUnlessVM(t)
	if os.Getenv(envInterruptChild) != "" {
		interruptChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInterruptLeavesNothing$", "-test.v", "-test.timeout=15m")
	cmd.Env = append(os.Environ(), envInterruptChild+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var slot, dir, id string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == "VMUP" {
			slot, dir, id = f[1], f[2], f[3]
			break
		}
		t.Log("child: " + sc.Text())
	}
	if slot == "" {
		t.Fatal("the child never reported its VM up")
	}
	if _, err := os.Stat(filepath.Join("/run/netns", slot)); err != nil {
		t.Fatalf("child's VM namespace: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	go func() {
		for sc.Scan() {
			t.Log("child: " + sc.Text())
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		t.Logf("child after SIGINT: %v", err)
	case <-time.After(2 * time.Minute):
		t.Fatal("child did not exit within 2 min of SIGINT")
	}
	assertGone(t, slot, dir, id)
}

func interruptChild(t *testing.T) {
	b, err := New(Config{Logf: t.Logf, DestroyOnSignal: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Launch(context.Background(), tcsim.MachineSpec{InstanceID: "ins-sigint1", BackingRef: "debian:bookworm", LoginUser: "root"})
	if err != nil {
		t.Fatal(err)
	}
	vm := m.(*machine)
	// Not t.Log: the parent reads this line from stdout as it is written.
	os.Stdout.WriteString("VMUP " + vm.slot.Name() + " " + vm.slot.Dir() + " ins-sigint1\n")
	time.Sleep(10 * time.Minute) // the parent interrupts us long before
	t.Fatal("not interrupted")
}
