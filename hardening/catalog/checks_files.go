package catalog

// File-system scans: world-writable and unowned files, home directories,
// dot files and log file permissions.

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

func ownerUID(fi fs.FileInfo) (int, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), true
	}
	return 0, false
}

func ownerGID(fi fs.FileInfo) (int, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Gid), true
	}
	return 0, false
}

// virtualDirs are never scanned: kernel and runtime file systems, and the
// package manager's caches.
var virtualDirs = map[string]bool{"/proc": true, "/sys": true, "/dev": true, "/run": true}

// walkLocal walks the target's file system (staying on the root's device,
// like find -xdev) and calls fn with in-target paths. Stops after limit entries.
func walkLocal(t *engine.Target, start string, fn func(p string, fi fs.FileInfo)) error {
	hostStart, err := t.HostPath(start)
	if err != nil {
		return err
	}
	rootFi, err := os.Lstat(t.Root())
	if err != nil {
		return err
	}
	rootDev := rootFi.Sys().(*syscall.Stat_t).Dev
	return filepath.WalkDir(hostStart, func(hp string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable entries are skipped, not fatal
		}
		rel, _ := filepath.Rel(t.Root(), hp)
		p := path.Clean("/" + filepath.ToSlash(rel))
		if d.IsDir() && virtualDirs[p] {
			return filepath.SkipDir
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Dev != rootDev {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fn(p, fi)
		return nil
	})
}

// worldWritable requires no world-writable regular files and the sticky bit
// on every world-writable directory.
type worldWritable struct{}

func (worldWritable) Describe() string {
	return "no world-writable files; sticky bit on world-writable dirs"
}

func (worldWritable) scan(t *engine.Target) (files, dirs []string, err error) {
	err = walkLocal(t, "/", func(p string, fi fs.FileInfo) {
		m := fi.Mode()
		switch {
		case m.IsRegular() && m.Perm()&0o002 != 0:
			files = append(files, p)
		case m.IsDir() && m.Perm()&0o002 != 0 && m&fs.ModeSticky == 0:
			dirs = append(dirs, p)
		}
	})
	return files, dirs, err
}

func (w worldWritable) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, dirs, err := w.scan(t)
	if err != nil {
		return engine.Errorf("scan: %v", err)
	}
	if len(files)+len(dirs) > 0 {
		return engine.Fail("world-writable files: %s; world-writable dirs without sticky bit: %s", short(files), short(dirs))
	}
	return engine.Pass("no world-writable files or unprotected directories")
}

func (w worldWritable) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("remove world write / add sticky bit", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		files, dirs, err := w.scan(t)
		if err != nil {
			return err
		}
		for _, f := range files {
			fi, err := t.Lstat(f)
			if err != nil {
				return err
			}
			if err := tx.Chmod(f, fi.Mode().Perm()&^0o002|fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid)); err != nil {
				return err
			}
		}
		for _, d := range dirs {
			fi, err := t.Lstat(d)
			if err != nil {
				return err
			}
			if err := tx.Chmod(d, fi.Mode().Perm()|fs.ModeSticky|fi.Mode()&fs.ModeSetgid); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

func short(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	if len(list) > 10 {
		return strings.Join(list[:10], ", ") + fmt.Sprintf(" and %d more", len(list)-10)
	}
	return strings.Join(list, ", ")
}

// idSet reads the numeric ids of /etc/passwd (field 2) or /etc/group.
func idSet(t *engine.Target, file string) (map[int]bool, error) {
	f, ok, err := readColon(t, file)
	if err != nil || !ok {
		return nil, fmt.Errorf("read %s: %v", file, err)
	}
	out := map[int]bool{}
	for _, e := range f.entries() {
		if len(e) >= 3 {
			if n, err := strconv.Atoi(e[2]); err == nil {
				out[n] = true
			}
		}
	}
	return out, nil
}

// unowned audits files whose owner or group has no entry in the target's
// account databases. Audit-only: the right owner needs a human.
type unowned struct{}

func (unowned) Describe() string { return "every file has a known owner and group" }

func (unowned) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	uids, err := idSet(t, "/etc/passwd")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	gids, err := idSet(t, "/etc/group")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	var bad []string
	err = walkLocal(t, "/", func(p string, fi fs.FileInfo) {
		u, _ := ownerUID(fi)
		g, _ := ownerGID(fi)
		if !uids[u] || !gids[g] {
			bad = append(bad, fmt.Sprintf("%s (%d:%d)", p, u, g))
		}
	})
	if err != nil {
		return engine.Errorf("scan: %v", err)
	}
	if len(bad) > 0 {
		return engine.Fail("files without a known owner or group: %s", short(bad))
	}
	return engine.Pass("every file has a known owner and group")
}

func (unowned) Fix(context.Context, *engine.Target, *engine.Plan) error { return engine.ErrNoFix }

// interactiveUsers returns accounts with a login shell (root included).
func interactiveUsers(t *engine.Target) ([]account, error) {
	accts, err := accounts(t)
	if err != nil {
		return nil, err
	}
	min := uidMin(t)
	var out []account
	for _, a := range accts {
		if !noLoginShell(a.shell) && (a.uid == 0 || a.uid >= min) && a.uid != 65534 && a.home != "" && a.home != "/" {
			out = append(out, a)
		}
	}
	return out, nil
}

// homeDirs requires every interactive user's home to exist, be owned by the
// user and not be writable by group or accessible by others (0750).
type homeDirs struct{}

