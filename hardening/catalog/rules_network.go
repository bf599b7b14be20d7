package catalog

import (
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// networkRules: CIS section 3 (network parameters) and 4 (host firewall).
func networkRules() []*engine.Rule {
	both := func(v4key, v6key, value string) []engine.Check {
		var cs []engine.Check
		for _, k := range []string{v4key, v6key} {
			if k != "" {
				cs = append(cs, sysctl("net."+k[:4]+".conf.all."+k[5:], value), sysctl("net."+k[:4]+".conf.default."+k[5:], value))
			}
		}
		return cs
	}
	rs := []*engine.Rule{
		why(rule("sysctl-ip-forward", "3", "IPv4 forwarding is off",
			append([]engine.Check{sysctl("net.ipv4.ip_forward", "0")}, both("ipv4.forwarding", "", "0")...)...),
			"a host that forwards packets can be used to reach networks behind it; a VM is not a router (container hosts and VPN gateways waive this)"),
		why(rule("sysctl-ipv6-forward", "3", "IPv6 forwarding is off", both("", "ipv6.forwarding", "0")...), "a host that forwards IPv6 can be used to reach networks behind it; a VM that is not a router must not"),
		why(rule("sysctl-send-redirects", "3", "No ICMP redirects are sent", both("ipv4.send_redirects", "", "0")...), "only routers send redirects; a host that does can be used to steer its neighbours' traffic"),
		why(rule("sysctl-icmp-ignore-bogus", "3", "Bogus ICMP error responses are ignored", sysctl("net.ipv4.icmp_ignore_bogus_error_responses", "1")), "bogus ICMP error replies only fill the kernel log and can hide real messages"),
		why(rule("sysctl-icmp-echo-ignore-broadcasts", "3", "Broadcast pings are ignored", sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "1")), "answering broadcast pings makes the host an amplifier in smurf-style denial-of-service attacks"),
		why(rule("sysctl-accept-redirects", "3", "IPv4 ICMP redirects are refused", both("ipv4.accept_redirects", "", "0")...), "a forged IPv4 ICMP redirect can reroute the host's traffic through an attacker"),
		why(rule("sysctl-ipv6-accept-redirects", "3", "IPv6 ICMP redirects are refused", both("", "ipv6.accept_redirects", "0")...), "a forged IPv6 redirect can reroute the host's traffic through an attacker"),
		why(rule("sysctl-secure-redirects", "3", "Redirects from gateways are refused", both("ipv4.secure_redirects", "", "0")...), "even redirects claiming to come from a known gateway can be forged; a VPC never needs them"),
		why(rule("sysctl-rp-filter", "3", "Strict reverse path filtering", both("ipv4.rp_filter", "", "1")...), "drops packets whose source address could not have arrived on that interface, the mark of spoofed traffic"),
		why(rule("sysctl-accept-source-route", "3", "IPv4 source-routed packets are refused", both("ipv4.accept_source_route", "", "0")...), "source routing lets the sender choose the path, a way around firewalls and address-based trust"),
		why(rule("sysctl-ipv6-accept-source-route", "3", "IPv6 source-routed packets are refused", both("", "ipv6.accept_source_route", "0")...), "IPv6 source routing lets the sender choose the path, a way around firewalls and address-based trust"),
		why(rule("sysctl-log-martians", "3", "Packets with impossible addresses are logged", both("ipv4.log_martians", "", "1")...), "packets with impossible source addresses point to spoofing or misrouting; logging them makes that visible"),
		why(rule("sysctl-tcp-syncookies", "3", "TCP SYN cookies are on", sysctl("net.ipv4.tcp_syncookies", "1")), "SYN cookies keep the host accepting connections during a SYN flood instead of exhausting its backlog"),
		why(rule("sysctl-ipv6-accept-ra", "3", "IPv6 router advertisements are ignored", both("", "ipv6.accept_ra", "0")...),
			"a forged router advertisement can make the host route its IPv6 traffic through an attacker; Tencent VPC configures IPv6 by DHCPv6/cloud-init"),
	}

	// Host firewall: ufw on the Debian family, firewalld on the RHEL family.
	// Image mode writes configuration and enables the unit; nothing is loaded
	// into the running kernel, so the builder's SSH session is untouched, and
	// the persistent rules admit SSH before the default drop applies on boot.
	deb := []string{famDebian, famUbuntu}
	rs = append(rs,
		only(why(rule("fw-ufw-installed", "4", "ufw is installed", present("ufw")), "a host firewall is the last filter when a security group is too permissive or a service listens by mistake"), deb...),
		only(why(rule("fw-ufw-single", "4", "ufw is the only firewall front end",
			absent("iptables-persistent"), unit("nftables.service", primitive.Disabled)), "two firewall front ends overwrite each other's rules, leaving the host with whichever loaded last"), deb...),
		only(late(why(rule("fw-ufw-ssh-allowed", "4", "ufw admits SSH (tcp/22) in its persistent rules", ufwRules{Want: ufwSSH}), "the default drop must not lock administrators out: SSH is admitted before the drop takes effect at boot")), deb...),
		only(late(why(rule("fw-ufw-loopback", "4", "ufw admits loopback traffic and drops spoofed loopback sources", ufwRules{Want: ufwLoopback}), "local services talk over loopback, while packets from the network claiming a loopback source are spoofed")), deb...),
		only(late(why(rule("fw-ufw-default-deny", "4", "ufw drops unsolicited inbound and routed traffic",
			primitive.KeyValue{Path: "/etc/default/ufw", Key: "DEFAULT_INPUT_POLICY", Value: `"DROP"`, Sep: "=", Accept: oneOf(`"DROP"`, `"REJECT"`)},
			primitive.KeyValue{Path: "/etc/default/ufw", Key: "DEFAULT_FORWARD_POLICY", Value: `"DROP"`, Sep: "=", Accept: oneOf(`"DROP"`, `"REJECT"`)},
		), "only explicitly allowed services are reachable; anything started by mistake or by an intruder stays unreachable")), deb...),
		only(late(why(rule("fw-ufw-enabled", "4", "ufw is enabled at boot",
			primitive.KeyValue{Path: "/etc/ufw/ufw.conf", Key: "ENABLED", Value: "yes", Sep: "="},
			unit("ufw.service", primitive.Enabled)), "firewall rules only protect the host when the firewall is active at boot")), deb...),

		only(why(rule("fw-firewalld-installed", "4", "firewalld and nftables are installed", present("firewalld"), present("nftables")), "firewalld filters traffic on the host itself, the last line when a security group is too open or a service listens by mistake"), famRHEL),
		only(why(rule("fw-firewalld-backend", "4", "firewalld uses the nftables backend",
			primitive.KeyValue{Path: "/etc/firewalld/firewalld.conf", Key: "FirewallBackend", Value: "nftables", Sep: "="}), "the nftables backend keeps firewalld's rules in one ruleset instead of competing iptables tables"), famRHEL),
		only(why(rule("fw-firewalld-single", "4", "firewalld is the only firewall front end",
			absent("iptables-services"), unit("nftables.service", primitive.Disabled)), "firewalld and a second front end overwrite each other's rules, leaving the host with whichever loaded last"), famRHEL),
		only(late(why(rule("fw-firewalld-enabled", "4", "firewalld is enabled at boot", unit("firewalld.service", primitive.Enabled)), "the zone configuration only protects the host when firewalld is active at boot")), famRHEL),
		only(late(why(rule("fw-firewalld-default-zone", "4", "The default zone drops unsolicited inbound traffic except SSH",
			primitive.KeyValue{Path: "/etc/firewalld/firewalld.conf", Key: "DefaultZone", Value: "public", Sep: "="},
			firewalldZone{Want: zoneTargetDrop}), "only SSH and explicitly added services are reachable; a service started by mistake stays closed")), famRHEL),
		only(late(why(rule("fw-firewalld-loopback", "4", "firewalld drops spoofed loopback sources",
			firewalldZone{Want: zoneLoopback}), "packets from the network claiming a loopback source are spoofed and would reach services bound to localhost")), famRHEL),
	)
	return rs
}
