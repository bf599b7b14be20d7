package main

import (
	"context"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestReportUnderFaults: throttling, gateway errors and dropped connections
// on the two actions the report uses are retried, and the report is the
// same as without faults.
func TestReportUnderFaults(t *testing.T) {
	// One region: its calls are sequential, so the seeded fault draws are
	// the same on every run.
	s := startSim(t, "ap-guangzhou")
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 180)
	s.launch(t, "ap-guangzhou", "CentOS 7.9 64位", 70)
	args := []string{"--format", "csv", "--quiet"}
	clean := runCLI(t, s.env(), false, args...)
	if clean.code != exitOK {
		t.Fatalf("without faults: exit %d: %s", clean.code, clean.stderr)
	}
	faults, err := tcsim.ParseFaultSpec("seed=7,DescribeInstances:throttle=0.4,DescribeImages:502=0.5,DescribeInstances:reset=0.2")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.srv.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	s.srv.ResetStats()
	faulty := runCLIWith(context.Background(), t, s.env(), false, 20, args...)
	st := s.srv.Stats()
	t.Logf("with faults: %v, faults injected %v", st.Actions, st.Faults)
	if faulty.code != exitOK || faulty.stdout != clean.stdout {
		t.Fatalf("with faults: exit %d, stderr %s; report differs from the one without faults: %v", faulty.code, faulty.stderr, faulty.stdout != clean.stdout)
	}
	if st.Faults["DescribeInstances"] == 0 || st.Faults["DescribeImages"] == 0 {
		t.Fatalf("faults injected %v: both actions must see some, or the test proves nothing", st.Faults)
	}
}

// TestInterrupted: an interrupt (cancelled context) stops the report with
// exit 3 and says so; the CLI creates nothing, so nothing needs cleaning up.
func TestInterrupted(t *testing.T) {
	s := startSim(t, "ap-guangzhou")
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := runCLIWith(ctx, t, s.env(), false, 2, "--quiet")
	if r.code != exitError || !strings.Contains(r.stderr, "context canceled") || r.stdout != "" {
		t.Fatalf("interrupted: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
