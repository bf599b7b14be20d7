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
		id, title string
		checks    []engine.Check
	}{
		{"pkg-autofs-absent", "autofs is not installed", []engine.Check{absent("autofs")}},
		{"pkg-avahi-absent", "Avahi is not installed", []engine.Check{pkg("avahi-daemon", "avahi", false), absent("avahi-autoipd")}},
		{"pkg-dhcp-server-absent", "No DHCP server is installed", []engine.Check{pkg("isc-dhcp-server", "dhcp-server", false), pkg("kea", "kea", false)}},
		{"pkg-dns-server-absent", "No DNS server is installed", []engine.Check{pkg("bind9", "bind", false)}},
		{"pkg-dnsmasq-absent", "dnsmasq is not installed", []engine.Check{absent("dnsmasq")}},
		{"pkg-ftp-server-absent", "No FTP server is installed", []engine.Check{absent("vsftpd"), pkg("proftpd-basic", "", false)}},
		{"pkg-ldap-server-absent", "No LDAP server is installed", []engine.Check{pkg("slapd", "openldap-servers", false)}},
		{"pkg-mail-access-absent", "No IMAP/POP3 server is installed", []engine.Check{pkg("dovecot-imapd", "dovecot", false), pkg("dovecot-pop3d", "cyrus-imapd", false)}},
		{"pkg-nfs-server-absent", "No NFS server is installed", []engine.Check{pkg("nfs-kernel-server", "", false)}},
		{"pkg-nis-server-absent", "No NIS server is installed", []engine.Check{absent("ypserv")}},
		{"pkg-cups-absent", "No print server is installed", []engine.Check{absent("cups")}},
		{"pkg-rpcbind-absent", "rpcbind is not installed", []engine.Check{pkg("rpcbind", "", false)}},
		{"pkg-samba-absent", "Samba is not installed", []engine.Check{absent("samba")}},
		{"pkg-snmp-absent", "No SNMP agent is installed", []engine.Check{pkg("snmpd", "net-snmp", false)}},
		{"pkg-telnet-server-absent", "No telnet server is installed", []engine.Check{pkg("telnetd", "telnet-server", false), pkg("inetutils-telnetd", "", false)}},
		{"pkg-tftp-server-absent", "No TFTP server is installed", []engine.Check{pkg("tftpd-hpa", "tftp-server", false)}},
		{"pkg-web-proxy-absent", "No web proxy is installed", []engine.Check{absent("squid")}},
		{"pkg-web-server-absent", "No web server is installed", []engine.Check{pkg("apache2", "httpd", false), absent("nginx")}},
		{"pkg-xinetd-absent", "xinetd is not installed", []engine.Check{absent("xinetd")}},
		{"pkg-bluetooth-absent", "Bluetooth is not installed", []engine.Check{absent("bluez")}},
		// Clients with plain-text protocols.
		{"pkg-nis-client-absent", "The NIS client is not installed", []engine.Check{pkg("nis", "ypbind", false)}},
		{"pkg-rsh-client-absent", "The rsh client is not installed", []engine.Check{pkg("rsh-client", "rsh", false)}},
		{"pkg-talk-absent", "The talk client is not installed", []engine.Check{absent("talk")}},
		{"pkg-telnet-absent", "No telnet client is installed", []engine.Check{absent("telnet"), pkg("inetutils-telnet", "", false)}},
		{"pkg-ldap-client-absent", "The LDAP client utilities are not installed", []engine.Check{pkg("ldap-utils", "openldap-clients", false)}},
		{"pkg-ftp-client-absent", "No FTP client is installed", []engine.Check{absent("ftp"), pkg("tnftp", "", false)}},
		{"pkg-tftp-client-absent", "No TFTP client is installed", []engine.Check{pkg("tftp-hpa", "tftp", false)}},
	} {
		r := rule(s.id, "2", s.title, s.checks...)
		switch s.id {
		case "pkg-nfs-server-absent", "pkg-rpcbind-absent":
			only(r, famDebian, famUbuntu)
		}
		rs = append(rs, r)
	}
	// On the RHEL family nfs-utils and rpcbind are also needed by NFS clients
	// (Tencent CFS mounts): mask the server units instead of removing them.
	rs = append(rs,
		only(rule("svc-nfs-server-masked", "2", "The NFS server unit is masked", unit("nfs-server.service", primitive.Masked)), famRHEL),
		only(rule("svc-rpcbind-masked", "2", "rpcbind is masked", unit("rpcbind.service", primitive.Masked), unit("rpcbind.socket", primitive.Masked)), famRHEL),
		// rsync is a dependency of many tools; only its daemon is a service.
		rule("svc-rsync-masked", "2", "The rsync daemon is masked",
			perFamily{Deb: unit("rsync.service", primitive.Masked), RHEL: unit("rsyncd.service", primitive.Masked)}),
	)

	// Mail transfer agent: loopback only.
	rs = append(rs, rule("mta-local-only", "2", "The mail transfer agent listens on loopback only",
		when{Installed: []string{"postfix"}, Then: primitive.KeyValue{Path: "/etc/postfix/main.cf", Key: "inet_interfaces", Value: "loopback-only", Sep: " = ",
			Accept: oneOf("loopback-only", "localhost", "127.0.0.1", "[::1]", "127.0.0.1, [::1]")}},
		when{Installed: []string{"exim4-config"}, Then: primitive.KeyValue{Path: "/etc/exim4/update-exim4.conf.conf", Key: "dc_local_interfaces", Value: "'127.0.0.1 ; ::1'", Sep: "=",
			Accept: oneOf("'127.0.0.1 ; ::1'", "'127.0.0.1'", "127.0.0.1", "'127.0.0.1;::1'")}},
	))

	// Time synchronisation: chrony where installed (always on RHEL), else
	// systemd-timesyncd; never both.
	chrony := []string{"chrony"}
	rs = append(rs,
		rule("time-sync-single", "2", "Exactly one time synchronisation daemon is used",
			when{Installed: chrony, Then: unit("systemd-timesyncd.service", primitive.Masked)},
			perFamily{Deb: when{Installed: chrony, Not: true, Then: present("systemd-timesyncd")}}),
		only(rule("pkg-chrony-present", "2", "chrony is installed", present("chrony")), famRHEL),
		rule("timesyncd-servers", "2", "systemd-timesyncd has configured time servers",
			perFamily{Deb: when{Installed: chrony, Not: true,
				Then: primitive.SystemdConf{Main: "/etc/systemd/timesyncd.conf", Section: "Time", Key: "NTP", Value: ntpServers, Accept: nonEmpty}}}),
		rule("timesyncd-enabled", "2", "systemd-timesyncd is enabled",
			perFamily{Deb: when{Installed: chrony, Not: true, Then: unit("systemd-timesyncd.service", primitive.Enabled)}}),
		rule("chrony-servers", "2", "chrony has configured time servers",
			when{Installed: chrony, Then: perFamily{
				Deb: primitive.LineRequired{Files: []string{"/etc/chrony/chrony.conf", "/etc/chrony/conf.d/*.conf", "/etc/chrony/sources.d/*.sources"},
					Pattern: regexp.MustCompile(`^(server|pool)\s+\S+`), Path: "/etc/chrony/chrony.conf", Line: "server ntpupdate.tencentyun.com iburst", What: "chrony server or pool line"},
				RHEL: primitive.LineRequired{Files: []string{"/etc/chrony.conf", "/etc/chrony.d/*.conf"},
					Pattern: regexp.MustCompile(`^(server|pool)\s+\S+`), Path: "/etc/chrony.conf", Line: "server ntpupdate.tencentyun.com iburst", What: "chrony server or pool line"},
			}}),
		rule("chrony-user", "2", "chronyd drops root privileges",
			when{Installed: chrony, Then: perFamily{
				Deb:  primitive.LineAbsent{Files: []string{"/etc/default/chrony"}, Pattern: regexp.MustCompile(`-u\s+root\b`), What: "chronyd running as root", Example: `OPTIONS="-F 1 -u root"`},
				RHEL: primitive.LineAbsent{Files: []string{"/etc/sysconfig/chronyd"}, Pattern: regexp.MustCompile(`-u\s+root\b`), What: "chronyd running as root", Example: `OPTIONS="-F 1 -u root"`},
			}}),
		rule("chrony-enabled", "2", "chrony is enabled",
			when{Installed: chrony, Then: perFamily{Deb: unit("chrony.service", primitive.Enabled), RHEL: unit("chronyd.service", primitive.Enabled)}}),
	)

	// cron and at.
	cronInstalled := []string{"cron", "cronie", "systemd-cron"}
	rs = append(rs,
		rule("cron-enabled", "2", "cron is installed and enabled",
			pkg("cron", "cronie", true), perFamily{Deb: unit("cron.service", primitive.Enabled), RHEL: unit("crond.service", primitive.Enabled)}),
		rule("perm-etc-crontab", "2", "/etc/crontab is root-only", mode("/etc/crontab", 0o600, "root", "root")),
	)
	for _, d := range []string{"hourly", "daily", "weekly", "monthly", "yearly", "d"} {
		rs = append(rs, rule("perm-etc-cron-"+d, "2", "/etc/cron."+d+" is root-only", mode("/etc/cron."+d, 0o700, "root", "root")))
	}
	rs = append(rs,
		why(rule("cron-allow-list", "2", "Only users in /etc/cron.allow may use crontab",
			when{Installed: cronInstalled, Then: primitive.FileExists{Path: "/etc/cron.allow", Perm: 0o640}},
			mode("/etc/cron.allow", 0o640, "root", "root"),
			mode("/etc/cron.deny", 0o640, "root", "root")), "an allow list fails closed; an empty one leaves crontab to root"),
		rule("at-allow-list", "2", "Only users in /etc/at.allow may use at",
			when{Installed: []string{"at"}, Then: primitive.FileExists{Path: "/etc/at.allow", Perm: 0o640}},
			mode("/etc/at.allow", 0o640, "root", "root|daemon"),
			mode("/etc/at.deny", 0o640, "root", "root|daemon")),
	)
	return rs
}

func nonEmpty(s string) bool { return len(s) > 0 }
