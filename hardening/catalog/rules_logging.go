package catalog

import (
	"context"
	"regexp"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

func journald(key, value string, accept func(string) bool) engine.Check {
	return primitive.SystemdConf{Main: "/etc/systemd/journald.conf", Section: "Journal", Key: key, Value: value, Accept: accept}
}

// loggingRules: CIS section 6 (AIDE, journald, rsyslog, log files) and 7
// (system file permissions, account database consistency, homes).
func loggingRules() []*engine.Rule {
	rsyslog := []string{"rsyslog"}
	aide := []string{"aide"}
	auditTools := []string{"auditctl", "auditd", "ausearch", "aureport", "autrace", "augenrules"}
	var toolChecks []engine.Check
	for _, tool := range auditTools {
		toolChecks = append(toolChecks, when{Installed: aide, Then: primitive.LineRequired{
			Files:   []string{"/etc/aide.conf", "/etc/aide.conf.d/*.conf"},
			Pattern: regexp.MustCompile(`^/usr/sbin/` + tool + `\s+\S*sha512`),
			Path:    "/etc/aide.conf", Line: "/usr/sbin/" + tool + " p+i+n+u+g+s+b+acl+xattrs+sha512", What: "AIDE watches /usr/sbin/" + tool}})
	}
	rs := []*engine.Rule{
		why(rule("aide-installed", "6", "AIDE is installed and its database is built on first boot",
			pkg("aide", "aide", true), pkg("aide-common", "", true),
			perFamily{
				Deb:  primitive.FileContent{Path: aideInitUnit, Content: aideInitUnitContent("/var/lib/aide/aide.db", "/usr/sbin/aideinit -y -f")},
				RHEL: primitive.FileContent{Path: aideInitUnit, Content: aideInitUnitContent("/var/lib/aide/aide.db.gz", "/bin/sh -c '/usr/sbin/aide --init && mv -f /var/lib/aide/aide.db.new.gz /var/lib/aide/aide.db.gz'")},
			},
			unit("harden-aide-init.service", primitive.Enabled)),
			"the database is built on each instance's first boot (idle I/O priority), so it describes the deployed system rather than the build host"),
		rule("aide-periodic", "6", "AIDE checks the file system daily", when{Installed: aide, Then: aidePeriodic{}}),
		only(rule("aide-audit-tools", "6", "AIDE protects the audit tools", toolChecks...), famRHEL),
		rule("journald-enabled", "6", "journald is present (static unit, always active)", unit("systemd-journald.service", primitive.Enabled)),
		rule("journald-no-forward-syslog", "6", "journald does not forward to syslog when it is the only log store",
			when{Installed: rsyslog, Not: true, Then: journald("ForwardToSyslog", "no", oneOf("no", "false", "0"))}),
		rule("journald-forward-rsyslog", "6", "journald feeds rsyslog where rsyslog is kept",
			when{Installed: rsyslog, Then: journald("ForwardToSyslog", "yes", oneOf("yes", "true", "1"))}),
		rule("journald-storage-persistent", "6", "The journal is stored on disk", journald("Storage", "persistent", nil)),
		rule("journald-compress", "6", "Large journal entries are compressed", journald("Compress", "yes", oneOf("yes", "true", "1"))),
		rule("pkg-journal-remote-present", "6", "The journal upload client is installed", present("systemd-journal-remote")),
		rule("journal-remote-receiver-off", "6", "The journal receiver does not listen",
			unit("systemd-journal-remote.socket", primitive.Disabled), unit("systemd-journal-remote.service", primitive.Disabled)),
		rule("logging-single-system", "6", "Logs are shipped by one system only (rsyslog or journal upload)", singleLogShipper{}),
		rule("rsyslog-enabled", "6", "rsyslog is enabled where it is installed",
			when{Installed: rsyslog, Then: unit("rsyslog.service", primitive.Enabled)}),
		rule("rsyslog-file-create-mode", "6", "rsyslog creates log files 0640 or stricter",
			when{Installed: rsyslog, Then: primitive.LineRequired{Files: []string{"/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"},
				Pattern: regexp.MustCompile(`^\$FileCreateMode\s+0[0-6][0-4]0\b`), Path: "/etc/rsyslog.d/60-hardened-cis.conf",
				Line: "$FileCreateMode 0640", What: "$FileCreateMode 0640"}}),
		rule("rsyslog-no-remote-input", "6", "rsyslog does not accept logs from the network",
			primitive.LineAbsent{Files: []string{"/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"},
				Pattern: regexp.MustCompile(`(?i)(module\s*\(\s*load\s*=\s*"im(tcp|udp|relp)"|\$ModLoad\s+im(tcp|udp)|input\s*\(\s*type\s*=\s*"im(tcp|udp|relp)"|\$(InputTCPServerRun|UDPServerRun))`),
				What:    "rsyslog network input", Example: `module(load="imtcp")`}),
		rule("logfiles-perms", "6", "Log files are readable by their owner and group only", logFiles{}),
	}

	// Section 7: system files.
	for _, f := range []struct {
		id, path string
		max      uint32
		group    string
		required bool
	}{
		{"passwd", "/etc/passwd", 0o644, "root", true}, {"passwd-backup", "/etc/passwd-", 0o644, "root", false},
		{"group", "/etc/group", 0o644, "root", true}, {"group-backup", "/etc/group-", 0o644, "root", false},
		{"shadow", "/etc/shadow", 0o640, "root|shadow", true}, {"shadow-backup", "/etc/shadow-", 0o640, "root|shadow", false},
		{"gshadow", "/etc/gshadow", 0o640, "root|shadow", true}, {"gshadow-backup", "/etc/gshadow-", 0o640, "root|shadow", false},
		{"shells", "/etc/shells", 0o644, "root", false}, {"opasswd", "/etc/security/opasswd", 0o600, "root", false},
	} {
		rs = append(rs, rule("perm-etc-"+f.id, "7", f.path+" has safe ownership and mode",
			primitive.FileMode{Path: f.path, Max: fsPerm(f.max), Owner: "root", Group: f.group, Required: f.required}))
	}
	rs = append(rs,
		rule("fs-world-writable", "7", "No world-writable files; world-writable directories are sticky", worldWritable{}),
		auditOnly(rule("fs-unowned", "7", "Every file has a known owner and group", unowned{})),
		auditOnly(rule("passwd-shadowed", "7", "Password hashes live only in /etc/shadow", accountScan{Kind: scanShadowed})),
		rule("shadow-no-empty-password", "7", "No account has an empty password", emptyPasswords{}),
		auditOnly(rule("passwd-groups-exist", "7", "Every primary group exists in /etc/group", accountScan{Kind: scanGroupsExist})),
		rule("shadow-group-empty", "7", "The shadow group has no members", groupEmpty{Name: "shadow"}),
		auditOnly(rule("accounts-unique-uids", "7", "UIDs are unique", accountScan{Kind: scanDupUID})),
		auditOnly(rule("groups-unique-gids", "7", "GIDs are unique", accountScan{Kind: scanDupGID})),
		auditOnly(rule("accounts-unique-names", "7", "User names are unique", accountScan{Kind: scanDupUser})),
		auditOnly(rule("groups-unique-names", "7", "Group names are unique", accountScan{Kind: scanDupGroup})),
		rule("home-dirs", "7", "Home directories exist, belong to their user and are private", homeDirs{}),
		rule("home-dotfiles", "7", "Dot files are private; no .forward or .rhosts", dotFiles{}),
	)
	return rs
}

const aideInitUnit = "/etc/systemd/system/harden-aide-init.service"

// aideInitUnitContent is a one-shot unit that builds the AIDE database on
// the first boot where it is missing.
func aideInitUnitContent(db, exec string) string {
	return "# Managed by harden (CIS hardening).\n[Unit]\nDescription=Build the AIDE database on first boot\n" +
		"ConditionPathExists=!" + db + "\nAfter=multi-user.target\n\n[Service]\nType=oneshot\nNice=19\nIOSchedulingClass=idle\n" +
		"ExecStart=" + exec + "\n\n[Install]\nWantedBy=multi-user.target\n"
}

// aidePeriodic requires a daily AIDE check by cron or a systemd timer.
type aidePeriodic struct{}

const aideCron = "/etc/cron.d/60-hardened-cis-aide"

var aideRef = regexp.MustCompile(`\baide(\.wrapper)?\b.*--check|dailyaidecheck|\baide\b`)

func (aidePeriodic) Describe() string { return "AIDE runs daily" }

func (aidePeriodic) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	for _, u := range []string{"dailyaidecheck.timer", "aidecheck.timer"} {
		if f := (primitive.Service{Unit: u, State: primitive.Enabled}).Audit(ctx, t); f.Status == engine.StatusPass {
			return engine.Pass("%s is enabled", u)
		}
	}
	files, err := primitive.Expand(t, []string{"/etc/crontab", "/etc/cron.d/*", "/etc/cron.daily/*", "/var/spool/cron/crontabs/root", "/var/spool/cron/root"})
	if err != nil {
		return engine.Errorf("%v", err)
	}
	for _, f := range files {
		if regexp.MustCompile(`aide`).MatchString(f) {
			return engine.Pass("%s runs AIDE", f)
		}
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeLinesOf(data) {
			if aideRef.MatchString(l) {
				return engine.Pass("%s runs AIDE", f)
			}
		}
	}
	return engine.Fail("no cron job or timer runs AIDE")
}

