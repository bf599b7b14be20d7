package catalog

// Small checks the catalog needs that are too specific for the shared
// primitive package. All of them read files under the target root only and
// record their fixes as plan steps that write through the transaction.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// readOpt reads a target file, treating "missing" as empty.
func readOpt(t *engine.Target, p string) (string, bool, error) {
	data, err := t.ReadFile(p)
	if err != nil {
		if isNotExist(err) {
			return "", false, nil
		}
		return "", false, fmt.Errorf("read %s: %w", p, err)
	}
	return string(data), true, nil
}

func isNotExist(err error) bool { return err != nil && errors.Is(err, fs.ErrNotExist) }

// permOf returns the permission of an existing file, or def.
func permOf(t *engine.Target, p string, def fs.FileMode) fs.FileMode {
	if fi, err := t.Stat(p); err == nil {
		return fi.Mode().Perm()
	}
	return def
}

// expand returns the target paths matching each entry (glob syntax in the
// last element), deduplicated and sorted.
func expand(t *engine.Target, patterns []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range patterns {
		var ms []string
		if strings.ContainsAny(path.Base(p), "*?[") {
			g, err := t.Glob(p)
			if err != nil {
				return nil, err
			}
			ms = g
		} else if t.Exists(p) {
			ms = []string{p}
		}
		for _, m := range ms {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func activeLinesOf(content string) []string {
	var out []string
	for _, l := range strings.Split(content, "\n") {
		tl := strings.TrimSpace(l)
		if tl == "" || strings.HasPrefix(tl, "#") {
			continue
		}
		out = append(out, tl)
	}
	return out
}

// lineAbsent requires that no active line of the files matches Pattern
// ("nullok" on pam_unix, "CRYPTO_POLICY=" in /etc/sysconfig/sshd, "!authenticate"
// in sudoers). The fix comments matching lines out, keeping them for review.
type lineAbsent struct {
	Files   []string // globs allowed in the last element
	Pattern *regexp.Regexp
	What    string
	// Example is an offending line (documentation, and what the tests plant).
	Example string
	// Keep exempts a line that matches Pattern (e.g. a value in range).
	Keep func(line string) bool
	// Rewrite, when set, replaces a matching line instead of commenting it out.
	Rewrite func(line string) string
}

func (c lineAbsent) offends(line string) bool {
	return c.Pattern.MatchString(line) && (c.Keep == nil || !c.Keep(line))
}

func (c lineAbsent) Describe() string { return "no " + c.What }

func (c lineAbsent) matches(t *engine.Target) ([]string, error) {
	files, err := expand(t, c.Files)
	if err != nil {
		return nil, err
	}
	var hits []string
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return nil, err
		}
		for _, l := range activeLinesOf(data) {
			if c.offends(l) {
				hits = append(hits, f+": "+l)
			}
		}
	}
	return hits, nil
}

func (c lineAbsent) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	hits, err := c.matches(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(hits) > 0 {
		return engine.Fail("%s found: %s", c.What, strings.Join(hits, "; "))
	}
	return engine.Pass("no %s", c.What)
}

func (c lineAbsent) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("remove "+c.What, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, err := expand(t, c.Files)
		if err != nil {
			return err
		}
		for _, f := range files {
			data, _, err := readOpt(t, f)
			if err != nil {
				return err
			}
			lines := strings.Split(data, "\n")
			changed := false
			for i, l := range lines {
				tl := strings.TrimSpace(l)
				if tl == "" || strings.HasPrefix(tl, "#") || !c.offends(tl) {
					continue
				}
				if c.Rewrite != nil {
					lines[i] = c.Rewrite(l)
				} else {
					lines[i] = "# harden: " + l
				}
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

// lineRequired requires that some active line of the files matches Pattern;
// the fix appends Line to Path (created with Perm if missing).
type lineRequired struct {
	Files   []string
	Pattern *regexp.Regexp
	Path    string
	Line    string
	Perm    fs.FileMode
	What    string
}

func (c lineRequired) Describe() string { return c.What }

func (c lineRequired) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := expand(t, c.Files)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeLinesOf(data) {
			if c.Pattern.MatchString(l) {
				return engine.Pass("%s: %s", f, l)
			}
		}
	}
	return engine.Fail("missing: %s (searched %s)", c.What, strings.Join(c.Files, ", "))
}

func (c lineRequired) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("add "+c.What, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		data, _, err := readOpt(t, c.Path)
		if err != nil {
			return err
		}
		if data != "" && !strings.HasSuffix(data, "\n") {
			data += "\n"
		}
		perm := c.Perm
		if perm == 0 {
			perm = 0o644
		}
		return tx.WriteFile(c.Path, []byte(data+c.Line+"\n"), permOf(t, c.Path, perm))
	})
	return nil
}

