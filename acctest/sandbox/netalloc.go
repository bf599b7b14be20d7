package sandbox

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
)

// Address plan inside 198.18.0.0/15 (RFC 2544 benchmarking space, never routed
// on the internet): 198.18.0.0/24 is reserved for the shared apt proxy address,
// every sandbox gets a /30 after it: .1 on the host end of its veth, .2 inside.
var (
	pool         = netip.MustParsePrefix("198.18.0.0/15")
	proxyAddr    = netip.MustParseAddr("198.18.0.1")
	firstSandbox = 64 // /30 index: 198.18.1.0/30
	lastSandbox  = 1<<15 - 1
)

// subnet returns the /30 with the given index in the pool.
func subnet(idx int) netip.Prefix {
	a := pool.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v += uint32(idx) * 4
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), 30)
}

func hostAddr(idx int) netip.Addr  { return subnet(idx).Addr().Next() }
func guestAddr(idx int) netip.Addr { return subnet(idx).Addr().Next().Next() }

// pickSubnet returns the lowest /30 index that overlaps no prefix in used and
// is not taken by another sandbox.
func pickSubnet(used []netip.Prefix, taken map[int]bool) (int, error) {
	for idx := firstSandbox; idx <= lastSandbox; idx++ {
		if taken[idx] {
			continue
		}
		s := subnet(idx)
		clash := false
		for _, u := range used {
			if u.Overlaps(s) {
				clash = true
				break
			}
		}
		if !clash {
			return idx, nil
		}
	}
	return 0, fmt.Errorf("no free /30 left in %s: remove leftovers with `sandbox cleanup`", pool)
}

// routeTypes are the keywords `ip route` prints before the destination.
var routeTypes = map[string]bool{
	"unicast": true, "local": true, "broadcast": true, "multicast": true, "anycast": true,
	"unreachable": true, "blackhole": true, "prohibit": true, "throw": true, "nat": true,
}

// parseRoutes extracts the destination prefixes of `ip -4 route show table all`
// output; default routes are skipped because they overlap everything.
func parseRoutes(out string) []netip.Prefix {
	var ps []netip.Prefix
	for line := range strings.SplitSeq(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		dst := f[0]
		if routeTypes[dst] && len(f) > 1 {
			dst = f[1]
		}
		if dst == "default" {
			continue
		}
		if !strings.Contains(dst, "/") {
			dst += "/32"
		}
		p, err := netip.ParsePrefix(dst)
		if err != nil || !p.Addr().Is4() {
			continue
		}
		ps = append(ps, p.Masked())
	}
	return ps
}

// usedPrefixes lists every IPv4 destination the host already routes, in all
// routing tables, so that a sandbox never shadows a real network.
func usedPrefixes(ctx context.Context) ([]netip.Prefix, error) {
	out, err := run(ctx, "ip", "-4", "route", "show", "table", "all")
	if err != nil {
		return nil, fmt.Errorf("list host routes: %w", err)
	}
	return parseRoutes(out), nil
}
