package catalog

// Checks over the account databases (/etc/passwd, shadow, group, gshadow)
// and shell start-up files. They parse the files of the target, never the
// host's NSS, so image trees are judged by their own accounts.

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// colonFile is a parsed colon-separated database; lines keep comments and
// unparsable content untouched on rewrite.
type colonFile struct {
	path  string
	lines []string
	perm  fs.FileMode
}

func readColon(t *engine.Target, p string) (*colonFile, bool, error) {
	data, ok, err := readOpt(t, p)
	if err != nil || !ok {
		return nil, ok, err
	}
	return &colonFile{path: p, lines: strings.Split(strings.TrimSuffix(data, "\n"), "\n"), perm: permOf(t, p, 0o644)}, true, nil
}

// entries returns the fields of every entry line with its index.
func (c *colonFile) entries() [][]string {
	var out [][]string
	for _, l := range c.lines {
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-") {
			out = append(out, nil)
			continue
		}
		out = append(out, strings.Split(l, ":"))
	}
	return out
}

func (c *colonFile) write(tx *engine.Tx) error {
	return tx.WriteFile(c.path, []byte(strings.Join(c.lines, "\n")+"\n"), c.perm)
}

type account struct {
	name, shell, home string
	uid, gid          int
}

func accounts(t *engine.Target) ([]account, error) {
	f, ok, err := readColon(t, "/etc/passwd")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("/etc/passwd does not exist")
	}
	var out []account
	for _, e := range f.entries() {
		if len(e) < 7 {
			continue
		}
		uid, err1 := strconv.Atoi(e[2])
		gid, err2 := strconv.Atoi(e[3])
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, account{name: e[0], uid: uid, gid: gid, home: e[5], shell: e[6]})
	}
	return out, nil
}

// uidMin reads UID_MIN from login.defs (default 1000).
func uidMin(t *engine.Target) int {
	data, _, _ := readOpt(t, "/etc/login.defs")
	for _, l := range activeLinesOf(data) {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "UID_MIN" {
			if n, err := strconv.Atoi(f[1]); err == nil {
				return n
			}
		}
	}
	return 1000
}

func noLoginShell(sh string) bool {
	return strings.HasSuffix(sh, "/nologin") || strings.HasSuffix(sh, "/false") || sh == ""
}

// usableHash reports whether a shadow password field is a real password.
func usableHash(h string) bool {
	return h != "" && !strings.HasPrefix(h, "!") && !strings.HasPrefix(h, "*")
}

// shadowField requires a shadow(5) aging field (Field is the 0-based column:
// 4 max days, 5 warn days, 6 inactive days) for every account that has a
// usable password. Locked and key-only accounts are left alone, so the
// image builder and cloud-init users can never be expired out.
type shadowField struct {
	Field  int
	Value  string
	Accept func(string) bool
	What   string
}

func (s shadowField) Describe() string { return "shadow " + s.What + " for accounts with a password" }

func (s shadowField) bad(f *colonFile) []int {
	var out []int
	for i, e := range f.entries() {
		if len(e) < 8 || !usableHash(e[1]) {
			continue
		}
		if !s.Accept(e[s.Field]) {
			out = append(out, i)
		}
	}
	return out
}

func (s shadowField) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	f, ok, err := readColon(t, "/etc/shadow")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if !ok {
		return engine.NotApplicable("/etc/shadow does not exist")
	}
	var names []string
	for _, i := range s.bad(f) {
		e := f.entries()[i]
		names = append(names, fmt.Sprintf("%s (%q)", e[0], e[s.Field]))
	}
	if len(names) > 0 {
		return engine.Fail("%s not compliant for: %s", s.What, strings.Join(names, ", "))
	}
	return engine.Pass("%s compliant for every account with a password", s.What)
}

func (s shadowField) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("shadow: "+s.What, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		f, ok, err := readColon(t, "/etc/shadow")
		if err != nil || !ok {
			return err
		}
		ents := f.entries()
		for _, i := range s.bad(f) {
			e := ents[i]
			e[s.Field] = s.Value
			f.lines[i] = strings.Join(e, ":")
		}
		return f.write(tx)
	})
	return nil
}

