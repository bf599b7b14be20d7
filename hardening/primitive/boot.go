package primitive

// Boot-time configuration: mount options in /etc/fstab and kernel
// command-line parameters in the GRUB / BLS sources.

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// FstabMount requires a mount option on a mount point in /etc/fstab. Image
// mode only: the fix writes fstab and never mounts or remounts anything, so
// the image builder's running session (which uploads scripts to /tmp) is
// unaffected; the options apply from the first boot of the image.
type FstabMount struct {
	Mount string
	Opt   string // "" only requires the entry to exist
	// Create is the fstab line added when the mount point has no entry
	// (/tmp and /dev/shm become tmpfs). Empty: no entry means the mount
	// point is not a separate file system and the check is not applicable.
	Create string
}

// Fstab is the file FstabMount reads and writes.
const Fstab = "/etc/fstab"

func (c FstabMount) Describe() string {
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

func (c FstabMount) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	data, _, err := readText(t, Fstab)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	_, f := fstabEntry(strings.Split(data, "\n"), c.Mount)
	switch {
	case f == nil && c.Create == "":
		return engine.NotApplicable("%s is not a separate file system", c.Mount)
	case f == nil:
		return engine.Fail("%s has no entry in %s", c.Mount, Fstab)
	case c.Opt != "" && !hasOpt(f[3], c.Opt):
		return engine.Fail("%s is mounted with %s, missing %s", c.Mount, f[3], c.Opt)
	}
	return engine.Pass("%s %s %s", c.Mount, f[2], f[3])
}

func (c FstabMount) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("fstab: "+c.Describe(), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		data, _, err := readText(t, Fstab)
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
		return tx.WriteFile(Fstab, []byte(strings.Join(lines, "\n")+"\n"), permOr(t, Fstab, 0o644))
	})
	return nil
}

// GrubCmdline requires kernel parameters to be present (Add) or absent
// (Remove) on the kernel command line as configured in /etc/default/grub,
// /etc/default/grub.d/*.cfg and, on RHEL, the BLS entries, and, where
// /boot/grub/grub.cfg exists (Debian family), on every `linux` line of that
// generated file, which is what GRUB actually boots. The fix edits the
// sources and then regenerates grub.cfg with grub-mkconfig when the target
// has it (grubcfg.go).
type GrubCmdline struct {
	Add    []string
	Remove []string // parameter names or name=value
}

var grubVar = regexp.MustCompile(`^(GRUB_CMDLINE_LINUX(?:_DEFAULT)?)=(.*)$`)

func (c GrubCmdline) Describe() string {
	return fmt.Sprintf("kernel command line has %v, lacks %v", c.Add, c.Remove)
}

func grubSources(t *engine.Target) ([]string, error) {
	return Expand(t, []string{"/etc/default/grub", "/etc/default/grub.d/*.cfg", "/boot/loader/entries/*.conf"})
}

// cmdlineTokens returns every kernel parameter configured in a source file.
func cmdlineTokens(file, content string) []string {
	var out []string
	for _, l := range activeText(content) {
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

func (c GrubCmdline) Audit(ctx context.Context, t *engine.Target) engine.Finding {
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
		data, _, err := readText(t, f)
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
	gen, err := c.generatedProblems(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	bad = append(bad, gen...)
	if len(bad) > 0 {
		return engine.Fail("kernel command line: %s", strings.Join(bad, "; "))
	}
	return engine.Pass("kernel command line configured")
}

func (c GrubCmdline) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("kernel command line", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, err := grubSources(t)
		if err != nil {
			return err
		}
		if err := rewriteFiles(t, tx, files, c.edit); err != nil {
			return err
		}
		return regenerateGrubCfg(ctx, t, tx)
	})
	return nil
}

// edit rewrites the kernel command line of one source file f (text data,
// split into lines): Remove parameters dropped everywhere, Add parameters
// appended to GRUB_CMDLINE_LINUX of /etc/default/grub (created if missing).
func (c GrubCmdline) edit(f, data string, lines []string) ([]string, bool) {
	bls := strings.HasPrefix(f, "/boot/loader/entries/")
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
	return lines, changed
}

func grubHasLinuxVar(content string) bool {
	for _, l := range activeText(content) {
		if strings.HasPrefix(l, "GRUB_CMDLINE_LINUX=") {
			return true
		}
	}
	return false
}
