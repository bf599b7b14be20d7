package primitive

// Line-level checks over sets of files: a pattern that must not appear, a
// line that must, a file that must exist, and file modes over globs. They
// are parameterised by files and patterns only, so any rule can use them.

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Expand returns the target paths matching each entry (glob syntax in the
// last element), deduplicated and sorted.
func Expand(t *engine.Target, patterns []string) ([]string, error) {
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

// LineAbsent requires that no active line of the files matches Pattern
// ("nullok" on pam_unix, "CRYPTO_POLICY=" in /etc/sysconfig/sshd, "!authenticate"
// in sudoers). The fix comments matching lines out, keeping them for review.
type LineAbsent struct {
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

func (c LineAbsent) offends(line string) bool {
	return c.Pattern.MatchString(line) && (c.Keep == nil || !c.Keep(line))
}

func (c LineAbsent) Describe() string { return "no " + c.What }

func (c LineAbsent) matches(t *engine.Target) ([]string, error) {
	files, err := Expand(t, c.Files)
	if err != nil {
		return nil, err
	}
	var hits []string
	for _, f := range files {
		data, _, err := readText(t, f)
		if err != nil {
			return nil, err
		}
		for _, l := range activeText(data) {
			if c.offends(l) {
				hits = append(hits, f+": "+l)
			}
		}
	}
	return hits, nil
}

func (c LineAbsent) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	hits, err := c.matches(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(hits) > 0 {
		return engine.Fail("%s found: %s", c.What, strings.Join(hits, "; "))
	}
	return engine.Pass("no %s", c.What)
}

func (c LineAbsent) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("remove "+c.What, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, err := Expand(t, c.Files)
		if err != nil {
			return err
		}
		return rewriteFiles(t, tx, files, func(_, _ string, lines []string) ([]string, bool) {
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
			return lines, changed
		})
	})
	return nil
}

// rewriteFiles passes the lines of each file (and its whole text) to edit
// and writes back the files edit changed, keeping their mode.
func rewriteFiles(t *engine.Target, tx *engine.Tx, files []string, edit func(f, data string, lines []string) ([]string, bool)) error {
	for _, f := range files {
		data, _, err := readText(t, f)
		if err != nil {
			return err
		}
		lines, changed := edit(f, data, strings.Split(data, "\n"))
		if !changed {
			continue
		}
		if err := tx.WriteFile(f, []byte(strings.Join(lines, "\n")), permOr(t, f, 0o644)); err != nil {
			return err
		}
	}
	return nil
}

// LineRequired requires that some active line of the files matches Pattern;
// the fix appends Line to Path (created with Perm if missing).
type LineRequired struct {
	Files   []string
	Pattern *regexp.Regexp
	Path    string
	Line    string
	Perm    fs.FileMode
	What    string
}

func (c LineRequired) Describe() string { return c.What }

func (c LineRequired) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := Expand(t, c.Files)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	for _, f := range files {
		data, _, err := readText(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeText(data) {
			if c.Pattern.MatchString(l) {
				return engine.Pass("%s: %s", f, l)
			}
		}
	}
	return engine.Fail("missing: %s (searched %s)", c.What, strings.Join(c.Files, ", "))
}

func (c LineRequired) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("add "+c.What, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		data, _, err := readText(t, c.Path)
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
		return tx.WriteFile(c.Path, []byte(data+c.Line+"\n"), permOr(t, c.Path, perm))
	})
	return nil
}

// FileExists requires a file to exist; the fix creates it with Content
// (existing content is never replaced) and Perm.
type FileExists struct {
	Path    string
	Content string
	Perm    fs.FileMode
}

func (c FileExists) Describe() string { return c.Path + " exists" }

func (c FileExists) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if t.Exists(c.Path) {
		return engine.Pass("%s exists", c.Path)
	}
	return engine.Fail("%s does not exist", c.Path)
}

func (c FileExists) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("create "+c.Path, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		if t.Exists(c.Path) {
			return nil
		}
		return tx.WriteFile(c.Path, []byte(c.Content), c.Perm)
	})
	return nil
}

// GlobMode applies FileMode to every path matching the patterns (host keys,
// files in a directory). No match is not applicable.
type GlobMode struct {
	Patterns []string
	Max      fs.FileMode
	Owner    string
	Group    string
	// Skip excludes matches (e.g. *.pub among private keys).
	Skip func(p string) bool
	// FilesOnly skips directories.
	FilesOnly bool
}

func (g GlobMode) Describe() string {
	return fmt.Sprintf("%s mode ≤ %04o owner %s:%s", strings.Join(g.Patterns, " "), g.Max, g.Owner, g.Group)
}

func (g GlobMode) checks(t *engine.Target) ([]FileMode, error) {
	paths, err := Expand(t, g.Patterns)
	if err != nil {
		return nil, err
	}
	var out []FileMode
	for _, p := range paths {
		if g.Skip != nil && g.Skip(p) {
			continue
		}
		if g.FilesOnly {
			if fi, err := t.Stat(p); err != nil || !fi.Mode().IsRegular() {
				continue
			}
		}
		out = append(out, FileMode{Path: p, Max: g.Max, Owner: g.Owner, Group: g.Group})
	}
	return out, nil
}

func (g GlobMode) Audit(ctx context.Context, t *engine.Target) engine.Finding {
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

func (g GlobMode) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
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
