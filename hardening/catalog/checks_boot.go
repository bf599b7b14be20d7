package catalog

// Checks for mounts, the kernel command line, banners and resource limits.

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// fstabMount requires a mount option on a mount point in /etc/fstab. Image
// mode only: the fix writes fstab and never mounts or remounts anything, so
// the image builder's running session (which uploads scripts to /tmp) is
// unaffected; the options apply from the first boot of the image.
type fstabMount struct {
	Mount string
	Opt   string // "" only requires the entry to exist
	// Create is the fstab line added when the mount point has no entry
	// (/tmp and /dev/shm become tmpfs). Empty: no entry means the mount
	// point is not a separate file system and the check is not applicable.
	Create string
}

const fstab = "/etc/fstab"

func (c fstabMount) Describe() string {
	if c.Opt == "" {
		return c.Mount + " is a separate mount"
	}
	return c.Mount + " mounted " + c.Opt
}

// fstabEntry returns the index of the last active line for mount and its fields.
func fstabEntry(lines []string, mount string) (int, []string) {
	idx, fields := -1, []string(nil)
	for i, l := range lines {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") {
			continue
		}
		f := strings.Fields(tl)
		if len(f) >= 4 && strings.TrimRight(f[1], "/") == strings.TrimRight(mount, "/") {
			idx, fields = i, f
		}
	}
	return idx, fields
}

func hasOpt(opts, opt string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

func (c fstabMount) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	data, _, err := readOpt(t, fstab)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	_, f := fstabEntry(strings.Split(data, "\n"), c.Mount)
	switch {
	case f == nil && c.Create == "":
		return engine.NotApplicable("%s is not a separate file system", c.Mount)
	case f == nil:
		return engine.Fail("%s has no entry in %s", c.Mount, fstab)
	case c.Opt != "" && !hasOpt(f[3], c.Opt):
		return engine.Fail("%s is mounted with %s, missing %s", c.Mount, f[3], c.Opt)
	}
	return engine.Pass("%s %s %s", c.Mount, f[2], f[3])
}

func (c fstabMount) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("fstab: "+c.Describe(), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		data, _, err := readOpt(t, fstab)
		if err != nil {
			return err
		}
		lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
		if data == "" {
			lines = nil
		}
		i, f := fstabEntry(lines, c.Mount)
		if f == nil {
			if c.Create == "" {
				return nil
			}
			lines = append(lines, c.Create)
			i, f = len(lines)-1, strings.Fields(c.Create)
		}
		if c.Opt != "" && !hasOpt(f[3], c.Opt) {
			f[3] += "," + c.Opt
		}
		lines[i] = strings.Join(f, "\t")
		return tx.WriteFile(fstab, []byte(strings.Join(lines, "\n")+"\n"), permOf(t, fstab, 0o644))
	})
	return nil
}

// grubCmdline requires kernel parameters to be present (Add) or absent
// (Remove) on the kernel command line as configured in /etc/default/grub,
// /etc/default/grub.d/*.cfg and, on RHEL, the BLS entries. The new command
// line takes effect when the boot loader configuration is next generated
// (kernel updates do this); an image build regenerates it in its final step.
type grubCmdline struct {
	Add    []string
	Remove []string // parameter names or name=value
}

var grubVar = regexp.MustCompile(`^(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)=(.*)$`)

func (c grubCmdline) Describe() string {
	return fmt.Sprintf("kernel command line has %v, lacks %v", c.Add, c.Remove)
}

func grubSources(t *engine.Target) ([]string, error) {
	return expand(t, []string{"/etc/default/grub", "/etc/default/grub.d/*.cfg", "/boot/loader/entries/*.conf"})
}

// cmdlineTokens returns every kernel parameter configured in a source file.
func cmdlineTokens(file, content string) []string {
	var out []string
	for _, l := range activeLinesOf(content) {
		var val string
		if strings.HasPrefix(file, "/boot/loader/entries/") {
			if !strings.HasPrefix(l, "options") {
				continue
			}
			val = strings.TrimSpace(strings.TrimPrefix(l, "options"))
		} else if m := grubVar.FindStringSubmatch(l); m != nil {
			val = strings.Trim(m[2], `"'`)
		} else {
			continue
		}
		for _, tok := range strings.Fields(val) {
			if !strings.HasPrefix(tok, "$") {
				out = append(out, tok)
			}
		}
	}
	return out
}

