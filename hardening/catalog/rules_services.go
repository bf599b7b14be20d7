package catalog

import (
	"regexp"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// ntpServers are Tencent Cloud's time sources: the VPC-internal one first,
// then public ones for instances without VPC DNS.
const ntpServers = "ntpupdate.tencentyun.com time1.cloud.tencent.com time2.cloud.tencent.com"

// serviceRules: CIS section 2 (services): unneeded server and client
// packages, the MTA, time synchronisation and cron/at.
func serviceRules() []*engine.Rule {
	var rs []*engine.Rule
	// Server software: removed (one package transaction for all of them).
	for _, s := range []struct {
		id, title, why string
		checks         []engine.Check
	}{
		{"pkg-autofs-absent", "autofs is not installed", "autofs mounts file systems on access, so removable or network media appear without an administrator deciding it", []engine.Check{absent("autofs")}},
		{"pkg-avahi-absent", "Avahi is not installed", "Avahi announces the host and its services by multicast DNS and listens for others, useless in a VPC and one more listener", []engine.Check{pkg("avahi-daemon", "avahi", false), absent("avahi-autoipd")}},
		{"pkg-dhcp-server-absent", "No DHCP server is installed", "a stray DHCP server can hand out a rogue gateway or DNS server to every other host on the subnet", []engine.Check{pkg("isc-dhcp-server", "dhcp-server", false), pkg("kea", "kea", false)}},
		{"pkg-dns-server-absent", "No DNS server is installed", "an unneeded DNS server is a network listener that can be abused for cache poisoning or amplification attacks", []engine.Check{pkg("bind9", "bind", false)}},
		{"pkg-dnsmasq-absent", "dnsmasq is not installed", "dnsmasq serves DNS and DHCP on the network; unless the host is meant to, it is an exposed listener with no purpose", []engine.Check{absent("dnsmasq")}},
		{"pkg-ftp-server-absent", "No FTP server is installed", "FTP sends passwords and files in clear text and its servers are frequent targets; SFTP over SSH replaces it", []engine.Check{absent("vsftpd"), pkg("proftpd-basic", "", false)}},
		{"pkg-ldap-server-absent", "No LDAP server is installed", "a directory server holds identities and passwords; one installed by accident exposes that data on the network", []engine.Check{pkg("slapd", "openldap-servers", false)}},
		{"pkg-mail-access-absent", "No IMAP/POP3 server is installed", "IMAP/POP3 servers accept password logins from the network; a host that serves no mail should not offer them", []engine.Check{pkg("dovecot-imapd", "dovecot", false), pkg("dovecot-pop3d", "cyrus-imapd", false)}},
		{"pkg-nfs-server-absent", "No NFS server is installed", "an NFS server exports file systems to the network, with trust based on client addresses; a stray export leaks data", []engine.Check{pkg("nfs-kernel-server", "", false)}},
		{"pkg-nis-server-absent", "No NIS server is installed", "NIS serves password hashes to any client on the network without encryption", []engine.Check{absent("ypserv")}},
		{"pkg-cups-absent", "No print server is installed", "a print server listens on the network and parses untrusted print jobs as a privileged daemon; servers do not print", []engine.Check{absent("cups")}},
		{"pkg-rpcbind-absent", "rpcbind is not installed", "rpcbind maps RPC services to ports and can be abused for reflection attacks and to discover services", []engine.Check{pkg("rpcbind", "", false)}},
		{"pkg-samba-absent", "Samba is not installed", "Samba exposes SMB file sharing, a protocol heavily targeted by worms, on a host that shares no Windows files", []engine.Check{absent("samba")}},
		{"pkg-snmp-absent", "No SNMP agent is installed", "SNMP agents, often with default community strings, reveal system details and may allow changes over the network", []engine.Check{pkg("snmpd", "net-snmp", false)}},
		{"pkg-telnet-server-absent", "No telnet server is installed", "telnet sends passwords and sessions in clear text; SSH replaces it", []engine.Check{pkg("telnetd", "telnet-server", false), pkg("inetutils-telnetd", "", false)}},
		{"pkg-tftp-server-absent", "No TFTP server is installed", "TFTP has no authentication at all: anyone who can reach it can read and often write its files", []engine.Check{pkg("tftpd-hpa", "tftp-server", false)}},
		{"pkg-web-proxy-absent", "No web proxy is installed", "an unneeded proxy can be turned into an open relay that hides attackers' traffic behind this host", []engine.Check{absent("squid")}},
		{"pkg-web-server-absent", "No web server is installed", "a web server nobody maintains becomes an unpatched listener; images carry one only where the workload needs it", []engine.Check{pkg("apache2", "httpd", false), absent("nginx")}},
		{"pkg-xinetd-absent", "xinetd is not installed", "xinetd starts legacy network services on demand, waking listeners nobody reviewed", []engine.Check{absent("xinetd")}},
		{"pkg-bluetooth-absent", "Bluetooth is not installed", "the Bluetooth stack has had remotely exploitable bugs and a cloud VM has no radio", []engine.Check{absent("bluez")}},
		// Clients with plain-text protocols.
		{"pkg-nis-client-absent", "The NIS client is not installed", "the NIS client trusts account data sent unauthenticated over the network", []engine.Check{pkg("nis", "ypbind", false)}},
		{"pkg-rsh-client-absent", "The rsh client is not installed", "rsh, rlogin and rcp send credentials in clear text and rely on host-based trust; SSH replaces them", []engine.Check{pkg("rsh-client", "rsh", false)}},
		{"pkg-talk-absent", "The talk client is not installed", "talk sends messages unencrypted and its daemon counterpart is a needless network service", []engine.Check{absent("talk")}},
		{"pkg-telnet-absent", "No telnet client is installed", "a telnet client invites logging in to other hosts with clear-text passwords", []engine.Check{absent("telnet"), pkg("inetutils-telnet", "", false)}},
		{"pkg-ldap-client-absent", "The LDAP client utilities are not installed", "the LDAP utilities are rarely needed on a server and make it easy to query or change a directory from a compromised host", []engine.Check{pkg("ldap-utils", "openldap-clients", false)}},
		{"pkg-ftp-client-absent", "No FTP client is installed", "an FTP client sends passwords in clear text and is a handy tool for moving data off a compromised host", []engine.Check{absent("ftp"), pkg("tnftp", "", false)}},
		{"pkg-tftp-client-absent", "No TFTP client is installed", "a TFTP client is a common tool to fetch malware or push data out with no authentication", []engine.Check{pkg("tftp-hpa", "tftp", false)}},
	} {
		r := why(rule(s.id, "2", s.title, s.checks...), s.why)
		switch s.id {
		case "pkg-nfs-server-absent", "pkg-rpcbind-absent":
			only(r, famDebian, famUbuntu)
		}
		rs = append(rs, r)
	}
	// On the RHEL family nfs-utils and rpcbind are also needed by NFS clients
	// (Tencent CFS mounts): mask the server units instead of removing them.
	rs = append(rs,
		only(why(rule("svc-nfs-server-masked", "2", "The NFS server unit is masked", unit("nfs-server.service", primitive.Masked)), "the NFS client tools stay for Tencent CFS mounts, but a masked server unit cannot be started to export local files"), famRHEL),
		only(why(rule("svc-rpcbind-masked", "2", "rpcbind is masked", unit("rpcbind.service", primitive.Masked), unit("rpcbind.socket", primitive.Masked)), "rpcbind stays installed for NFS clients but masked it cannot listen and be abused for reflection or service discovery"), famRHEL),
		// rsync is a dependency of many tools; only its daemon is a service.
		why(rule("svc-rsync-masked", "2", "The rsync daemon is masked",
			perFamily{Deb: unit("rsync.service", primitive.Masked), RHEL: unit("rsyncd.service", primitive.Masked)}), "the rsync daemon would serve modules over an unencrypted protocol; the rsync tool itself keeps working over SSH"),
	)

	// Mail transfer agent: loopback only.
	rs = append(rs, why(rule("mta-local-only", "2", "The mail transfer agent listens on loopback only",
		when{Installed: []string{"postfix"}, Then: primitive.KeyValue{Path: "/etc/postfix/main.cf", Key: "inet_interfaces", Value: "loopback-only", Sep: " = ",
			Accept: oneOf("loopback-only", "localhost", "127.0.0.1", "[::1]", "127.0.0.1, [::1]")}},
		when{Installed: []string{"exim4-config"}, Then: primitive.KeyValue{Path: "/etc/exim4/update-exim4.conf.conf", Key: "dc_local_interfaces", Value: "'127.0.0.1 ; ::1'", Sep: "=",
			Accept: oneOf("'127.0.0.1 ; ::1'", "'127.0.0.1'", "127.0.0.1", "'127.0.0.1;::1'")}},
	), "a mail server listening on every interface can be probed or abused as a relay; local mail delivery needs loopback only"))

	// Time synchronisation: chrony where installed (always on RHEL), else
	// systemd-timesyncd; never both.
	chrony := []string{"chrony"}
	rs = append(rs,
		why(rule("time-sync-single", "2", "Exactly one time synchronisation daemon is used",
			when{Installed: chrony, Then: unit("systemd-timesyncd.service", primitive.Masked)},
			perFamily{Deb: when{Installed: chrony, Not: true, Then: present("systemd-timesyncd")}}), "two time daemons fight over the clock; a jumping clock breaks log correlation, certificate checks and Kerberos"),
		only(why(rule("pkg-chrony-present", "2", "chrony is installed", present("chrony")), "accurate time keeps logs comparable across hosts and certificate and token lifetimes meaningful"), famRHEL),
		why(rule("timesyncd-servers", "2", "systemd-timesyncd has configured time servers",
			perFamily{Deb: when{Installed: chrony, Not: true,
				Then: primitive.SystemdConf{Main: "/etc/systemd/timesyncd.conf", Section: "Time", Key: "NTP", Value: ntpServers, Accept: nonEmpty}}}), "without a configured server timesyncd may not sync at all, and clock drift undermines logs and certificate checks"),
		why(rule("timesyncd-enabled", "2", "systemd-timesyncd is enabled",
			perFamily{Deb: when{Installed: chrony, Not: true, Then: unit("systemd-timesyncd.service", primitive.Enabled)}}), "an installed but disabled time daemon leaves the clock drifting from the first boot on"),
		why(rule("chrony-servers", "2", "chrony has configured time servers",
			when{Installed: chrony, Then: perFamily{
				Deb: primitive.LineRequired{Files: []string{"/etc/chrony/chrony.conf", "/etc/chrony/conf.d/*.conf", "/etc/chrony/sources.d/*.sources"},
					Pattern: regexp.MustCompile(`^(server|pool)\s+\S+`), Path: "/etc/chrony/chrony.conf", Line: "server ntpupdate.tencentyun.com iburst", What: "chrony server or pool line"},
				RHEL: primitive.LineRequired{Files: []string{"/etc/chrony.conf", "/etc/chrony.d/*.conf"},
					Pattern: regexp.MustCompile(`^(server|pool)\s+\S+`), Path: "/etc/chrony.conf", Line: "server ntpupdate.tencentyun.com iburst", What: "chrony server or pool line"},
			}}), "chrony without a server or pool line keeps no time; the image points it at Tencent's NTP servers"),
		why(rule("chrony-user", "2", "chronyd drops root privileges",
			when{Installed: chrony, Then: perFamily{
				Deb:  primitive.LineAbsent{Files: []string{"/etc/default/chrony"}, Pattern: regexp.MustCompile(`-u\s+root\b`), What: "chronyd running as root", Example: `OPTIONS="-F 1 -u root"`},
				RHEL: primitive.LineAbsent{Files: []string{"/etc/sysconfig/chronyd"}, Pattern: regexp.MustCompile(`-u\s+root\b`), What: "chronyd running as root", Example: `OPTIONS="-F 1 -u root"`},
			}}), "chronyd parses packets from the network; running as its own user limits what a bug in that code can reach"),
		why(rule("chrony-enabled", "2", "chrony is enabled",
			when{Installed: chrony, Then: perFamily{Deb: unit("chrony.service", primitive.Enabled), RHEL: unit("chronyd.service", primitive.Enabled)}}), "an installed but disabled chronyd leaves the clock drifting from the first boot on"),
	)

	// cron and at.
	cronInstalled := []string{"cron", "cronie", "systemd-cron"}
	rs = append(rs,
		why(rule("cron-enabled", "2", "cron is installed and enabled",
			pkg("cron", "cronie", true), perFamily{Deb: unit("cron.service", primitive.Enabled), RHEL: unit("crond.service", primitive.Enabled)}), "scheduled maintenance (log rotation, AIDE checks, updates) only happens when cron runs"),
		why(rule("perm-etc-crontab", "2", "/etc/crontab is root-only", mode("/etc/crontab", 0o600, "root", "root")), "the system crontab runs jobs as root: write access for others means root code execution, read access maps the schedule"),
	)
	for _, d := range []string{"hourly", "daily", "weekly", "monthly", "yearly", "d"} {
		rs = append(rs, why(rule("perm-etc-cron-"+d, "2", "/etc/cron."+d+" is root-only", mode("/etc/cron."+d, 0o700, "root", "root")),
			"jobs in /etc/cron."+d+" run as root: others who could change them would run code as root, and reading them maps what runs when"))
	}
	rs = append(rs,
		why(rule("cron-allow-list", "2", "Only users in /etc/cron.allow may use crontab",
			when{Installed: cronInstalled, Then: primitive.FileExists{Path: "/etc/cron.allow", Perm: 0o640}},
			mode("/etc/cron.allow", 0o640, "root", "root"),
			mode("/etc/cron.deny", 0o640, "root", "root")), "an allow list fails closed: only users named in /etc/cron.allow can schedule jobs (an empty one leaves crontab to root), not every account"),
		why(rule("at-allow-list", "2", "Only users in /etc/at.allow may use at",
			when{Installed: []string{"at"}, Then: primitive.FileExists{Path: "/etc/at.allow", Perm: 0o640}},
			mode("/etc/at.allow", 0o640, "root", "root|daemon"),
			mode("/etc/at.deny", 0o640, "root", "root|daemon")), "an allow list fails closed: only users named in /etc/at.allow can schedule jobs, not every account by default"),
	)
	return rs
}

func nonEmpty(s string) bool { return len(s) > 0 }
