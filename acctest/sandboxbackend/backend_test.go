package sandboxbackend

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	"golang.org/x/crypto/ssh"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

const region = "ap-guangzhou"

func TestParseRef(t *testing.T) {
	tar := t.TempDir() + "/img.tar"
	if err := os.WriteFile(tar, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref     string
		release string
		snap    string
		wantErr string
	}{
		{ref: "debian:bookworm", release: "bookworm"},
		{ref: "debian:trixie", release: "trixie"},
		{ref: "snapshot:" + tar, snap: tar},
		{ref: "debian:jammy", wantErr: "not supported"},
		{ref: "ubuntu:jammy", wantErr: "cannot be backed"},
		{ref: "snapshot:relative.tar", wantErr: "absolute"},
		{ref: "snapshot:/nonexistent/x.tar", wantErr: "gone"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			o, err := parseRef(tt.ref)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseRef(%q) error = %v, want one containing %q", tt.ref, err, tt.wantErr)
				}
				return
			}
			if err != nil || o.Release != tt.release || o.FromSnapshot != tt.snap {
				t.Fatalf("parseRef(%q) = %+v, %v", tt.ref, o, err)
			}
		})
	}
}

// TestThroughTCSim is the second "done when", driven by the unmodified
// tencentcloud-sdk-go CVM client against an in-process tcsim.
func TestThroughTCSim(t *testing.T) {
	if err := sandbox.Capable(); err != nil {
		t.Skip(err.Error())
	}
	ctx := context.Background()
	b, err := New(Config{Logf: t.Logf, DestroyOnSignal: true})
	if err != nil {
		t.Fatal(err)
	}
	// Registered before tcsim's own cleanup, so it runs after tcsim has shut down.
	t.Cleanup(func() {
		if err := b.Close(ctx); err != nil {
			t.Errorf("close backend: %v", err)
		}
		if _, err := os.Stat(b.SnapshotDir()); !os.IsNotExist(err) {
			t.Errorf("snapshot directory %s left behind", b.SnapshotDir())
		}
	})
	srv := tcsim.StartForTest(t, tcsim.WithBackend(b))
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = srv.Endpoint()
	cpf.HttpProfile.Scheme = "HTTP"
	c, err := cvm.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), region, cpf)
	if err != nil {
		t.Fatal(err)
	}

	signer, pub := newKey(t)
	kp := cvm.NewImportKeyPairRequest()
	kp.KeyName, kp.ProjectId, kp.PublicKey = common.StringPtr("hsb_test"), common.Int64Ptr(0), common.StringPtr(pub)
	kpResp, err := c.ImportKeyPair(kp)
	if err != nil {
		t.Fatal(err)
	}
	keyID := *kpResp.Response.KeyId

	debian12 := findImage(t, c, "Debian 12.4 64位")
	t0 := time.Now()
	ins1 := runInstance(t, c, debian12, keyID)
	addr1 := waitRunning(t, c, ins1)
	t.Logf("RunInstances(Debian 12) → RUNNING with SSH at %s in %s", addr1, time.Since(t0).Round(time.Millisecond))
	cl := dial(t, addr1, signer)
	if got := run(t, cl, ". /etc/os-release; echo $VERSION_ID; id -un; hostname"); got != "12\nroot\n"+strings.ToLower(ins1)+"\n" {
		t.Fatalf("machine of %s: %q", ins1, got)
	}
	run(t, cl, "echo made-before-createimage > /root/marker")
	cl.Close()

	// Stop / Start: sshd goes away and comes back.
	act(t, "StopInstances", func() error {
		r := cvm.NewStopInstancesRequest()
		r.InstanceIds = common.StringPtrs([]string{ins1})
		_, err := c.StopInstances(r)
		return err
	})
	waitState(t, c, ins1, "STOPPED")
	if conn, err := net.DialTimeout("tcp", net.JoinHostPort(addr1, "22"), time.Second); err == nil {
		conn.Close()
		t.Fatal("SSH still answers on a STOPPED instance")
	}
	act(t, "StartInstances", func() error {
		r := cvm.NewStartInstancesRequest()
		r.InstanceIds = common.StringPtrs([]string{ins1})
		_, err := c.StartInstances(r)
		return err
	})
	if got := waitRunning(t, c, ins1); got != addr1 {
		t.Fatalf("address changed across stop/start: %s → %s", addr1, got)
	}
	dial(t, addr1, signer).Close()

	t1 := time.Now()
	ci := cvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName = common.StringPtr(ins1), common.StringPtr("hsb-e2e")
	ci.TagSpecification = []*cvm.TagSpecification{{ResourceType: common.StringPtr("image"),
		Tags: []*cvm.Tag{{Key: common.StringPtr("hardened"), Value: common.StringPtr("yes")}}}}
	ciResp, err := c.CreateImage(ci)
	if err != nil {
		t.Fatal(err)
	}
	img := waitImage(t, c, *ciResp.Response.ImageId)
	t.Logf("CreateImage → NORMAL in %s", time.Since(t1).Round(time.Millisecond))
	if img.ImageSource == nil || *img.ImageSource != "CREATE_IMAGE" {
		t.Errorf("ImageSource = %v, want CREATE_IMAGE", img.ImageSource)
	}
	if len(img.Tags) != 1 || *img.Tags[0].Key != "hardened" || *img.Tags[0].Value != "yes" {
		t.Errorf("image tags = %v, want hardened=yes from the TagSpecification", img.Tags)
	}

	t2 := time.Now()
	ins2 := runInstance(t, c, *img.ImageId, keyID)
	addr2 := waitRunning(t, c, ins2)
	t.Logf("RunInstances(custom image) → RUNNING in %s", time.Since(t2).Round(time.Millisecond))
	cl2 := dial(t, addr2, signer)
	if got := run(t, cl2, "cat /root/marker"); got != "made-before-createimage\n" {
		t.Fatalf("marker in the instance from the custom image = %q", got)
	}
	cl2.Close()

	// ResetInstance re-creates the machine from another image, same address.
	debian13 := findImage(t, c, "Debian 13.1 64位")
	reset := cvm.NewResetInstanceRequest()
	reset.InstanceId, reset.ImageId = common.StringPtr(ins2), common.StringPtr(debian13)
	reset.LoginSettings = &cvm.LoginSettings{KeyIds: common.StringPtrs([]string{keyID})}
	act(t, "ResetInstance", func() error { _, err := c.ResetInstance(reset); return err })
	waitOperation(t, c, ins2, "ResetInstance")
	addr2 = waitRunning(t, c, ins2)
	cl2 = dial(t, addr2, signer)
	if got := run(t, cl2, ". /etc/os-release; echo $VERSION_ID; test -e /root/marker && echo marker-survived || true"); got != "13\n" {
		t.Fatalf("instance after ResetInstance to Debian 13: %q", got)
	}
	cl2.Close()

	// LoginSettings.Password: root password login.
	pw := "Hsb-" + strings.ToUpper(randHex(t)) + "a1"
	rp := cvm.NewRunInstancesRequest()
	rp.ImageId, rp.Placement = common.StringPtr(debian13), &cvm.Placement{Zone: common.StringPtr(region + "-3")}
	rp.LoginSettings = &cvm.LoginSettings{Password: common.StringPtr(pw)}
	rpResp, err := c.RunInstances(rp)
	if err != nil {
		t.Fatal(err)
	}
	ins3 := *rpResp.Response.InstanceIdSet[0]
	addr3 := waitRunning(t, c, ins3)
	cl3, err := ssh.Dial("tcp", net.JoinHostPort(addr3, "22"), &ssh.ClientConfig{User: "root",
		Auth: []ssh.AuthMethod{ssh.Password(pw)}, HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("password login to %s: %v", ins3, err)
	}
	cl3.Close()

	names := sandboxNames(t)
	term := cvm.NewTerminateInstancesRequest()
	term.InstanceIds = common.StringPtrs([]string{ins1, ins2, ins3})
	if _, err := c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ins1, ins2, ins3} {
		waitGone(t, c, id)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := leftOf(t, names, addr1, addr2, addr3)
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sandboxes %v still exist after TerminateInstances", left)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, args := range [][]string{{"netns", "list"}, {"-br", "addr"}} {
		out, _ := exec.Command("ip", args...).CombinedOutput()
		for _, a := range []string{addr1, addr2, addr3} {
			if bytes.Contains(out, []byte(a+"/")) || bytes.Contains(out, []byte(a+" ")) {
				t.Errorf("ip %v still shows %s:\n%s", args, a, out)
			}
		}
	}
}