// fileExists requires a file to exist; the fix creates it with Content
// (existing content is never replaced) and Perm.
type fileExists struct {
	Path    string
	Content string
	Perm    fs.FileMode
}

func (c fileExists) Describe() string { return c.Path + " exists" }

func (c fileExists) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if t.Exists(c.Path) {
		return engine.Pass("%s exists", c.Path)
	}
	return engine.Fail("%s does not exist", c.Path)
}

func (c fileExists) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("create "+c.Path, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		if t.Exists(c.Path) {
			return nil
		}
		return tx.WriteFile(c.Path, []byte(c.Content), c.Perm)
	})
	return nil
}

// globMode applies FileMode to every path matching the patterns (host keys,
// files in a directory). No match is not applicable.
type globMode struct {
	Patterns []string
	Max      fs.FileMode
	Owner    string
	Group    string
	// Skip excludes matches (e.g. *.pub among private keys).
	Skip func(p string) bool
	// FilesOnly skips directories.
	FilesOnly bool
}

func (g globMode) Describe() string {
	return fmt.Sprintf("%s mode ≤ %04o owner %s:%s", strings.Join(g.Patterns, " "), g.Max, g.Owner, g.Group)
}

func (g globMode) checks(t *engine.Target) ([]primitive.FileMode, error) {
	paths, err := expand(t, g.Patterns)
	if err != nil {
		return nil, err
	}
	var out []primitive.FileMode
	for _, p := range paths {
		if g.Skip != nil && g.Skip(p) {
			continue
		}
		if g.FilesOnly {
			if fi, err := t.Stat(p); err != nil || !fi.Mode().IsRegular() {
				continue
			}
		}
		out = append(out, primitive.FileMode{Path: p, Max: g.Max, Owner: g.Owner, Group: g.Group})
	}
	return out, nil
}

func (g globMode) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	cs, err := g.checks(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(cs) == 0 {
		return engine.NotApplicable("no files match %s", strings.Join(g.Patterns, " "))
	}
	var bad []string
	for _, c := range cs {
		if f := c.Audit(ctx, t); f.Status != engine.StatusPass {
			bad = append(bad, f.Detail)
		}
	}
	if len(bad) > 0 {
		return engine.Fail("%s", strings.Join(bad, "; "))
	}
	return engine.Pass("%d files within %04o", len(cs), g.Max)
}

func (g globMode) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	cs, err := g.checks(t)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if f := c.Audit(ctx, t); f.Status == engine.StatusFail {
			if err := c.Fix(ctx, t, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// systemdConf requires Key=Value in the [Section] of a systemd daemon config
// (journald.conf, timesyncd.conf, coredump.conf) with drop-in directories:
// the main file first, then *.conf drop-ins by name, later wins. The fix
// writes the managed drop-in and comments out conflicting drop-in lines.
type systemdConf struct {
	Main    string // e.g. /etc/systemd/journald.conf
	Section string // e.g. Journal
	Key     string
	Value   string
	Accept  func(string) bool
}

// systemdDropInName sorts after vendor drop-ins (e.g. Debian 13's
// /usr/lib/systemd/journald.conf.d/syslog.conf), so the managed values win.
const systemdDropInName = "zz-hardened-cis.conf"

func (c systemdConf) dropInDirs() []string {
	base := path.Base(c.Main) + ".d"
	return []string{"/etc/systemd/" + base, "/run/systemd/" + base, "/usr/lib/systemd/" + base, "/lib/systemd/" + base}
}

func (c systemdConf) Describe() string {
	return fmt.Sprintf("%s [%s] %s=%s", c.Main, c.Section, c.Key, c.Value)
}

// files returns the config files in evaluation order.
func (c systemdConf) files(t *engine.Target) ([]string, error) {
	byBase := map[string]string{}
	for _, d := range c.dropInDirs() {
		ents, err := t.ReadDir(d)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", d, err)
		}
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".conf") {
				if _, ok := byBase[e.Name()]; !ok {
					byBase[e.Name()] = d + "/" + e.Name()
				}
			}
		}
	}
	names := make([]string, 0, len(byBase))
	for n := range byBase {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []string{c.Main}
	for _, n := range names {
		out = append(out, byBase[n])
	}
	return out, nil
}

