package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
)

// TestSandboxBacking starts the command with --backing sandbox: where sandboxes cannot run
// (not root) it must refuse with a reason; otherwise a Debian 12 instance gets a real machine
// that answers SSH, and shutting tcsim down destroys it.
func TestSandboxBacking(t *testing.T) {
	args := []string{"--listen", "127.0.0.1:0", "--secret-id", "AKIDsb", "--secret-key", "sbkey", "--backing", "sandbox", "--delay", "0s"}
	if err := sandbox.Capable(); err != nil {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--backing sandbox") {
			t.Fatalf("err = %v, want a refusal naming --backing sandbox", err)
		}
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	m := regexp.MustCompile(`^tcsim listening on http://(127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("first line = %q, %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint, cpf.HttpProfile.Scheme = m[1], "HTTP"
	c, _ := cvm.NewClient(common.NewCredential("AKIDsb", "sbkey"), "ap-guangzhou", cpf)
	di := cvm.NewDescribeImagesRequest()
	di.Filters = []*cvm.Filter{{Name: common.StringPtr("platform"), Values: common.StringPtrs([]string{"Debian"})}}
	di.Limit = common.Uint64Ptr(100)
	imgs, err := c.DescribeImages(di)
	if err != nil {
		t.Fatal(err)
	}
	image := ""
	for _, im := range imgs.Response.ImageSet {
		if *im.OsName == "Debian 12.4 64位" && *im.Architecture == "x86_64" {
			image = *im.ImageId
		}
	}
	ri := cvm.NewRunInstancesRequest()
	ri.ImageId, ri.Placement = common.StringPtr(image), &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	resp, err := c.RunInstances(ri)
	if err != nil {
		t.Fatal(err)
	}
	id := *resp.Response.InstanceIdSet[0]
	addr := ""
	for deadline := time.Now().Add(2 * time.Minute); addr == ""; {
		dr := cvm.NewDescribeInstancesRequest()
		dr.InstanceIds = common.StringPtrs([]string{id})
		out, err := c.DescribeInstances(dr)
		if err != nil {
			t.Fatal(err)
		}
		if in := out.Response.InstanceSet[0]; *in.InstanceState == "RUNNING" && len(in.PrivateIpAddresses) == 1 {
			addr = *in.PrivateIpAddresses[0]
		} else if time.Now().After(deadline) || *in.InstanceState == "LAUNCH_FAILED" {
			t.Fatalf("instance %s: %s", id, *in.InstanceState)
		}
		time.Sleep(100 * time.Millisecond)
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(addr, "22"), 5*time.Second)
	if err != nil {
		t.Fatalf("SSH port of the instance: %v", err)
	}
	banner, _ := bufio.NewReader(conn).ReadString('\n')
	conn.Close()
	if !strings.HasPrefix(banner, "SSH-2.0-") {
		t.Fatalf("banner %q", banner)
	}
	name := ""
	infos, _ := sandbox.List()
	for _, i := range infos {
		if i.Addr == addr && i.OwnerPID == os.Getpid() {
			name = i.Name
		}
	}
	if name == "" {
		t.Fatalf("no sandbox of this process at %s", addr)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run with --backing sandbox returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("tcsim --backing sandbox did not shut down")
	}
	infos, _ = sandbox.List()
	for _, i := range infos {
		if i.Name == name {
			t.Fatalf("sandbox %s of instance %s survives tcsim shutdown", name, id)
		}
	}
}

func TestParseFlagsErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{}, "--secret-id and --secret-key are required"},
		{[]string{"--secret-id", "a"}, "--secret-id and --secret-key are required"},
		{[]string{"--secret-id", "a", "--secret-key", "b", "--backing", "qemu"}, `--backing "qemu": use none, sandbox or vm`},
		{[]string{"--secret-id", "a", "--secret-key", "b", "--faults", "*:x=1"}, "--faults"},
		{[]string{"--secret-id", "a", "--secret-key", "b", "extra"}, "unexpected argument"},
		{[]string{"--secret-id", "a", "--secret-key", "b", "--delay", "-1s"}, "--delay"},
	}
	for _, tc := range cases {
		_, err := parseFlags(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestRunServesAndStopsOnSignal runs the command as the demo does, talks to it with the SDK,
// then sends SIGINT and expects a clean exit with the state file written.
func TestRunServesAndStopsOnSignal(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"--listen", "127.0.0.1:0", "--secret-id", "AKIDcli", "--secret-key", "clikey",
			"--delay", "0s", "--faults", "seed=1,*:throttle=0", "--state-file", state}, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^tcsim listening on http://(127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line = %q", line)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint, cpf.HttpProfile.Scheme = m[1], "HTTP"
	c, _ := cvm.NewClient(common.NewCredential("AKIDcli", "clikey"), "ap-guangzhou", cpf)
	resp, err := c.DescribeImages(cvm.NewDescribeImagesRequest())
	if err != nil || *resp.Response.TotalCount <= 100 {
		t.Fatalf("DescribeImages via the command: %v", err)
	}

	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after SIGINT", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("tcsim did not exit after SIGINT")
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("state file not written on shutdown: %v", err)
	}
}
