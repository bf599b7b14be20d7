package catalog

// Checks for mounts, the kernel command line, banners and resource limits.

import (
	"context"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// banner requires that a login banner, if present, shows no OS details: no
// getty escapes (\m \r \s \v) and no distribution name. The fix replaces it
// with a neutral warning.
type banner struct {
	Path string
	// Create: a missing file fails (issue.net is referenced by sshd's Banner).
	Create bool
}

const bannerText = "Authorized use only. All activity may be monitored and reported.\n"

var bannerLeak = regexp.MustCompile(`(?i)\\[mrsv]|debian|ubuntu|red ?hat|rhel|centos|rocky|alma|tencent ?os|opencloudos|gnu/linux|kernel`)

func (b banner) Describe() string { return b.Path + " shows no OS details" }

func (b banner) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	data, ok, err := readOpt(t, b.Path)
	switch {
	case err != nil:
		return engine.Errorf("%v", err)
	case !ok && b.Create:
		return engine.Fail("%s does not exist", b.Path)
	case !ok:
		return engine.Pass("%s does not exist", b.Path)
	}
	if m := bannerLeak.FindString(data); m != "" {
		return engine.Fail("%s reveals the system (%q)", b.Path, m)
	}
	return engine.Pass("%s is neutral", b.Path)
}

func (b banner) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("banner "+b.Path, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		return tx.WriteFile(b.Path, []byte(bannerText), 0o644)
	})
	return nil
}

// limitsCoreZero requires "* hard core 0" in limits.conf or limits.d.
type limitsCoreZero struct{}

const limitsDropIn = "/etc/security/limits.d/60-hardened-cis.conf"

func (limitsCoreZero) Describe() string { return "hard core file size limit 0 for everyone" }

func (limitsCoreZero) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := primitive.Expand(t, []string{"/etc/security/limits.conf", "/etc/security/limits.d/*.conf"})
	if err != nil {
		return engine.Errorf("%v", err)
	}
	found, bad := "", ""
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeLinesOf(data) {
			fl := strings.Fields(l)
			if len(fl) == 4 && fl[0] == "*" && (fl[1] == "hard" || fl[1] == "-") && fl[2] == "core" {
				if fl[3] == "0" {
					found = f
				} else {
					bad = f + ": " + l
				}
			}
		}
	}
	switch {
	case bad != "":
		return engine.Fail("core limit raised: %s", bad)
	case found == "":
		return engine.Fail("no '* hard core 0' in /etc/security/limits.conf or limits.d")
	}
	return engine.Pass("'* hard core 0' in %s", found)
}

func (limitsCoreZero) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.DropIn(engine.DropInSpec{Path: limitsDropIn, Header: "# Managed by harden (CIS hardening). Do not edit: changes are overwritten.\n"}, "", "* hard core 0")
	return primitive.LineAbsent{
		Files:   []string{"/etc/security/limits.conf", "/etc/security/limits.d/*.conf"},
		Pattern: regexp.MustCompile(`^\*\s+(hard|-)\s+core\s+([1-9]|unlimited|infinity)`),
		What:    "raised hard core limits",
	}.Fix(ctx, t, p)
}
