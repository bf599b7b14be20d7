package primitive

// SystemdConf: a key in a systemd daemon's configuration with its drop-in
// directories, evaluated in systemd's own precedence order.

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// SystemdConf requires Key=Value in the [Section] of a systemd daemon config
// (journald.conf, timesyncd.conf, coredump.conf) with drop-in directories:
// the main file first, then *.conf drop-ins by name, later wins. The fix
// writes the managed drop-in and comments out conflicting drop-in lines.
type SystemdConf struct {
	Main    string // e.g. /etc/systemd/journald.conf
	Section string // e.g. Journal
	Key     string
	Value   string
	Accept  func(string) bool
}

// SystemdDropInName is the managed drop-in; it sorts after vendor drop-ins (e.g. Debian 13's
// /usr/lib/systemd/journald.conf.d/syslog.conf), so the managed values win.
const SystemdDropInName = "zz-hardened-cis.conf"

// DropInDirs lists the drop-in directories in systemd's precedence order;
// the first is where the fix writes SystemdDropInName.
func (c SystemdConf) DropInDirs() []string {
	base := path.Base(c.Main) + ".d"
	return []string{"/etc/systemd/" + base, "/run/systemd/" + base, "/usr/lib/systemd/" + base, "/lib/systemd/" + base}
}

func (c SystemdConf) Describe() string {
	return fmt.Sprintf("%s [%s] %s=%s", c.Main, c.Section, c.Key, c.Value)
}

// files returns the config files in evaluation order: the main file, then
// the drop-ins by name (an /etc drop-in shadows a vendor one of the same name).
func (c SystemdConf) files(t *engine.Target) ([]string, error) {
	dropIns, err := configFiles(t, c.DropInDirs(), ".conf")
	if err != nil {
		return nil, err
	}
	return append([]string{c.Main}, dropIns...), nil
}

// sectionValue returns the last value of key within section in content.
func sectionValue(content, section, key string) (string, bool) {
	cur, val, found := "", "", false
	for _, l := range activeText(content) {
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

func (c SystemdConf) accept(v string) bool {
	if c.Accept != nil {
		return c.Accept(v)
	}
	return v == c.Value
}

func (c SystemdConf) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := c.files(t)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	val, from, found := "", "", false
	for _, f := range files {
		data, _, err := readText(t, f)
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

func (c SystemdConf) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	managed := c.DropInDirs()[0] + "/" + SystemdDropInName
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
				if path.Base(f) > SystemdDropInName && strings.HasPrefix(f, "/etc/") {
					if err := c.neutralise(t, tx, f); err != nil {
						return err
					}
				}
			}
		}
		data, _, err := readText(t, managed)
		if err != nil {
			return err
		}
		return tx.WriteFile(managed, []byte(setSectionKey(data, c.Section, c.Key, c.Value)), 0o644)
	})
	return nil
}

func (c SystemdConf) neutralise(t *engine.Target, tx *engine.Tx, f string) error {
	data, _, err := readText(t, f)
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
	return tx.WriteFile(f, []byte(strings.Join(lines, "\n")), permOr(t, f, 0o644))
}

// setSectionKey renders a managed systemd drop-in: a header, one [Section],
// and its keys sorted, merging with what the file already holds.
func setSectionKey(existing, section, key, value string) string {
	keys := map[string]string{}
	sec := ""
	for _, l := range activeText(existing) {
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