// sectionValue returns the last value of key within section in content.
func sectionValue(content, section, key string) (string, bool) {
	cur, val, found := "", "", false
	for _, l := range activeLinesOf(content) {
		if strings.HasPrefix(l, ";") {
			continue
		}
		if strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]") {
			cur = l[1 : len(l)-1]
			continue
		}
		if cur != section {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if ok && strings.TrimSpace(k) == key {
			val, found = strings.TrimSpace(v), true
		}
	}
	return val, found
}

func (c systemdConf) accept(v string) bool {
	if c.Accept != nil {
		return c.Accept(v)
	}
	return v == c.Value
}

func (c systemdConf) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := c.files(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	val, from, found := "", "", false
	for _, f := range files {
		data, _, err := readOpt(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		if v, ok := sectionValue(data, c.Section, c.Key); ok {
			val, from, found = v, f, true
		}
	}
	switch {
	case !found:
		return engine.Fail("%s is not set in [%s] of %s or its drop-ins (want %s)", c.Key, c.Section, c.Main, c.Value)
	case !c.accept(val):
		return engine.Fail("%s=%s in %s, want %s", c.Key, val, from, c.Value)
	}
	return engine.Pass("%s=%s (%s)", c.Key, val, from)
}

func (c systemdConf) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	managed := c.dropInDirs()[0] + "/" + systemdDropInName
	p.Step(fmt.Sprintf("set %s=%s in %s", c.Key, c.Value, managed), func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, err := c.files(t)
		if err != nil {
			return err
		}
		// Later drop-ins would override ours: neutralise conflicting values there.
		after := false
		for _, f := range files {
			if f == managed {
				after = true
				continue
			}
			if !after || !strings.HasPrefix(f, "/etc/") {
				continue
			}
			if err := c.neutralise(t, tx, f); err != nil {
				return err
			}
		}
		if !after {
			// Our file does not exist yet; it sorts among the others by name.
			for _, f := range files[1:] {
				if path.Base(f) > systemdDropInName && strings.HasPrefix(f, "/etc/") {
					if err := c.neutralise(t, tx, f); err != nil {
						return err
					}
				}
			}
		}
		data, _, err := readOpt(t, managed)
		if err != nil {
			return err
		}
		return tx.WriteFile(managed, []byte(setSectionKey(data, c.Section, c.Key, c.Value)), 0o644)
	})
	return nil
}

func (c systemdConf) neutralise(t *engine.Target, tx *engine.Tx, f string) error {
	data, _, err := readOpt(t, f)
	if err != nil {
		return err
	}
	v, ok := sectionValue(data, c.Section, c.Key)
	if !ok || c.accept(v) {
		return nil
	}
	lines := strings.Split(data, "\n")
	for i, l := range lines {
		if k, _, ok := strings.Cut(strings.TrimSpace(l), "="); ok && strings.TrimSpace(k) == c.Key {
			lines[i] = "# harden: " + l
		}
	}
	return tx.WriteFile(f, []byte(strings.Join(lines, "\n")), permOf(t, f, 0o644))
}

// setSectionKey renders a managed systemd drop-in: a header, one [Section],
// and its keys sorted, merging with what the file already holds.
func setSectionKey(existing, section, key, value string) string {
	keys := map[string]string{}
	sec := ""
	for _, l := range activeLinesOf(existing) {
		if strings.HasPrefix(l, "[") {
			sec = strings.Trim(l, "[]")
			continue
		}
		if k, v, ok := strings.Cut(l, "="); ok && sec == section {
			keys[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	keys[key] = value
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("# Managed by harden (CIS hardening). Do not edit: changes are overwritten.\n")
	b.WriteString("[" + section + "]\n")
	for _, k := range names {
		b.WriteString(k + "=" + keys[k] + "\n")
	}
	return b.String()
}
