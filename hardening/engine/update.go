package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"strings"
	"time"
)

// UpdatePolicy selects which pending updates apply installs first.
type UpdatePolicy string

const (
	UpdateAll      UpdatePolicy = "all"
	UpdateSecurity UpdatePolicy = "security"
	UpdateNone     UpdatePolicy = "none"
)

// ParseUpdatePolicy validates a --update value.
func ParseUpdatePolicy(s string) (UpdatePolicy, error) {
	switch p := UpdatePolicy(s); p {
	case UpdateAll, UpdateSecurity, UpdateNone:
		return p, nil
	}
	return "", fmt.Errorf("--update %q: want all, security or none", s)
}

// PackageState is recorded in every report so a hardened image can be
// traced to its exact package set and patch time.
type PackageState struct {
	Manager PackageManager `json:"manager"`
	Count   int            `json:"count"`
	Hash    string         `json:"sha256"`
	Policy  UpdatePolicy   `json:"update_policy,omitempty"`
	// CheckedAt is when this run looked for pending updates (apply only).
	CheckedAt *time.Time `json:"checked_at,omitempty"`
	// UpdatedAt is when an update last changed the package set. It is
	// persisted only when packages change, so an apply with nothing to do
	// writes no file.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
	// Upgraded is the number of packages this apply's update changed (for
	// an audit: what the last recorded update changed).
	Upgraded int `json:"upgraded"`
	// Note explains a skipped update (offline, no package manager).
	Note string `json:"note,omitempty"`
}

// StatePath keeps the last update record inside the target.
const StatePath = "/var/lib/harden/update-state.json"

// ReadPackageState describes the current package set plus the last recorded update.
func ReadPackageState(ctx context.Context, t *Target) (PackageState, error) {
	db, err := t.Packages(ctx)
	if err != nil {
		return PackageState{}, err
	}
	ps := PackageState{Manager: db.Manager, Count: db.Count(), Hash: db.Hash()}
	if data, err := t.ReadFile(StatePath); err == nil {
		var rec PackageState
		if json.Unmarshal(data, &rec) == nil {
			ps.Policy, ps.UpdatedAt, ps.Upgraded, ps.Note = rec.Policy, rec.UpdatedAt, rec.Upgraded, rec.Note
		}
	}
	return ps, nil
}

// Update installs pending updates inside the target according to policy and
// records the time and the number of changed packages in StatePath.
func Update(ctx context.Context, t *Target, policy UpdatePolicy, now func() time.Time) (PackageState, error) {
	if policy == UpdateNone {
		ps, err := ReadPackageState(ctx, t)
		ps.Note = "update skipped (--no-update)"
		return ps, err
	}
	before, err := t.Packages(ctx)
	if err != nil {
		return PackageState{}, err
	}
	if err := ctx.Err(); err != nil {
		return PackageState{}, err
	}
	pctx, cancel := packageContext(ctx)
	defer cancel()
	switch {
	case t.HasCommand("apt-get"):
		err = aptUpgrade(pctx, t, policy)
	case t.HasCommand("dnf"):
		args := []string{"dnf", "-y", "-q", "upgrade"}
		if policy == UpdateSecurity {
			args = append(args, "--security")
		}
		_, _, err = t.Run(pctx, nil, args...)
	default:
		ps, err := ReadPackageState(ctx, t)
		ps.Note = "no apt-get or dnf in target: update skipped"
		return ps, err
	}
	if err != nil {
		return PackageState{}, fmt.Errorf("install pending updates (%s): %w", policy, err)
	}
	t.InvalidatePackages()
	after, err := t.Packages(ctx)
	if err != nil {
		return PackageState{}, err
	}
	changed := 0
	for n, v := range after.Versions {
		if before.Versions[n] != v {
			changed++
		}
	}
	ts := now().UTC().Truncate(time.Second)
	if changed > 0 || !t.Exists(StatePath) {
		rec := PackageState{Policy: policy, UpdatedAt: &ts, Upgraded: changed}
		data, _ := json.MarshalIndent(rec, "", "  ")
		hp, err := t.HostPath(StatePath)
		if err != nil {
			return PackageState{}, err
		}
		if err := os.MkdirAll(path.Dir(hp), 0o755); err != nil {
			return PackageState{}, fmt.Errorf("record update state: %w", err)
		}
		if err := os.WriteFile(hp, append(data, '\n'), 0o644); err != nil {
			return PackageState{}, fmt.Errorf("record update state: %w", err)
		}
	}
	ps, err := ReadPackageState(ctx, t)
	ps.CheckedAt = &ts
	ps.Policy = policy
	ps.Upgraded = changed // this run's count; UpdatedAt stays the last change
	return ps, err
}

