package sandbox

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helper "test" runs in a child process started by the tests below: it
// creates a sandbox, prints its name and waits to be killed.
const helperEnv = "HSB_TEST_HELPER"

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper for TestCrashLeftoversAreCleaned and TestSignalDestroys")
	}
	s, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if mode == "tracked" {
		Track(s)
	}
	os.Stdout.WriteString("NAME " + s.Name() + "\n")
	time.Sleep(time.Minute)
	os.Exit(3) // never reached in the tests: they kill us first
}

func startHelper(t *testing.T, mode string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.v")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "NAME "); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return cmd, name
		}
	}
	t.Fatalf("helper exited without creating a sandbox: %v", sc.Err())
	return nil, ""
}

func infoOf(t *testing.T, name string) (Info, bool) {
	infos, err := List()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range infos {
		if i.Name == name {
			return i, true
		}
	}
	return Info{}, false
}

// TestCrashLeftoversAreCleaned kills a process that owns a sandbox with
// SIGKILL (no cleanup can run) and checks CleanupLeftovers removes all of it,
// while a sandbox of a live process stays untouched.
func TestCrashLeftoversAreCleaned(t *testing.T) {
	skipUnlessCapable(t)
	live := NewForTest(t, Options{})
	cmd, name := startHelper(t, "plain")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	info, ok := infoOf(t, name)
	if !ok || !info.Orphaned {
		t.Fatalf("sandbox %s of the killed process: listed %v, info %+v; want it listed as orphaned", name, ok, info)
	}
	if err := CleanupLeftovers(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertGone(t, name, filepath.Join(stateDir(), name))
	if _, _, err := live.Exec(context.Background(), nil, "true"); err != nil {
		t.Fatalf("cleanup harmed the sandbox of a live process: %v", err)
	}
}

// TestSignalDestroys sends SIGTERM to a process whose sandbox is tracked and
// checks the sandbox is gone when the process has exited.
func TestSignalDestroys(t *testing.T) {
	skipUnlessCapable(t)
	cmd, name := startHelper(t, "tracked")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("helper exit: %v; want death by the re-raised SIGTERM", err)
	}
	assertGone(t, name, filepath.Join(stateDir(), name))
}

// TestDeadInitIsReportedAndDestroyed: when the machine's init dies under it,
// Exec says so and Destroy still removes everything.
func TestDeadInitIsReportedAndDestroyed(t *testing.T) {
	skipUnlessCapable(t)
	ctx := context.Background()
	s := NewForTest(t, Options{})
	if err := syscall.Kill(s.st.Init.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.st.Init.alive() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if _, _, err := s.Exec(ctx, nil, "true"); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("Exec after init died: %v, want a 'not running' error", err)
	}
	if err := s.Destroy(ctx); err != nil {
		t.Fatal(err)
	}
	assertGone(t, s.Name(), s.Dir())
}
