package primitive

import (
	"context"
	"fmt"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// ModuleDisabled requires that a kernel module cannot be loaded: modprobe.d
// has "install NAME /bin/false" (blocks explicit loads) and "blacklist NAME"
// (blocks alias autoloading). Only persistent config is written: image mode
// never unloads modules on the host.
type ModuleDisabled struct {
	Name string // e.g. "cramfs", "usb-storage"
}

var modprobeDirs = []string{"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d"}

func (m ModuleDisabled) Describe() string { return "kernel module " + m.Name + " disabled" }

func modName(s string) string { return strings.ReplaceAll(s, "-", "_") }

func (m ModuleDisabled) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	files, err := configFiles(t, modprobeDirs, ".conf")
	if err != nil {
		return engine.Errorf("%v", err)
	}
	want := modName(m.Name)
	var install, blacklist string
	for _, f := range files {
		data, _, err := readOptional(t, f)
		if err != nil {
			return engine.Errorf("%v", err)
		}
		for _, l := range activeLines(data, "#") {
			fl := strings.Fields(l)
			if len(fl) < 2 || modName(fl[1]) != want {
				continue
			}
			switch fl[0] {
			case "install":
				cmd := strings.Join(fl[2:], " ")
				if cmd == "/bin/false" || cmd == "/bin/true" || cmd == "/usr/bin/false" || cmd == "/usr/bin/true" {
					install = f
				} else {
					install = ""
				}
			case "blacklist":
				blacklist = f
			}
		}
	}
	var missing []string
	if install == "" {
		missing = append(missing, fmt.Sprintf(`"install %s /bin/false"`, m.Name))
	}
	if blacklist == "" {
		missing = append(missing, fmt.Sprintf(`"blacklist %s"`, m.Name))
	}
	if len(missing) > 0 {
		return engine.Fail("modprobe.d lacks %s", strings.Join(missing, " and "))
	}
	return engine.Pass("module %s: install → /bin/false (%s), blacklisted (%s)", m.Name, install, blacklist)
}

func (m ModuleDisabled) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	spec := engine.DropInSpec{Path: ModprobeDropIn, Header: managedHeader, KeyOf: func(l string) string {
		f := strings.Fields(l)
		if len(f) < 2 {
			return l
		}
		return f[0] + " " + modName(f[1])
	}}
	p.DropIn(spec, "", "install "+m.Name+" /bin/false")
	p.DropIn(spec, "", "blacklist "+m.Name)
	return nil
}