func aptUpgrade(ctx context.Context, t *Target, policy UpdatePolicy) error {
	if _, _, err := t.Run(ctx, nil, "apt-get", "-q", "-o", aptLockWait, "update"); err != nil {
		return err
	}
	if t.Mode() == ModeImage {
		done, err := blockServiceStarts(t)
		if err != nil {
			return err
		}
		defer done()
	}
	args := []string{"apt-get", "-y", "-q", "-o", aptLockWait, "-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"}
	if t.Mode() == ModeImage {
		args = append(args, "-o", "Dpkg::Options::=--force-unsafe-io")
	}
	if policy == UpdateSecurity {
		// Restrict candidates to the security sources without touching the
		// downloaded lists, so later installs still see the whole archive.
		list, err := securitySources(t)
		if err != nil {
			return err
		}
		if list == "" {
			return fmt.Errorf("no security sources found in /etc/apt/sources.list*; use --update all")
		}
		hp, err := t.HostPath("/tmp")
		if err != nil {
			return err
		}
		dir, err := os.MkdirTemp(hp, "harden-security-")
		if err != nil {
			return fmt.Errorf("security sources: %w", err)
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(dir+"/security.sources", []byte(list), 0o644); err != nil {
			return fmt.Errorf("security sources: %w", err)
		}
		args = append(args, "-o", "Dir::Etc::SourceList=/dev/null",
			"-o", "Dir::Etc::SourceParts="+path.Join("/tmp", path.Base(dir)))
	}
	args = append(args, "dist-upgrade")
	_, _, err := t.Run(ctx, nil, args...)
	return err
}

// securitySources returns deb822 stanzas / one-line entries whose URI or
// suite mentions "security".
func securitySources(t *Target) (string, error) {
	var b strings.Builder
	files, _ := t.Glob("/etc/apt/sources.list.d/*.sources")
	for _, f := range files {
		data, err := t.ReadFile(f)
		if err != nil {
			return "", err
		}
		for _, st := range strings.Split(string(data), "\n\n") {
			if strings.Contains(st, "security") {
				b.WriteString(strings.TrimSpace(st) + "\n\n")
			}
		}
	}
	lists, _ := t.Glob("/etc/apt/sources.list.d/*.list")
	for _, f := range append([]string{"/etc/apt/sources.list"}, lists...) {
		data, err := t.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range activeLines(data, "#") {
			if strings.Contains(l, "security") {
				// Convert one-line entries to deb822 so one file format suffices.
				if st := oneLineToDeb822(l); st != "" {
					b.WriteString(st + "\n")
				}
			}
		}
	}
	return b.String(), nil
}

func oneLineToDeb822(l string) string {
	f := strings.Fields(l)
	if len(f) < 4 || (f[0] != "deb") {
		return ""
	}
	opts := ""
	if strings.HasPrefix(f[1], "[") {
		// [signed-by=...] options: carry signed-by over.
		i := 1
		for ; i < len(f) && !strings.HasSuffix(f[i], "]"); i++ {
		}
		for _, o := range f[1 : i+1] {
			o = strings.Trim(o, "[]")
			if k, v, ok := strings.Cut(o, "="); ok && k == "signed-by" {
				opts = "Signed-By: " + v + "\n"
			}
		}
		f = append([]string{f[0]}, f[i+1:]...)
	}
	if len(f) < 4 {
		return ""
	}
	return fmt.Sprintf("Types: deb\nURIs: %s\nSuites: %s\nComponents: %s\n%s", f[1], f[2], strings.Join(f[3:], " "), opts)
}

func activeLines(data []byte, comment string) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, comment) {
			out = append(out, l)
		}
	}
	return out
}