// TestCloseDestroysMachines: tcsim shutdown (Backend.Close) removes every
// machine still running and the snapshots, and refuses later launches.
func TestCloseDestroysMachines(t *testing.T) {
	if err := sandbox.Capable(); err != nil {
		t.Skip(err.Error())
	}
	ctx := context.Background()
	b, err := New(Config{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho from-user-data > /root/ud\n"))
	m, err := b.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-close1", BackingRef: "debian:bookworm", LoginUser: "root", UserData: ud})
	if err != nil {
		t.Fatal(err)
	}
	// A shell-script user data ran at launch, as cloud-init would.
	if out, _, err := m.(*machine).Sandbox().Exec(ctx, nil, "cat", "/root/ud"); err != nil || string(out) != "from-user-data\n" {
		t.Fatalf("user data script: %q, %v", out, err)
	}
	ref, err := m.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := sandboxNames(t)[m.Address()]
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// By name: another process may already have been given the freed address.
	if n := sandboxNames(t)[m.Address()]; n == name {
		t.Fatalf("sandbox %s survives Close", name)
	}
	if _, err := os.Stat(strings.TrimPrefix(ref, refSnapshot)); !os.IsNotExist(err) {
		t.Fatalf("snapshot %s survives Close (%v)", ref, err)
	}
	if _, err := b.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-close2", BackingRef: "debian:bookworm"}); err == nil {
		t.Fatal("Launch after Close succeeded")
	}
	if _, err := b.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-u", BackingRef: "ubuntu:jammy"}); err == nil || !strings.Contains(err.Error(), "cannot be backed") {
		t.Fatalf("Launch of an Ubuntu ref: %v, want a clear refusal", err)
	}
}