// lastChangeInPast requires that no shadow "last change" date lies in the
// future (a clock skew or tampering sign). Audit-only: the right date is
// unknown.
type lastChangeInPast struct{ Now func() time.Time }

func (lastChangeInPast) Describe() string { return "no password change date in the future" }

func (l lastChangeInPast) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	f, ok, err := readColon(t, "/etc/shadow")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if !ok {
		return engine.NotApplicable("/etc/shadow does not exist")
	}
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	today := int(now().Unix() / 86400)
	var bad []string
	for _, e := range f.entries() {
		if len(e) < 3 || e[2] == "" {
			continue
		}
		if d, err := strconv.Atoi(e[2]); err == nil && d > today {
			bad = append(bad, fmt.Sprintf("%s (%s)", e[0], time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")))
		}
	}
	if len(bad) > 0 {
		return engine.Fail("password changed in the future: %s", strings.Join(bad, ", "))
	}
	return engine.Pass("no password change date in the future")
}

func (lastChangeInPast) Fix(context.Context, *engine.Target, *engine.Plan) error {
	return engine.ErrNoFix
}

// accountScan is a family of audit-only consistency checks.
type accountScan struct{ Kind scanKind }

type scanKind int

const (
	scanUID0 scanKind = iota
	scanGID0
	scanGroupGID0
	scanDupUID
	scanDupGID
	scanDupUser
	scanDupGroup
	scanGroupsExist
	scanShadowed
)

var scanNames = map[scanKind]string{
	scanUID0: "UID 0 accounts other than root", scanGID0: "accounts other than root with primary GID 0",
	scanGroupGID0: "groups other than root with GID 0", scanDupUID: "duplicate UIDs", scanDupGID: "duplicate GIDs",
	scanDupUser: "duplicate user names", scanDupGroup: "duplicate group names",
	scanGroupsExist: "primary groups missing from /etc/group", scanShadowed: "password hashes in /etc/passwd",
}

func (a accountScan) Describe() string { return "no " + scanNames[a.Kind] }

func dups(vals map[string][]string) []string {
	var out []string
	for k, v := range vals {
		if len(v) > 1 {
			out = append(out, k+": "+strings.Join(v, ","))
		}
	}
	sort.Strings(out)
	return out
}

func (a accountScan) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	pw, ok, err := readColon(t, "/etc/passwd")
	if err != nil || !ok {
		return engine.Errorf("read /etc/passwd: %v", err)
	}
	gr, _, err := readColon(t, "/etc/group")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	var groups [][]string
	if gr != nil {
		groups = gr.entries()
	}
	var bad []string
	byUID, byName, byGID, byGroup := map[string][]string{}, map[string][]string{}, map[string][]string{}, map[string][]string{}
	gids := map[string]bool{}
	for _, g := range groups {
		if len(g) < 3 {
			continue
		}
		gids[g[2]] = true
		byGID[g[2]] = append(byGID[g[2]], g[0])
		byGroup[g[0]] = append(byGroup[g[0]], g[2])
		if a.Kind == scanGroupGID0 && g[2] == "0" && g[0] != "root" {
			bad = append(bad, g[0])
		}
	}
	for _, e := range pw.entries() {
		if len(e) < 7 {
			continue
		}
		byUID[e[2]] = append(byUID[e[2]], e[0])
		byName[e[0]] = append(byName[e[0]], e[2])
		switch {
		case a.Kind == scanUID0 && e[2] == "0" && e[0] != "root":
			bad = append(bad, e[0])
		case a.Kind == scanGID0 && e[3] == "0" && !map[string]bool{"root": true, "sync": true, "shutdown": true, "halt": true, "operator": true}[e[0]]:
			bad = append(bad, e[0])
		case a.Kind == scanGroupsExist && gr != nil && !gids[e[3]]:
			bad = append(bad, fmt.Sprintf("%s (gid %s)", e[0], e[3]))
		case a.Kind == scanShadowed && e[1] != "x":
			bad = append(bad, e[0])
		}
	}
	switch a.Kind {
	case scanDupUID:
		bad = dups(byUID)
	case scanDupUser:
		bad = dups(byName)
	case scanDupGID:
		bad = dups(byGID)
	case scanDupGroup:
		bad = dups(byGroup)
	}
	if len(bad) > 0 {
		return engine.Fail("%s: %s", scanNames[a.Kind], strings.Join(bad, "; "))
	}
	return engine.Pass("no %s", scanNames[a.Kind])
}

