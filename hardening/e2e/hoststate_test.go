package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// hostState is what image mode must never change on the host: kernel
// parameters the rules set, loaded modules, this mount namespace's mounts
// outside scratch areas, and the firewall ruleset.
type hostState map[string]string

// hostSysctls cover every sysctl family the catalog sets.
var hostSysctlGlobs = []string{
	"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv4/tcp_syncookies",
	"/proc/sys/net/ipv4/icmp_*", "/proc/sys/net/ipv4/conf/all/*", "/proc/sys/net/ipv4/conf/default/*",
	"/proc/sys/net/ipv6/conf/all/accept_r*", "/proc/sys/net/ipv6/conf/all/forwarding",
	"/proc/sys/kernel/randomize_va_space", "/proc/sys/kernel/yama/ptrace_scope", "/proc/sys/kernel/dmesg_restrict",
	"/proc/sys/kernel/kptr_restrict", "/proc/sys/fs/suid_dumpable", "/proc/sys/kernel/core_pattern",
}

// scratch mount prefixes other engineers' sandboxes and tests create and
// remove concurrently; they say nothing about this test.
var scratchMounts = []string{"/tmp/", "/var/tmp/", "/run/netns", "/run/user/", "/root/.cache/"}

func snapshotHost(t *testing.T) hostState {
	t.Helper()
	s := hostState{}
	for _, g := range hostSysctlGlobs {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				s["sysctl "+f] = strings.TrimSpace(string(b))
			}
		}
	}
	if b, err := os.ReadFile("/proc/modules"); err == nil {
		var mods []string
		for _, l := range strings.Split(string(b), "\n") {
			if f := strings.Fields(l); len(f) > 0 {
				mods = append(mods, f[0])
			}
		}
		sort.Strings(mods)
		s["modules"] = strings.Join(mods, " ")
	}
	if b, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		var mounts []string
	next:
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Fields(l)
			if len(f) < 10 {
				continue
			}
			for _, p := range scratchMounts {
				if strings.HasPrefix(f[4], p) {
					continue next
				}
			}
			// mount point, options, fs type, source
			sep := 6
			for sep < len(f) && f[sep] != "-" {
				sep++
			}
			mounts = append(mounts, strings.Join([]string{f[4], f[5], strings.Join(f[sep+1:], " ")}, " "))
		}
		sort.Strings(mounts)
		s["mounts"] = strings.Join(mounts, "\n")
	}
	for _, fw := range [][]string{{"nft", "list", "ruleset"}, {"iptables-save"}} {
		if _, err := exec.LookPath(fw[0]); err == nil {
			out, err := exec.Command(fw[0], fw[1:]...).Output()
			if err == nil {
				s["firewall "+fw[0]] = stripCounters(string(out))
			}
		}
	}
	if len(s) < 5 {
		t.Fatalf("host state snapshot too small to prove anything: %v", s)
	}
	return s
}

// stripCounters drops comment and packet-counter lines that change with traffic.
func stripCounters(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "#") || strings.HasPrefix(l, ":") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func (s hostState) requireEqual(t *testing.T, before hostState) {
	t.Helper()
	for k, v := range before {
		if s[k] != v {
			t.Errorf("host state changed: %s\nbefore: %.300s\nafter:  %.300s", k, v, s[k])
		}
	}
	for k := range s {
		if _, ok := before[k]; !ok {
			t.Errorf("host state changed: %s appeared", k)
		}
	}
}
