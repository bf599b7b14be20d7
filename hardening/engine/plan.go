package engine

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// StepFunc is one deferred change. It runs after the package transaction, so
// it can rely on files that packages install (unit files, config dirs). All
// writes go through tx so they are idempotent and can be rolled back.
type StepFunc func(ctx context.Context, t *Target, tx *Tx) error

// DropInSpec describes a managed configuration file owned by the engine,
// e.g. /etc/sysctl.d/99-zz-hardened-cis.conf. Its content is a header plus
// one line per key, sorted, so the file is byte-identical across runs.
type DropInSpec struct {
	Path   string
	Header string      // comment block at the top; must end in "\n" if non-empty
	Perm   fs.FileMode // 0 means 0644
	// KeyOf returns the identity of a line; a later entry with the same key
	// replaces the earlier. nil means the whole trimmed line.
	KeyOf func(line string) string
	// Comment is the comment prefix used to skip lines when merging; "#" if empty.
	Comment string
}

type dropIn struct {
	spec    DropInSpec
	entries map[string]string
}

type step struct {
	rule, name string
	fn         StepFunc
}

type namedCheck struct {
	name string
	fn   func(ctx context.Context, t *Target) error
}

type liveHook struct {
	name     string
	prefixes []string
	fn       func(ctx context.Context, t *Target) error
}

// Plan collects the fixes of all failing rules so they can run as one batch:
// one package transaction, one managed drop-in per subsystem, then the other
// steps in rule order, then validation; any failure rolls every file back.
type Plan struct {
	rule       string
	install    map[string]string // package → rule id
	remove     map[string]string
	steps      []step
	dropins    map[string]*dropIn
	validators []namedCheck
	live       []liveHook
}

// NewPlan returns an empty plan.
func NewPlan() *Plan {
	return &Plan{install: map[string]string{}, remove: map[string]string{}, dropins: map[string]*dropIn{}}
}

// ForRule sets the rule id recorded with subsequent additions (used by the runner).
func (p *Plan) ForRule(id string) { p.rule = id }

// Install adds packages to the single install transaction.
func (p *Plan) Install(pkgs ...string) {
	for _, n := range pkgs {
		p.install[n] = p.rule
		delete(p.remove, n)
	}
}

// Remove adds packages to the single removal (purge) transaction.
func (p *Plan) Remove(pkgs ...string) {
	for _, n := range pkgs {
		if _, ok := p.install[n]; ok {
			continue // an install request wins: never remove what another rule needs
		}
		p.remove[n] = p.rule
	}
}

// Step adds a deferred change.
func (p *Plan) Step(name string, fn StepFunc) {
	p.steps = append(p.steps, step{rule: p.rule, name: name, fn: fn})
}

// DropIn sets key to line in the managed file spec.Path. Existing managed
// entries are kept, so fixing one more rule later does not drop earlier ones.
func (p *Plan) DropIn(spec DropInSpec, key, line string) {
	d, ok := p.dropins[spec.Path]
	if !ok {
		d = &dropIn{spec: spec, entries: map[string]string{}}
		p.dropins[spec.Path] = d
	}
	if key == "" {
		key = d.keyOf(line)
	}
	d.entries[key] = line
}

// Validate registers a check that must succeed after all writes (e.g.
// `sshd -t`); on failure the whole transaction is rolled back. Registering
// the same name twice keeps the first.
func (p *Plan) Validate(name string, fn func(ctx context.Context, t *Target) error) {
	for _, v := range p.validators {
		if v.name == name {
			return
		}
	}
	p.validators = append(p.validators, namedCheck{name, fn})
}

// OnLive registers a runtime activation (e.g. `sysctl --system`, reload sshd)
// that runs only in live mode and only if a changed file starts with one of
// prefixes (nil: always when anything changed). Same name registers once.
func (p *Plan) OnLive(name string, prefixes []string, fn func(ctx context.Context, t *Target) error) {
	for _, h := range p.live {
		if h.name == name {
			return
		}
	}
	p.live = append(p.live, liveHook{name, prefixes, fn})
}

// Empty reports whether the plan has nothing to do.
func (p *Plan) Empty() bool {
	return len(p.install) == 0 && len(p.remove) == 0 && len(p.steps) == 0 && len(p.dropins) == 0
}

// PackagesToInstall and PackagesToRemove return sorted package names.
func (p *Plan) PackagesToInstall() []string { return sortedKeys(p.install) }
func (p *Plan) PackagesToRemove() []string  { return sortedKeys(p.remove) }

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (d *dropIn) keyOf(line string) string {
	if d.spec.KeyOf != nil {
		return d.spec.KeyOf(line)
	}
	return strings.TrimSpace(line)
}

// render merges the existing file's entries with the planned ones.
func (d *dropIn) render(existing []byte) []byte {
	comment := d.spec.Comment
	if comment == "" {
		comment = "#"
	}
	merged := map[string]string{}
	for _, line := range strings.Split(string(existing), "\n") {
		tl := strings.TrimSpace(line)
		if tl == "" || strings.HasPrefix(tl, comment) {
			continue
		}
		merged[d.keyOf(tl)] = tl
	}
	for k, v := range d.entries {
		merged[k] = v
	}
	var b bytes.Buffer
	b.WriteString(d.spec.Header)
	for _, k := range sortedKeys(merged) {
		b.WriteString(merged[k])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func (p *Plan) dropInSteps() []step {
	paths := make([]string, 0, len(p.dropins))
	for k := range p.dropins {
		paths = append(paths, k)
	}
	sort.Strings(paths)
	var out []step
	for _, path := range paths {
		d := p.dropins[path]
		out = append(out, step{rule: "", name: "write " + path, fn: func(ctx context.Context, t *Target, tx *Tx) error {
			old, err := t.ReadFile(d.spec.Path)
			if err != nil && !isNotExist(err) {
				return fmt.Errorf("read %s: %w", d.spec.Path, err)
			}
			perm := d.spec.Perm
			if perm == 0 {
				perm = 0o644
			}
			return tx.WriteFile(d.spec.Path, d.render(old), perm)
		}})
	}
	return out
}
