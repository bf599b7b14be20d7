package main

import (
	"bufio"
	"context"
	"io"
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
// (not root) it must refuse with a reason; otherwise it serves and shuts down cleanly.
func TestSandboxBacking(t *testing.T) {
	args := []string{"--listen", "127.0.0.1:0", "--secret-id", "a", "--secret-key", "b", "--backing", "sandbox"}
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
	if err != nil || !strings.HasPrefix(line, "tcsim listening on ") {
		t.Fatalf("first line = %q, %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run with --backing sandbox returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("tcsim --backing sandbox did not shut down")
	}
}

func TestParseFlagsErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{}, "--secret-id and --secret-key are required"},
		{[]string{"--secret-id", "a"}, "--secret-id and --secret-key are required"},
		{[]string{"--secret-id", "a", "--secret-key", "b", "--backing", "vm"}, `--backing "vm"`},
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
