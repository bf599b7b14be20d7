package sandbox

import (
	"context"
	"fmt"
)

// NetSlot names the devices inside a network slot's namespace.
const (
	NetSlotBridge = "br0"  // joins the veth end and the tap, no address
	NetSlotTap    = "tap0" // for the machine's NIC (QEMU -netdev tap,ifname=tap0)
)

// NewNetSlot reserves what a sandbox has minus its root file system and
// processes: a /30 from the same address plan, a named network namespace, the
// host end of a veth with the host address, and a state directory. Inside the
// namespace the veth's peer and a tap device hang on one bridge with no
// address, so a machine that brings its own operating system (a QEMU VM whose
// NIC is the tap) owns the guest address itself and is reachable exactly like
// a sandbox. Destroy (and CleanupLeftovers after a crash) kills every process
// in the namespace, which includes a VM started there, and removes the
// devices and the directory with the VM's disk in it.
func NewNetSlot(ctx context.Context, logf func(string, ...any)) (*Sandbox, error) {
	if err := Capable(); err != nil {
		return nil, err
	}
	opts := Options{Logf: logf}
	if err := opts.normalize(); err != nil {
		return nil, err
	}
	opts.Release = "" // no root of ours: a snapshot of a slot makes no sense
	st, err := reserve(ctx, opts, "")
	if err != nil {
		return nil, err
	}
	s := &Sandbox{st: st, logf: opts.Logf}
	n := st.Name
	steps := [][]string{
		{"netns", "add", n},
		{"link", "add", n, "type", "veth", "peer", "name", "eth0", "netns", n},
		{"addr", "add", st.HostIP + "/30", "dev", n},
		{"link", "set", n, "up"},
		{"-n", n, "link", "add", NetSlotBridge, "type", "bridge"},
		{"-n", n, "tuntap", "add", "dev", NetSlotTap, "mode", "tap"},
		{"-n", n, "link", "set", "eth0", "master", NetSlotBridge},
		{"-n", n, "link", "set", NetSlotTap, "master", NetSlotBridge},
		{"-n", n, "link", "set", "eth0", "up"},
		{"-n", n, "link", "set", NetSlotTap, "up"},
		{"-n", n, "link", "set", NetSlotBridge, "up"},
		{"-n", n, "link", "set", "lo", "up"},
	}
	for _, a := range steps {
		if _, err := run(ctx, "ip", a...); err != nil {
			if derr := s.Destroy(context.WithoutCancel(ctx)); derr != nil {
				opts.Logf("cleanup of failed network slot %s: %v", n, derr)
			}
			return nil, fmt.Errorf("network of slot %s: %w", n, err)
		}
	}
	return s, nil
}

// ProxyAddr is the apt proxy's address (port 3142), reachable from every
// sandbox and network slot through a route via its host address.
func ProxyAddr() string { return proxyAddr.String() }

// LockFile takes an exclusive flock(2) on path (made if missing), waiting
// until ctx ends, for callers that build caches beside the base roots (the
// VM base disks). The kernel releases it when the process dies.
func LockFile(ctx context.Context, path string) (interface{ Unlock() }, error) {
	l, err := lockFile(ctx, path)
	if err != nil {
		return nil, err
	}
	return l, nil
}
