package primitive

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// FileMode requires that a file's permissions are no looser than Max and that
// it is owned by Owner:Group (names resolved in the target's /etc/passwd and
// /etc/group, so image trees are judged by their own ids).
type FileMode struct {
	Path  string
	Max   fs.FileMode // e.g. 0o640: bits outside it must be clear
	Owner string      // "" = any
	Group string      // "" = any; several allowed as "root|shadow"
	// Required makes a missing file a failure; otherwise it is not applicable.
	Required bool
}

func (f FileMode) Describe() string {
	return fmt.Sprintf("%s mode ≤ %04o owner %s:%s", f.Path, f.Max, orAny(f.Owner), orAny(f.Group))
}

func orAny(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

func (f FileMode) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	fi, err := t.Stat(f.Path)
	if err != nil {
		if isNotExist(err) {
			if f.Required {
				return engine.Fail("%s does not exist", f.Path)
			}
			return engine.NotApplicable("%s does not exist", f.Path)
		}
		return engine.Errorf("stat %s: %v", f.Path, err)
	}
	var problems []string
	perm := fi.Mode().Perm()
	if extra := perm &^ f.Max.Perm(); extra != 0 {
		problems = append(problems, fmt.Sprintf("mode %04o allows %04o beyond %04o", perm, extra, f.Max.Perm()))
	}
	st, _ := fi.Sys().(*syscall.Stat_t)
	if st != nil && f.Owner != "" {
		uid, err := LookupUID(t, f.Owner)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		if int(st.Uid) != uid {
			problems = append(problems, fmt.Sprintf("owner uid %d, want %s (%d)", st.Uid, f.Owner, uid))
		}
	}
	if st != nil && f.Group != "" {
		ok := false
		for _, g := range strings.Split(f.Group, "|") {
			gid, err := LookupGID(t, g)
			if err == nil && int(st.Gid) == gid {
				ok = true
			}
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("group gid %d, want %s", st.Gid, f.Group))
		}
	}
	if len(problems) > 0 {
		return engine.Fail("%s: %s", f.Path, strings.Join(problems, "; "))
	}
	return engine.Pass("%s mode %04o", f.Path, perm)
}

func (f FileMode) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("permissions of "+f.Path, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		fi, err := t.Stat(f.Path)
		if err != nil {
			if isNotExist(err) && !f.Required {
				return nil
			}
			return fmt.Errorf("fix %s: %w", f.Path, err)
		}
		uid, gid := -1, -1
		if f.Owner != "" {
			if uid, err = LookupUID(t, f.Owner); err != nil {
				return err
			}
		}
		if f.Group != "" {
			first, _, _ := strings.Cut(f.Group, "|")
			st, _ := fi.Sys().(*syscall.Stat_t)
			keep := false
			for _, g := range strings.Split(f.Group, "|") {
				if id, err := LookupGID(t, g); err == nil && st != nil && int(st.Gid) == id {
					keep = true
				}
			}
			if !keep {
				if gid, err = LookupGID(t, first); err != nil {
					return err
				}
			}
		}
		if err := tx.Chown(f.Path, uid, gid); err != nil {
			return err
		}
		// Keep setuid/setgid/sticky: the control limits permission bits only.
		special := fi.Mode() & (fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
		return tx.Chmod(f.Path, fi.Mode().Perm()&f.Max.Perm()|special)
	})
	return nil
}

// LookupUID resolves a user name (or numeric id) in the target's /etc/passwd.
func LookupUID(t *engine.Target, name string) (int, error) { return lookupID(t, "/etc/passwd", name) }

// LookupGID resolves a group name (or numeric id) in the target's /etc/group.
func LookupGID(t *engine.Target, name string) (int, error) { return lookupID(t, "/etc/group", name) }

func lookupID(t *engine.Target, file, name string) (int, error) {
	if n, err := strconv.Atoi(name); err == nil {
		return n, nil
	}
	data, err := t.ReadFile(file)
	if err != nil {
		return 0, fmt.Errorf("look up %q: %w", name, err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Split(l, ":")
		if len(f) >= 3 && f[0] == name {
			id, err := strconv.Atoi(f[2])
			if err != nil {
				return 0, fmt.Errorf("%s: bad id for %q: %w", file, name, err)
			}
			return id, nil
		}
	}
	return 0, fmt.Errorf("%q not found in %s of the target", name, file)
}

// FileContent requires a file to hold exactly Content (e.g. login banners
// without OS details). Perm is applied on write.
type FileContent struct {
	Path    string
	Content string
	Perm    fs.FileMode // 0 means 0644
}

func (f FileContent) Describe() string { return f.Path + " has the required content" }

func (f FileContent) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	data, ok, err := readOptional(t, f.Path)
	switch {
	case err != nil:
		return engine.Errorf("%v", err)
	case !ok:
		return engine.Fail("%s does not exist", f.Path)
	case !bytes.Equal(data, []byte(f.Content)):
		return engine.Fail("%s differs from the required content", f.Path)
	}
	return engine.Pass("%s has the required content", f.Path)
}

func (f FileContent) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	perm := f.Perm
	if perm == 0 {
		perm = 0o644
	}
	p.Step("write "+f.Path, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		return tx.WriteFile(f.Path, []byte(f.Content), perm)
	})
	return nil
}

// FileAbsent requires that a path does not exist (e.g. /etc/hosts.equiv).
type FileAbsent struct{ Path string }

func (f FileAbsent) Describe() string { return f.Path + " absent" }

func (f FileAbsent) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	if _, err := t.Lstat(f.Path); err == nil {
		return engine.Fail("%s exists", f.Path)
	} else if !isNotExist(err) {
		return engine.Errorf("stat %s: %v", f.Path, err)
	}
	return engine.Pass("%s absent", f.Path)
}

func (f FileAbsent) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("remove "+f.Path, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		return tx.Remove(f.Path)
	})
	return nil
}