func randHex(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", b)
}

// waitOperation waits until the instance's latest operation (e.g. a reset) has finished.
func waitOperation(t *testing.T, c *cvm.Client, id, op string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		in := describe(t, c, id)
		if in != nil && in.LatestOperation != nil && *in.LatestOperation == op &&
			in.LatestOperationState != nil && *in.LatestOperationState != "OPERATING" {
			if *in.LatestOperationState != "SUCCESS" {
				t.Fatalf("%s of %s: %s (%v)", op, id, *in.LatestOperationState, in.LatestOperationErrorMsg)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s of %s did not finish", op, id)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func newKey(t *testing.T) (ssh.Signer, string) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
}

func findImage(t *testing.T, c *cvm.Client, osName string) string {
	r := cvm.NewDescribeImagesRequest()
	r.Filters = []*cvm.Filter{
		{Name: common.StringPtr("image-type"), Values: common.StringPtrs([]string{"PUBLIC_IMAGE"})},
		{Name: common.StringPtr("platform"), Values: common.StringPtrs([]string{"Debian"})},
	}
	r.Limit = common.Uint64Ptr(100)
	resp, err := c.DescribeImages(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, im := range resp.Response.ImageSet {
		if *im.OsName == osName && *im.Architecture == "x86_64" {
			return *im.ImageId
		}
	}
	t.Fatalf("no public image %q", osName)
	return ""
}

func runInstance(t *testing.T, c *cvm.Client, image, keyID string) string {
	r := cvm.NewRunInstancesRequest()
	r.ImageId = common.StringPtr(image)
	r.Placement = &cvm.Placement{Zone: common.StringPtr(region + "-3")}
	r.InstanceType = common.StringPtr("S5.MEDIUM2")
	r.LoginSettings = &cvm.LoginSettings{KeyIds: common.StringPtrs([]string{keyID})}
	r.InternetAccessible = &cvm.InternetAccessible{PublicIpAssigned: common.BoolPtr(true), InternetMaxBandwidthOut: common.Int64Ptr(10)}
	resp, err := c.RunInstances(r)
	if err != nil {
		t.Fatalf("RunInstances(%s): %v", image, err)
	}
	return *resp.Response.InstanceIdSet[0]
}

func describe(t *testing.T, c *cvm.Client, id string) *cvm.Instance {
	r := cvm.NewDescribeInstancesRequest()
	r.InstanceIds = common.StringPtrs([]string{id})
	resp, err := c.DescribeInstances(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Response.InstanceSet) == 0 {
		return nil
	}
	return resp.Response.InstanceSet[0]
}

func waitState(t *testing.T, c *cvm.Client, id, state string) *cvm.Instance {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		in := describe(t, c, id)
		if in != nil && *in.InstanceState == state {
			return in
		}
		if in != nil && *in.InstanceState == "LAUNCH_FAILED" {
			t.Fatalf("instance %s: LAUNCH_FAILED (%v)", id, in.LatestOperationErrorMsg)
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %s not %s in time (now %v)", id, state, in)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitRunning returns the instance address once it is RUNNING and idle.
func waitRunning(t *testing.T, c *cvm.Client, id string) string {
	t.Helper()
	in := waitState(t, c, id, "RUNNING")
	for in.LatestOperationState != nil && *in.LatestOperationState == "OPERATING" {
		time.Sleep(200 * time.Millisecond)
		in = describe(t, c, id)
	}
	if len(in.PrivateIpAddresses) == 0 || len(in.PublicIpAddresses) == 0 || *in.PrivateIpAddresses[0] != *in.PublicIpAddresses[0] {
		t.Fatalf("instance %s addresses: private %v public %v", id, in.PrivateIpAddresses, in.PublicIpAddresses)
	}
	return *in.PrivateIpAddresses[0]
}

func waitGone(t *testing.T, c *cvm.Client, id string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for describe(t, c, id) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("instance %s still listed after TerminateInstances", id)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitImage(t *testing.T, c *cvm.Client, id string) *cvm.Image {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		r := cvm.NewDescribeImagesRequest()
		r.ImageIds = common.StringPtrs([]string{id})
		resp, err := c.DescribeImages(r)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Response.ImageSet) == 1 {
			im := resp.Response.ImageSet[0]
			switch *im.ImageState {
			case "NORMAL":
				return im
			case "CREATEFAILED":
				t.Fatalf("image %s: CREATEFAILED", id)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("image %s not NORMAL in time", id)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func act(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func dial(t *testing.T, addr string, signer ssh.Signer) *ssh.Client {
	t.Helper()
	cfg := &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}
	cl, err := ssh.Dial("tcp", net.JoinHostPort(addr, "22"), cfg)
	if err != nil {
		t.Fatalf("ssh root@%s: %v", addr, err)
	}
	return cl
}

func run(t *testing.T, cl *ssh.Client, cmd string) string {
	t.Helper()
	s, err := cl.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.CombinedOutput(cmd)
	if err != nil {
		t.Fatalf("ssh %q: %v: %s", cmd, err, out)
	}
	return string(out)
}

func sandboxNames(t *testing.T) map[string]string {
	infos, err := sandbox.List()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, i := range infos {
		m[i.Addr] = i.Name
	}
	return m
}

// leftOf lists the sandboxes behind the given addresses that still exist.
func leftOf(t *testing.T, names map[string]string, addrs ...string) []string {
	now := sandboxNames(t)
	var left []string
	for _, a := range addrs {
		if n, ok := names[a]; ok && now[a] == n {
			left = append(left, fmt.Sprintf("%s (%s)", n, a))
		}
	}
	return left
}