func (aidePeriodic) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("daily AIDE check", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		fam, err := family(t)
		if err != nil {
			return err
		}
		line := "0 5 * * * root /usr/bin/aide --config /etc/aide/aide.conf --check\n"
		if fam == famRHEL {
			line = "0 5 * * * root /usr/sbin/aide --check\n"
		}
		return tx.WriteFile(aideCron, []byte("# Managed by harden (CIS hardening).\n"+line), 0o644)
	})
	return nil
}

// singleLogShipper fails when rsyslog and systemd-journal-upload are both
// enabled (logs would be shipped twice by two systems).
type singleLogShipper struct{}

func (singleLogShipper) Describe() string { return "not both rsyslog and journal upload enabled" }

func enabled(ctx context.Context, t *engine.Target, u string) bool {
	f := primitive.Service{Unit: u, State: primitive.Disabled}.Audit(ctx, t)
	return f.Status == engine.StatusFail
}

func (singleLogShipper) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if enabled(ctx, t, "rsyslog.service") && enabled(ctx, t, "systemd-journal-upload.service") {
		return engine.Fail("rsyslog and systemd-journal-upload are both enabled")
	}
	return engine.Pass("one log pipeline")
}

func (singleLogShipper) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	return primitive.Service{Unit: "systemd-journal-upload.service", State: primitive.Disabled}.Fix(ctx, t, p)
}

// emptyPasswords locks accounts whose shadow password field is empty.
type emptyPasswords struct{}

func (emptyPasswords) Describe() string { return "no empty password fields" }

func (emptyPasswords) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	f, ok, err := readColon(t, "/etc/shadow")
	if err != nil || !ok {
		return engine.Errorf("read /etc/shadow: %v", err)
	}
	var bad []string
	for _, e := range f.entries() {
		if len(e) >= 2 && e[1] == "" {
			bad = append(bad, e[0])
		}
	}
	if len(bad) > 0 {
		return engine.Fail("accounts with an empty password: %s", short(bad))
	}
	return engine.Pass("no account has an empty password")
}

func (emptyPasswords) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	editShadow(p, "lock accounts with empty passwords", func(_ *engine.Target, e []string) bool {
		if e[1] == "" {
			e[1] = "!"
			return true
		}
		return false
	})
	return nil
}
