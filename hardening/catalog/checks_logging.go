package catalog

// Check types of the logging rules (rules_logging.go): AIDE's daily run,
// one log shipper, and locking accounts with an empty password.

import (
	"context"
	"regexp"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

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
