package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procRef identifies a process across time: a pid plus its start time, so a
// recycled pid is never mistaken for the process we started.
type procRef struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// startTime reads field 22 of /proc/PID/stat (clock ticks since boot).
func startTime(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	s := string(b)
	// The command name may contain spaces and parentheses: skip past the last ')'.
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	return strconv.ParseUint(f[19], 10, 64)
}

func refOf(pid int) (procRef, error) {
	st, err := startTime(pid)
	if err != nil {
		return procRef{}, fmt.Errorf("inspect process %d: %w", pid, err)
	}
	return procRef{PID: pid, Start: st}, nil
}

// alive reports whether the referenced process still runs (zombies count as dead).
func (r procRef) alive() bool {
	if r.PID <= 0 {
		return false
	}
	st, err := startTime(r.PID)
	if err != nil || st != r.Start {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(r.PID) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}

// children lists the direct children of pid.
func children(pid int) ([]int, error) {
	p := strconv.Itoa(pid)
	b, err := os.ReadFile("/proc/" + p + "/task/" + p + "/children")
	if err != nil {
		return nil, err
	}
	var out []int
	for f := range strings.FieldsSeq(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// killGroup signals the process group led by r (processes we start with
// Setsid lead their own group), escalating to SIGKILL after grace.
func killGroup(ctx context.Context, r procRef, grace time.Duration) {
	if !r.alive() {
		return
	}
	_ = syscall.Kill(-r.PID, syscall.SIGTERM)
	_ = syscall.Kill(r.PID, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for r.alive() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	if r.alive() {
		_ = syscall.Kill(-r.PID, syscall.SIGKILL)
		_ = syscall.Kill(r.PID, syscall.SIGKILL)
	}
}

// netnsPIDs lists processes whose network namespace is the named one. Every
// process of a sandbox lives there, so this is the catch-all for Destroy.
func netnsPIDs(name string) ([]int, error) {
	var target syscall.Stat_t
	if err := syscall.Stat("/run/netns/"+name, &target); err != nil {
		if errors.Is(err, syscall.ENOENT) {
			return nil, nil
		}
		return nil, fmt.Errorf("stat netns %s: %w", name, err)
	}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st syscall.Stat_t
		if err := syscall.Stat("/proc/"+e.Name()+"/ns/net", &st); err != nil {
			continue
		}
		if st.Ino == target.Ino && st.Dev == target.Dev {
			out = append(out, pid)
		}
	}
	return out, nil
}

// killNetns SIGKILLs every process in the namespace until none is left.
func killNetns(ctx context.Context, name string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids, err := netnsPIDs(name)
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			return nil
		}
		for _, p := range pids {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("processes %v in network namespace %s survive SIGKILL", pids, name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