func (accountScan) Fix(context.Context, *engine.Target, *engine.Plan) error { return engine.ErrNoFix }

// editShadow applies fn to the shadow entries it selects and writes back.
func editShadow(p *engine.Plan, name string, fn func(t *engine.Target, e []string) bool) {
	p.Step(name, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		f, ok, err := readColon(t, "/etc/shadow")
		if err != nil || !ok {
			return err
		}
		changed := false
		for i, e := range f.entries() {
			if len(e) >= 2 && fn(t, e) {
				f.lines[i] = strings.Join(e, ":")
				changed = true
			}
		}
		if !changed {
			return nil
		}
		return f.write(tx)
	})
}

// rootAccess requires root to have a password hash or be locked; an empty
// password field would allow password-less console logins.
type rootAccess struct{}

func (rootAccess) Describe() string { return "root has a password or is locked" }

func (rootAccess) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	f, ok, err := readColon(t, "/etc/shadow")
	if err != nil || !ok {
		return engine.Errorf("read /etc/shadow: %v (exists %v)", err, ok)
	}
	for _, e := range f.entries() {
		if len(e) >= 2 && e[0] == "root" {
			if e[1] == "" {
				return engine.Fail("root has an empty password field")
			}
			return engine.Pass("root password field is set or locked")
		}
	}
	return engine.Fail("root has no /etc/shadow entry")
}

func (rootAccess) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	editShadow(p, "lock root's empty password", func(_ *engine.Target, e []string) bool {
		if e[0] == "root" && e[1] == "" {
			e[1] = "!"
			return true
		}
		return false
	})
	return nil
}

// nologinLocked requires accounts without a login shell (except root) to be
// locked in /etc/shadow.
type nologinLocked struct{}

func (nologinLocked) Describe() string { return "accounts without a login shell are locked" }

func (nologinLocked) offenders(t *engine.Target) (map[string]bool, error) {
	accts, err := accounts(t)
	if err != nil {
		return nil, err
	}
	nologin := map[string]bool{}
	for _, a := range accts {
		if a.name != "root" && noLoginShell(a.shell) {
			nologin[a.name] = true
		}
	}
	f, ok, err := readColon(t, "/etc/shadow")
	if err != nil || !ok {
		return nil, err
	}
	out := map[string]bool{}
	for _, e := range f.entries() {
		if len(e) >= 2 && nologin[e[0]] && usableHash(e[1]) || len(e) >= 2 && nologin[e[0]] && e[1] == "" {
			out[e[0]] = true
		}
	}
	return out, nil
}

func (n nologinLocked) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	bad, err := n.offenders(t)
	return offendersFinding(bad, err, "unlocked accounts without a login shell", "every account without a login shell is locked")
}

func (n nologinLocked) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	bad, err := n.offenders(t)
	if err != nil {
		return err
	}
	editShadow(p, "lock accounts without a login shell", func(_ *engine.Target, e []string) bool {
		if bad[e[0]] {
			e[1] = "!" + e[1]
			return true
		}
		return false
	})
	return nil
}

