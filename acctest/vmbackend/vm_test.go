package vmbackend

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

const region = "ap-guangzhou"

// vmClient is the unmodified SDK CVM client against an in-process tcsim
// whose instances are VMs of b.
type vmClient struct {
	t *testing.T
	c *cvm.Client
}

func startTCSim(t *testing.T, b *Backend) vmClient {
	srv := tcsim.StartForTest(t, tcsim.WithBackend(b))
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint, cpf.HttpProfile.Scheme = srv.Endpoint(), "HTTP"
	c, err := cvm.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), region, cpf)
	if err != nil {
		t.Fatal(err)
	}
	return vmClient{t: t, c: c}
}

func newBackendForTest(t *testing.T) *Backend {
	b, err := New(Config{Logf: t.Logf, DestroyOnSignal: true})
	if err != nil {
		t.Fatal(err)
	}
	// Registered before tcsim's own cleanup, so it runs after tcsim shut down.
	t.Cleanup(func() {
		if err := b.Close(context.Background()); err != nil {
			t.Errorf("close vm backing: %v", err)
		}
		if d := b.ImageDir(); d != "" {
			if _, err := os.Stat(d); !os.IsNotExist(err) {
				t.Errorf("image directory %s left behind", d)
			}
		}
	})
	return b
}

// instance returns the DescribeInstances view of id, nil once it is gone.
func (v vmClient) instance(id string) *cvm.Instance {
	r := cvm.NewDescribeInstancesRequest()
	r.InstanceIds = common.StringPtrs([]string{id})
	resp, err := v.c.DescribeInstances(r)
	if err != nil {
		v.t.Fatal(err)
	}
	if len(resp.Response.InstanceSet) == 0 {
		return nil
	}
	return resp.Response.InstanceSet[0]
}

// waitIdle waits until id is in state (no operation running); "" waits for it to be gone.
func (v vmClient) waitIdle(id, state string) *cvm.Instance {
	v.t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		in := v.instance(id)
		switch {
		case in == nil && state == "":
			return nil
		case in != nil && *in.InstanceState == "LAUNCH_FAILED":
			v.t.Fatalf("%s: LAUNCH_FAILED: %v", id, strPtr(in.LatestOperationErrorMsg))
		case in != nil && *in.InstanceState == state && strPtr(in.LatestOperationState) != "OPERATING":
			if s := strPtr(in.LatestOperationState); s == "FAILED" {
				v.t.Fatalf("%s: %s failed: %s", id, strPtr(in.LatestOperation), strPtr(in.LatestOperationErrorMsg))
			}
			return in
		}
		time.Sleep(250 * time.Millisecond)
	}
	v.t.Fatalf("%s did not reach %q", id, state)
	return nil
}

func strPtr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (v vmClient) debian12() string {
	r := cvm.NewDescribeImagesRequest()
	r.Filters = []*cvm.Filter{{Name: common.StringPtr("platform"), Values: common.StringPtrs([]string{"Debian"})}}
	r.Limit = common.Uint64Ptr(100)
	resp, err := v.c.DescribeImages(r)
	if err != nil {
		v.t.Fatal(err)
	}
	for _, im := range resp.Response.ImageSet {
		if *im.OsName == "Debian 12.4 64位" && *im.Architecture == "x86_64" {
			return *im.ImageId
		}
	}
	v.t.Fatal("tcsim has no Debian 12.4 image")
	return ""
}

func loadAverage() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func sshKey(t *testing.T) (ssh.Signer, string) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader) // fails only if crypto/rand does
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}