func (homeDirs) Describe() string {
	return "home directories exist, are owned by their user, mode 0750 or stricter"
}

type homeProblem struct {
	user     account
	missing  bool
	perm     fs.FileMode
	wrongUID bool
}

func (homeDirs) problems(t *engine.Target) ([]homeProblem, error) {
	users, err := interactiveUsers(t)
	if err != nil {
		return nil, err
	}
	var out []homeProblem
	for _, u := range users {
		fi, err := t.Stat(u.home)
		if err != nil {
			out = append(out, homeProblem{user: u, missing: true})
			continue
		}
		uid, _ := ownerUID(fi)
		if fi.Mode().Perm()&^0o750 != 0 || uid != u.uid {
			out = append(out, homeProblem{user: u, perm: fi.Mode().Perm(), wrongUID: uid != u.uid})
		}
	}
	return out, nil
}

func (h homeDirs) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	ps, err := h.problems(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	var bad []string
	for _, p := range ps {
		switch {
		case p.missing:
			bad = append(bad, fmt.Sprintf("%s: %s missing (create it by hand)", p.user.name, p.user.home))
		default:
			bad = append(bad, fmt.Sprintf("%s: %s mode %04o owner ok=%v", p.user.name, p.user.home, p.perm, !p.wrongUID))
		}
	}
	if len(bad) > 0 {
		return engine.Fail("%s", strings.Join(bad, "; "))
	}
	return engine.Pass("home directories are private")
}

func (h homeDirs) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("home directory ownership and mode", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		ps, err := h.problems(t)
		if err != nil {
			return err
		}
		for _, pr := range ps {
			if pr.missing {
				continue
			}
			if err := tx.Chown(pr.user.home, pr.user.uid, -1); err != nil {
				return err
			}
			if err := tx.Chmod(pr.user.home, pr.perm&0o750); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// dotFiles requires private dot files in interactive users' homes: no
// .forward or .rhosts, .netrc and .bash_history 0600, other dot files 0740
// or stricter (CIS: group may read, others nothing).
type dotFiles struct{}

func (dotFiles) Describe() string { return "dot files are private; no .forward, .rhosts" }

type dotProblem struct {
	path   string
	remove bool
	want   fs.FileMode
}

func (dotFiles) problems(t *engine.Target) ([]dotProblem, error) {
	users, err := interactiveUsers(t)
	if err != nil {
		return nil, err
	}
	var out []dotProblem
	for _, u := range users {
		ents, err := t.ReadDir(u.home)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if !strings.HasPrefix(n, ".") {
				continue
			}
			p := path.Join(u.home, n)
			fi, err := t.Lstat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			perm := fi.Mode().Perm()
			switch n {
			case ".forward", ".rhosts", ".shosts":
				out = append(out, dotProblem{path: p, remove: true})
			case ".netrc", ".bash_history":
				if perm&^0o600 != 0 {
					out = append(out, dotProblem{path: p, want: perm & 0o600})
				}
			default:
				if perm&0o037 != 0 {
					out = append(out, dotProblem{path: p, want: perm &^ 0o037})
				}
			}
		}
	}
	return out, nil
}

func (d dotFiles) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	ps, err := d.problems(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	var bad []string
	for _, p := range ps {
		if p.remove {
			bad = append(bad, p.path+" exists")
		} else {
			bad = append(bad, fmt.Sprintf("%s should be %04o or stricter", p.path, p.want))
		}
	}
	if len(bad) > 0 {
		return engine.Fail("%s", strings.Join(bad, "; "))
	}
	return engine.Pass("dot files are private")
}

func (d dotFiles) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("dot files", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		ps, err := d.problems(t)
		if err != nil {
			return err
		}
		for _, pr := range ps {
			var err error
			if pr.remove {
				err = tx.Remove(pr.path)
			} else {
				err = tx.Chmod(pr.path, pr.want)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}

// logFiles requires files under /var/log to be no more open than 0640
// (login records wtmp/btmp/lastlog: 0664, as the login tools need).
type logFiles struct{}

var loginRecords = regexp.MustCompile(`^(wtmp|btmp|lastlog)([.-].*)?$`)

func (logFiles) Describe() string { return "/var/log files mode 0640 or stricter" }

func (logFiles) scan(t *engine.Target) (map[string]fs.FileMode, error) {
	out := map[string]fs.FileMode{}
	if !t.Exists("/var/log") {
		return out, nil
	}
	err := walkLocal(t, "/var/log", func(p string, fi fs.FileInfo) {
		if !fi.Mode().IsRegular() {
			return
		}
		max := fs.FileMode(0o640)
		if loginRecords.MatchString(path.Base(p)) {
			max = 0o664
		}
		if fi.Mode().Perm()&^max != 0 {
			out[p] = fi.Mode().Perm() & max
		}
	})
	return out, err
}

func (l logFiles) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	bad, err := l.scan(t)
	if err != nil {
		return engine.Errorf("scan /var/log: %v", err)
	}
	if len(bad) > 0 {
		names := make([]string, 0, len(bad))
		for p := range bad {
			names = append(names, p)
		}
		sort.Strings(names)
		return engine.Fail("log files too open: %s", short(names))
	}
	return engine.Pass("log files are 0640 or stricter")
}

func (l logFiles) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("log file permissions", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		bad, err := l.scan(t)
		if err != nil {
			return err
		}
		names := make([]string, 0, len(bad))
		for p := range bad {
			names = append(names, p)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := tx.Chmod(n, bad[n]); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}
