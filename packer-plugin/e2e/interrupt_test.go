package e2e

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestInterruptLeavesNoOrphans sends SIGINT to packer while the provisioner
// runs on a real machine: the build must stop and remove the instance, key
// pair, security group, VPC and subnet (and create no image) — while the API
// throttles 30% of all calls and answers 10% of the deletes with 502.
func TestInterruptLeavesNoOrphans(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	faults, err := tcsim.ParseFaultSpec("seed=11,*:throttle=0.3,TerminateInstances:502=0.1,DeleteSecurityGroup:502=0.1,DeleteVpc:502=0.1,DeleteSubnet:502=0.1")
	if err != nil {
		t.Fatal(err)
	}
	srv := sandboxServer(t, tcsim.WithFaults(faults))
	e := newEnv(t, srv)
	args := append([]string{"build", "-var", "report_dir=" + filepath.Join(e.dir, "reports"), "-var", "update=false",
		"-var", "ssh_cidr=198.18.0.0/15"}, e.endpointVars()...)
	out := interruptProvisioning(t, e, append(args, example(t, "debian13-cis.pkr.hcl")), "", func() {
		if r := srv.Resources(region); len(r.Instances) != 1 || len(r.KeyPairs) != 1 || len(r.SecurityGroups) != 1 {
			t.Errorf("before the interrupt the build should own one instance, key pair and group: %+v", r)
		}
	})
	for _, want := range []string{"Terminating instance", "Deleting temporary security group", "Deleting temporary key pair", "Deleting temporary VPC"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	assertNoOrphans(t, srv, false)
	if st := srv.Stats(); sum(st.Faults) == 0 {
		t.Error("no fault was injected: the test did not exercise retries")
	} else {
		t.Logf("faults injected: %v", st.Faults)
	}
}

// interruptProvisioning runs packer with args and sends SIGINT to its
// process group (what Ctrl-C in a terminal does; packer's panicwrap parent
// does not forward a SIGINT sent to it alone) once hardened-cis starts
// applying on the machine; before runs just before the signal. It checks
// that packer then exits non-zero by itself (cleaning up, not killed) and
// returns the output.
func interruptProvisioning(t *testing.T, e *env, args []string, what string, before func()) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := e.command(ctx, args...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitErr := make(chan error, 1)
	go func() { err := cmd.Wait(); pw.Close(); waitErr <- err }()

	var out strings.Builder
	sent := time.Time{}
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		out.WriteString(line + "\n")
		t.Log(line)
		if sent.IsZero() && strings.Contains(line, "hardened-cis: applying") {
			// The instance runs and the bundle is on it: interrupt now.
			before()
			sent = time.Now()
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := <-waitErr
	if sent.IsZero() {
		t.Fatalf("the build never reached the provisioner (exit %v)", err)
	}
	t.Logf("MEASURE SIGINT to packer exit%s: %s", what, time.Since(sent).Round(time.Second))
	if err == nil {
		t.Fatal("interrupted packer build exited 0")
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Errorf("packer was killed by %v instead of cleaning up", ws.Signal())
	}
	return out.String()
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}