func sshRun(t *testing.T, addr string, signer ssh.Signer, cmd string) string {
	t.Helper()
	cl, err := ssh.Dial("tcp", net.JoinHostPort(addr, "22"), &ssh.ClientConfig{User: "root",
		Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("ssh root@%s with the key pair: %v", addr, err)
	}
	defer cl.Close()
	s, err := cl.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.CombinedOutput(cmd)
	if err != nil {
		t.Fatalf("%s on %s: %v: %s", cmd, addr, err, out)
	}
	return string(out)
}

// TestVMInstanceLifecycle launches a Debian 12 VM through tcsim with the
// SDK, logs in with the key pair, checks systemd is PID 1 and the system is
// running with the image's grub.cfg command line, reboots it, makes an image
// of it, terminates it and checks nothing of it is left.
func TestVMInstanceLifecycle(t *testing.T) {
	skipUnlessVM(t)
	b := newBackendForTest(t)
	v := startTCSim(t, b)
	signer, pub := sshKey(t)
	kp := cvm.NewImportKeyPairRequest()
	kp.KeyName, kp.ProjectId, kp.PublicKey = common.StringPtr("vm_test"), common.Int64Ptr(0), common.StringPtr(pub)
	kpResp, err := v.c.ImportKeyPair(kp)
	if err != nil {
		t.Fatal(err)
	}
	img := v.debian12()
	// Build (or reuse) the base disk first, so the boot time below is a boot.
	disk, err := BaseDisk(context.Background(), "bookworm", t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	boot, err := readBoot(disk)
	if err != nil {
		t.Fatal(err)
	}

	t0 := time.Now()
	r := cvm.NewRunInstancesRequest()
	r.ImageId, r.Placement = common.StringPtr(img), &cvm.Placement{Zone: common.StringPtr(region + "-3")}
	r.LoginSettings = &cvm.LoginSettings{KeyIds: common.StringPtrs([]string{*kpResp.Response.KeyId})}
	resp, err := v.c.RunInstances(r)
	if err != nil {
		t.Fatal(err)
	}
	id := *resp.Response.InstanceIdSet[0]
	in := v.waitIdle(id, "RUNNING")
	addr := *in.PrivateIpAddresses[0]
	t.Logf("RunInstances → RUNNING with SSH at %s in %s (load average %s, %s)", addr, time.Since(t0).Round(100*time.Millisecond), loadAverage(), b.accel.name)
	m := machineOf(t, b, id)

	got := sshRun(t, addr, signer, "cat /proc/1/comm; hostname; cat /proc/cmdline; timeout 300 systemctl is-system-running --wait || systemctl --failed --no-legend")
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) < 4 || lines[0] != "systemd" || lines[1] != strings.ToLower(id) || lines[2] != boot.Cmdline || lines[3] != "running" {
		t.Fatalf("VM %s: PID 1, host name, /proc/cmdline, is-system-running =\n%s\nwant systemd, %s, %q (from grub.cfg), running", id, got, strings.ToLower(id), boot.Cmdline)
	}
	bootID := sshRun(t, addr, signer, "cat /proc/sys/kernel/random/boot_id")

	t1 := time.Now()
	rb := cvm.NewRebootInstancesRequest()
	rb.InstanceIds = common.StringPtrs([]string{id})
	if _, err := v.c.RebootInstances(rb); err != nil {
		t.Fatal(err)
	}
	v.waitIdle(id, "RUNNING")
	t.Logf("RebootInstances → RUNNING with SSH in %s", time.Since(t1).Round(100*time.Millisecond))
	if again := sshRun(t, addr, signer, "cat /proc/sys/kernel/random/boot_id; timeout 300 systemctl is-system-running --wait"); strings.HasPrefix(again, bootID) || !strings.HasSuffix(again, "running\n") {
		t.Fatalf("after RebootInstances: boot id and state %q (boot id before %q)", again, bootID)
	}

	t2 := time.Now()
	ci := cvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName = common.StringPtr(id), common.StringPtr("vm-e2e")
	ciResp, err := v.c.CreateImage(ci)
	if err != nil {
		t.Fatal(err)
	}
	imageID := *ciResp.Response.ImageId
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		d := cvm.NewDescribeImagesRequest()
		d.ImageIds = common.StringPtrs([]string{imageID})
		dr, err := v.c.DescribeImages(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(dr.Response.ImageSet) == 1 && *dr.Response.ImageSet[0].ImageState == "NORMAL" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("image %s not NORMAL after 2 min", imageID)
		}
	}
	t.Logf("CreateImage of the running VM → NORMAL in %s", time.Since(t2).Round(time.Millisecond))
	sshRun(t, addr, signer, "echo still-writing-after-createimage > /root/after && sync")

	slot, dir := m.slot.Name(), m.slot.Dir()
	term := cvm.NewTerminateInstancesRequest()
	term.InstanceIds = common.StringPtrs([]string{id})
	if _, err := v.c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	v.waitIdle(id, "")
	assertGone(t, slot, dir, id)
}

// machineOf finds the VM behind an instance.
func machineOf(t *testing.T, b *Backend, id string) *machine {
	b.mu.Lock()
	defer b.mu.Unlock()
	for m := range b.machines {
		if m.id == id {
			return m
		}
	}
	t.Fatalf("no VM for %s", id)
	return nil
}

// assertGone checks that no QEMU process, namespace, tap, veth or disk of a VM is left.
func assertGone(t *testing.T, slot, dir, id string) {
	t.Helper()
	if out, err := exec.Command("pgrep", "-f", "qemu-system-x86_64 -name tcsim-"+id+" ").CombinedOutput(); err == nil {
		t.Errorf("QEMU of %s still runs: %s", id, out)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", slot)); !os.IsNotExist(err) {
		t.Errorf("network namespace %s left (%v)", slot, err)
	}
	if _, err := os.Stat(filepath.Join("/sys/class/net", slot)); !os.IsNotExist(err) {
		t.Errorf("veth %s left (%v)", slot, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("VM directory %s (disks, seed) left (%v)", dir, err)
	}
}
