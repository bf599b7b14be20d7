//go:generate packer-sdc mapstructure-to-hcl2 -type Config,Waiver

// Package cis is the hardened-cis provisioner: it uploads the harden bundle
// embedded in this plugin to any SSH-reachable Linux machine, applies the
// CIS Level 1 profile for its OS, audits the result, downloads JSON, HTML
// and JUnit reports, and leaves the audit on the machine as the provenance
// input of the hardened-cvm builder.
package cis

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/template/config"
	"github.com/hashicorp/packer-plugin-sdk/template/interpolate"
)

// Waiver exempts one rule, with a reason that lands in every report.
type Waiver struct {
	// Rule id, e.g. `deb-ssh-permit-root-login` (see `harden rules`).
	ID string `mapstructure:"id" required:"true"`
	// Why the rule does not apply; required.
	Reason string `mapstructure:"reason" required:"true"`
	// Last day the waiver holds, `YYYY-MM-DD` (UTC). After it the build
	// fails, naming rule, reason and date, so a temporary exception is
	// reviewed instead of silently kept. Default: no expiry.
	Expires string `mapstructure:"expires"`
}

// Config of the hardened-cis provisioner.
type Config struct {
	// Hardening profile id, or `auto` (default) to pick the CIS Level 1
	// profile of the target's /etc/os-release.
	Profile string `mapstructure:"profile"`
	// Rules to waive, each with a reason.
	Waivers []Waiver `mapstructure:"waiver"`
	// Install pending updates before hardening (default true).
	Update *bool `mapstructure:"update"`
	// Local directory receiving audit.json, audit.html and audit.junit.xml.
	// Default: no local reports.
	ReportDir string `mapstructure:"report_dir"`
	// Fail the build when the audit after apply still has failing rules (default true).
	FailOnAudit *bool `mapstructure:"fail_on_audit"`
	// Finish with image cleanup: machine-id, SSH host keys, cloud-init state,
	// logs, shell histories, the builder's login exception (default true).
	CleanupImage *bool `mapstructure:"cleanup_image"`
	// Temporary build users that image cleanup deletes.
	RemoveUsers []string `mapstructure:"remove_users"`
	// A harden binary to upload instead of the embedded one (e.g. for a
	// target architecture this plugin was built without).
	BundlePath string `mapstructure:"bundle_path"`
	// Where the provenance input (the JSON audit) is left on the machine for
	// the builder (default `/var/lib/hardened/provenance.json`).
	ProvenancePath string `mapstructure:"provenance_path"`
	// Directory on the machine for the bundle (default `/var/lib/hardened`;
	// not /tmp, which hardening may mount noexec).
	RemoteDir string `mapstructure:"remote_dir"`
	// OSV advisory feed to scan the target's packages against after
	// patching: a local .json file, a directory of them or a .zip (such as
	// osv.dev's per-ecosystem all.zip), or the http(s) URL of a mirror you
	// run. It is read on the Packer host, uploaded next to the bundle and
	// removed afterwards: the target needs no internet. The counts by
	// severity, the feed date and the oldest missing fix go into the
	// reports and the signed image provenance.
	VulnsFeed string `mapstructure:"vulns_feed"`
	// With vulns_feed: a fixable vulnerability at or above `critical`,
	// `high` (default) or `medium` fails the build with the list; `none`
	// only reports. Vulnerabilities without a fix yet are reported, never
	// fatal.
	FailOnFixable string `mapstructure:"fail_on_fixable"`

	ctx interpolate.Context
	// now is the clock expiry is judged by; nil means time.Now.
	now func() time.Time
}

var ruleIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// trailingDateRe is what harden reads as the expiry of `--waive
// RULE=reason@DATE`; a reason ending like that would change the waiver.
var trailingDateRe = regexp.MustCompile(`@[0-9][^@\s]*\s*$`)

// Prepare decodes and validates; errors name their field.
func (c *Config) Prepare(raws ...interface{}) error {
	if err := config.Decode(c, &config.DecodeOpts{
		PluginType: "hardened-cis", Interpolate: true, InterpolateContext: &c.ctx,
	}, raws...); err != nil {
		return err
	}
	var errs *packersdk.MultiError
	add := func(e error) { errs = packersdk.MultiErrorAppend(errs, e) }
	if c.Profile == "" {
		c.Profile = "auto"
	}
	if c.Profile != "auto" && !ruleIDRe.MatchString(c.Profile) {
		add(fmt.Errorf("profile %q is not a profile id (see `harden profiles`) or \"auto\"", c.Profile))
	}
	now := c.now
	if now == nil {
		now = time.Now
	}
	seen := map[string]bool{}
	for i, w := range c.Waivers {
		switch {
		case w.ID == "":
			add(fmt.Errorf("waiver[%d].id is required", i))
		case !ruleIDRe.MatchString(w.ID):
			add(fmt.Errorf("waiver[%d].id %q is not a rule id (see `harden rules`)", i, w.ID))
		case seen[w.ID]:
			add(fmt.Errorf("waiver[%d].id %q is waived twice", i, w.ID))
		}
		seen[w.ID] = true
		if strings.TrimSpace(w.Reason) == "" {
			add(fmt.Errorf("waiver[%d].reason is required: say why rule %q does not apply", i, w.ID))
		}
		if strings.ContainsAny(w.Reason, "\n,=") {
			add(fmt.Errorf("waiver[%d].reason must be one line without ',' or '='", i))
		}
		if trailingDateRe.MatchString(w.Reason) {
			add(fmt.Errorf("waiver[%d].reason must not end in @DATE: put the date in waiver[%d].expires", i, i))
		}
		if w.Expires != "" {
			last, err := time.Parse("2006-01-02", w.Expires)
			switch {
			case err != nil:
				add(fmt.Errorf("waiver[%d].expires %q is not a date: want YYYY-MM-DD, the last day the waiver holds", i, w.Expires))
			case !now().UTC().Before(last.AddDate(0, 0, 1)):
				// Fail before a machine is started; harden checks again on
				// the target with its own clock.
				add(fmt.Errorf("waiver[%d] for rule %q (reason: %s) expired on %s: fix the rule or renew waiver[%d].expires", i, w.ID, w.Reason, w.Expires, i))
			}
		}
	}
	t := true
	if c.Update == nil {
		c.Update = &t
	}
	if c.FailOnAudit == nil {
		c.FailOnAudit = &t
	}
	if c.CleanupImage == nil {
		c.CleanupImage = &t
	}
	for i, u := range c.RemoveUsers {
		if u == "" || u == "root" || strings.ContainsAny(u, " /'\"") {
			add(fmt.Errorf("remove_users[%d] %q is not a removable user name", i, u))
		}
	}
	if c.ProvenancePath == "" {
		c.ProvenancePath = "/var/lib/hardened/provenance.json"
	}
	if c.RemoteDir == "" {
		c.RemoteDir = "/var/lib/hardened"
	}
	for name, p := range map[string]string{"provenance_path": c.ProvenancePath, "remote_dir": c.RemoteDir} {
		if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " '\"$`\\") {
			add(fmt.Errorf("%s %q must be an absolute path without spaces or quotes", name, p))
		}
	}
	for _, e := range c.prepareVulns() {
		add(e)
	}
	if errs != nil && len(errs.Errors) > 0 {
		return errs
	}
	return nil
}

var errNoComm = errors.New("hardened-cis needs an SSH communicator")