// offendersFinding judges an account scan: it fails naming the offending
// accounts (sorted, so reports are stable) and passes with pass otherwise.
func offendersFinding(bad map[string]bool, err error, what, pass string) engine.Finding {
	if err != nil {
		return engine.Errorf("%v", err)
	}
	if len(bad) > 0 {
		return engine.Fail("%s: %s", what, strings.Join(sortedSet(bad), ", "))
	}
	return engine.Pass("%s", pass)
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// systemNoLogin requires system accounts (UID below UID_MIN, and nobody) to
// have a non-login shell. root, sync, shutdown and halt keep theirs.
type systemNoLogin struct{}

func (systemNoLogin) Describe() string { return "system accounts have no login shell" }

var keepShell = map[string]bool{"root": true, "sync": true, "shutdown": true, "halt": true, "nfsnobody": true}

func (systemNoLogin) offenders(t *engine.Target) (map[string]bool, error) {
	accts, err := accounts(t)
	if err != nil {
		return nil, err
	}
	min := uidMin(t)
	out := map[string]bool{}
	for _, a := range accts {
		if (a.uid < min || a.uid == 65534) && !keepShell[a.name] && !noLoginShell(a.shell) {
			out[a.name] = true
		}
	}
	return out, nil
}

func (s systemNoLogin) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	bad, err := s.offenders(t)
	return offendersFinding(bad, err, "system accounts with a login shell", "no system account has a login shell")
}

func (s systemNoLogin) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	bad, err := s.offenders(t)
	if err != nil {
		return err
	}
	p.Step("give system accounts the nologin shell", func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		nologin := "/usr/sbin/nologin"
		if !t.Exists(nologin) && t.Exists("/sbin/nologin") {
			nologin = "/sbin/nologin"
		}
		f, ok, err := readColon(t, "/etc/passwd")
		if err != nil || !ok {
			return err
		}
		for i, e := range f.entries() {
			if len(e) >= 7 && bad[e[0]] {
				e[6] = nologin
				f.lines[i] = strings.Join(e, ":")
			}
		}
		return f.write(tx)
	})
	return nil
}

// groupEmpty requires a group without members (and, with Create, creates
// it as a system group): the su group must be empty so only root can su.
type groupEmpty struct {
	Name   string
	Create bool
}

func (g groupEmpty) Describe() string { return "group " + g.Name + " exists and is empty" }

func (g groupEmpty) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	f, ok, err := readColon(t, "/etc/group")
	if err != nil || !ok {
		return engine.Errorf("read /etc/group: %v", err)
	}
	for _, e := range f.entries() {
		if len(e) >= 4 && e[0] == g.Name {
			if e[3] != "" {
				return engine.Fail("group %s has members %s", g.Name, e[3])
			}
			accts, err := accounts(t)
			if err != nil {
				return engine.Errorf("%v", err)
			}
			for _, a := range accts {
				if strconv.Itoa(a.gid) == e[2] {
					return engine.Fail("user %s has %s as primary group (audit-only: change it by hand)", a.name, g.Name)
				}
			}
			return engine.Pass("group %s is empty", g.Name)
		}
	}
	if g.Create {
		return engine.Fail("group %s does not exist", g.Name)
	}
	return engine.NotApplicable("group %s does not exist", g.Name)
}

func (g groupEmpty) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	p.Step("empty group "+g.Name, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
		for _, file := range []string{"/etc/group", "/etc/gshadow"} {
			f, ok, err := readColon(t, file)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			found, used := false, map[int]bool{}
			for i, e := range f.entries() {
				if file == "/etc/group" && len(e) >= 3 {
					if n, err := strconv.Atoi(e[2]); err == nil {
						used[n] = true
					}
				}
				if len(e) >= 4 && e[0] == g.Name {
					found = true
					e[3] = ""
					f.lines[i] = strings.Join(e, ":")
				}
			}
			if !found && g.Create {
				if file == "/etc/group" {
					gid := 999
					for used[gid] && gid > 100 {
						gid--
					}
					f.lines = append(f.lines, fmt.Sprintf("%s:x:%d:", g.Name, gid))
				} else {
					f.lines = append(f.lines, g.Name+":!::")
				}
			}
			if err := f.write(tx); err != nil {
				return err
			}
		}
		return nil
	})
	return nil
}