func tokenMatches(tok, want string) bool {
	if strings.Contains(want, "=") {
		return tok == want
	}
	name, _, _ := strings.Cut(tok, "=")
	return name == want
}

func (c grubCmdline) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := grubSources(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(files) == 0 {
		return engine.NotApplicable("no GRUB configuration (/etc/default/grub) in this root")
	}
	var all []string
	var bad []string
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		toks := cmdlineTokens(f, data)
		all = append(all, toks...)
		for _, tok := range toks {
			for _, r := range c.Remove {
				if tokenMatches(tok, r) {
					bad = append(bad, f+": "+tok)
				}
			}
		}
	}
	for _, a := range c.Add {
		found := false
		for _, tok := range all {
			found = found || tok == a
		}
		if !found {
			bad = append(bad, "missing "+a)
		}
	}
	if len(bad) > 0 {
		return engine.Fail("kernel command line: %s", strings.Join(bad, "; "))
	}
	return engine.Pass("kernel command line configured")
}

func (c grubCmdline) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("kernel command line", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, err := grubSources(t)
		if err != nil {
			return err
		}
		for _, f := range files {
			data, _, err := readOpt(t, f)
			if err != nil {
				return err
			}
			bls := strings.HasPrefix(f, "/boot/loader/entries/")
			lines := strings.Split(data, "\n")
			changed := false
			for i, l := range lines {
				tl := strings.TrimSpace(l)
				var prefix, val, quote string
				switch {
				case bls && strings.HasPrefix(tl, "options"):
					prefix, val = "options ", strings.TrimSpace(strings.TrimPrefix(tl, "options"))
				case !bls && grubVar.MatchString(tl):
					m := grubVar.FindStringSubmatch(tl)
					prefix, val, quote = m[1]+"=", m[2], `"`
					if strings.HasPrefix(val, "'") {
						quote = "'"
					}
					val = strings.Trim(val, `"'`)
				default:
					continue
				}
				var toks []string
				for _, tok := range strings.Fields(val) {
					drop := false
					for _, r := range c.Remove {
						drop = drop || tokenMatches(tok, r)
					}
					if !drop {
						toks = append(toks, tok)
					}
				}
				if f == "/etc/default/grub" && strings.HasPrefix(prefix, "GRUB_CMDLINE_LINUX=") {
					for _, a := range c.Add {
						has := false
						for _, tok := range toks {
							has = has || tok == a
						}
						if !has {
							toks = append(toks, a)
						}
					}
				}
				nl := prefix + quote + strings.Join(toks, " ") + quote
				if nl != tl {
					lines[i], changed = nl, true
				}
			}
			if f == "/etc/default/grub" && len(c.Add) > 0 && !grubHasLinuxVar(data) {
				for len(lines) > 0 && lines[len(lines)-1] == "" {
					lines = lines[:len(lines)-1]
				}
				lines = append(lines, `GRUB_CMDLINE_LINUX="`+strings.Join(c.Add, " ")+`"`, "")
				changed = true
			}
			if changed {
				if err := tx.WriteFile(f, []byte(strings.Join(lines, "\n")), permOf(t, f, 0o644)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return nil
}

func grubHasLinuxVar(content string) bool {
	for _, l := range activeLinesOf(content) {
		if strings.HasPrefix(l, "GRUB_CMDLINE_LINUX=") {
			return true
		}
	}
	return false
}

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
	files, err := expand(t, []string{"/etc/security/limits.conf", "/etc/security/limits.d/*.conf"})
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
	return lineAbsent{
		Files:   []string{"/etc/security/limits.conf", "/etc/security/limits.d/*.conf"},
		Pattern: regexp.MustCompile(`^\*\s+(hard|-)\s+core\s+([1-9]|unlimited|infinity)`),
		What:    "raised hard core limits",
	}.Fix(ctx, t, p)
}
