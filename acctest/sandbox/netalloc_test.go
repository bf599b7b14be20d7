package sandbox

import (
	"net/netip"
	"testing"
)

func TestSubnetLayout(t *testing.T) {
	tests := []struct {
		idx         int
		prefix      string
		host, guest string
	}{
		{64, "198.18.1.0/30", "198.18.1.1", "198.18.1.2"},
		{65, "198.18.1.4/30", "198.18.1.5", "198.18.1.6"},
		{lastSandbox, "198.19.255.252/30", "198.19.255.253", "198.19.255.254"},
	}
	for _, tt := range tests {
		if got := subnet(tt.idx).String(); got != tt.prefix {
			t.Errorf("subnet(%d) = %s, want %s", tt.idx, got, tt.prefix)
		}
		if got := hostAddr(tt.idx).String(); got != tt.host {
			t.Errorf("hostAddr(%d) = %s, want %s", tt.idx, got, tt.host)
		}
		if got := guestAddr(tt.idx).String(); got != tt.guest {
			t.Errorf("guestAddr(%d) = %s, want %s", tt.idx, got, tt.guest)
		}
		if !pool.Contains(subnet(tt.idx).Addr()) {
			t.Errorf("subnet(%d) outside the pool", tt.idx)
		}
	}
}

func TestPickSubnet(t *testing.T) {
	pfx := func(ss ...string) []netip.Prefix {
		var out []netip.Prefix
		for _, s := range ss {
			out = append(out, netip.MustParsePrefix(s))
		}
		return out
	}
	tests := []struct {
		name  string
		used  []netip.Prefix
		taken map[int]bool
		want  string
	}{
		{"empty host", nil, nil, "198.18.1.0/30"},
		{"host network ignored", pfx("192.0.2.0/24"), nil, "198.18.1.0/30"},
		{"taken by another sandbox", nil, map[int]bool{64: true, 65: true}, "198.18.1.8/30"},
		{"clashing route", pfx("198.18.1.0/24"), nil, "198.18.2.0/30"},
		{"route covering the whole first half", pfx("198.18.0.0/16"), nil, "198.19.0.0/30"},
		{"host route inside a /30", pfx("198.18.1.2/32"), nil, "198.18.1.4/30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, err := pickSubnet(tt.used, tt.taken)
			if err != nil {
				t.Fatal(err)
			}
			if got := subnet(idx).String(); got != tt.want {
				t.Fatalf("pickSubnet = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := pickSubnet(pfx("198.18.0.0/15"), nil); err == nil {
		t.Fatal("pickSubnet with the whole pool routed: want an error")
	}
}

func TestParseRoutes(t *testing.T) {
	out := `default via 192.0.2.1 dev eth0
192.0.2.0/24 dev eth0 proto kernel scope link src 192.0.2.2
198.18.1.0/30 dev hsb-0a1b2c3d proto kernel scope link src 198.18.1.1
local 198.18.0.1 dev hsb-px0 table local proto kernel scope host src 198.18.0.1
broadcast 127.255.255.255 dev lo table local proto kernel scope link src 127.0.0.1
unreachable 10.9.0.0/16
`
	got := parseRoutes(out)
	want := []string{"192.0.2.0/24", "198.18.1.0/30", "198.18.0.1/32", "127.255.255.255/32", "10.9.0.0/16"}
	if len(got) != len(want) {
		t.Fatalf("parseRoutes = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("route %d = %s, want %s", i, got[i], want[i])
		}
	}
}
