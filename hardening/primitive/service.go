package primitive

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// ServiceState is the desired systemd state of a unit.
type ServiceState string

const (
	Enabled  ServiceState = "enabled"
	Disabled ServiceState = "disabled" // not enabled (or not installed)
	Masked   ServiceState = "masked"   // linked to /dev/null (or not installed)
)

// Service requires a systemd unit state, judged and changed purely through
// unit files and symlinks under the root (what `systemctl --root` does), so
// it works on an unbooted image. Live mode adds a daemon-reload.
type Service struct {
	Unit  string // "auditd.service"; a missing suffix means ".service"
	State ServiceState
	// Optional: for Enabled, a missing unit is not applicable rather than a failure
	// (use when the package providing it is optional on this platform).
	Optional bool
}

var unitDirs = []string{"/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}

func (s Service) unit() string {
	if strings.Contains(s.Unit, ".") {
		return s.Unit
	}
	return s.Unit + ".service"
}

func (s Service) Describe() string { return fmt.Sprintf("unit %s %s", s.unit(), s.State) }

// unitFile returns the in-target path of the unit's definition (vendor or
// admin), skipping /dev/null masks.
func unitFile(t *engine.Target, unit string) string {
	for _, d := range unitDirs {
		p := d + "/" + unit
		if fi, err := t.Lstat(p); err == nil {
			if fi.Mode().IsRegular() {
				return p
			}
			if dest, err := t.Readlink(p); err == nil && dest != "/dev/null" && t.Exists(p) {
				return p
			}
		}
	}
	return ""
}

func isMasked(t *engine.Target, unit string) bool {
	for _, d := range []string{"/etc/systemd/system", "/run/systemd/system"} {
		if dest, err := t.Readlink(d + "/" + unit); err == nil && dest == "/dev/null" {
			return true
		}
	}
	return false
}

// enabledLinks returns symlinks in /etc/systemd/system/*.{wants,requires}
// (and aliases) that point at unit.
func enabledLinks(t *engine.Target, unit string) ([]string, error) {
	var out []string
	ents, err := t.ReadDir("/etc/systemd/system")
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if !e.IsDir() || (!strings.HasSuffix(e.Name(), ".wants") && !strings.HasSuffix(e.Name(), ".requires")) {
			continue
		}
		p := "/etc/systemd/system/" + e.Name() + "/" + unit
		if _, err := t.Lstat(p); err == nil {
			out = append(out, p)
		}
	}
	return out, nil
}

type installSection struct{ wantedBy, requiredBy, alias []string }

func parseInstall(data []byte) installSection {
	var sec installSection
	in := false
	for _, l := range activeLines(data, "#") {
		if strings.HasPrefix(l, "[") {
			in = l == "[Install]"
			continue
		}
		if !in {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "WantedBy":
			sec.wantedBy = append(sec.wantedBy, strings.Fields(v)...)
		case "RequiredBy":
			sec.requiredBy = append(sec.requiredBy, strings.Fields(v)...)
		case "Alias":
			sec.alias = append(sec.alias, strings.Fields(v)...)
		}
	}
	return sec
}

func (s Service) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	u := s.unit()
	file := unitFile(t, u)
	masked := isMasked(t, u)
	links, err := enabledLinks(t, u)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	switch s.State {
	case Enabled:
		if file == "" {
			if s.Optional {
				return engine.NotApplicable("unit %s is not installed", u)
			}
			return engine.Fail("unit %s is not installed", u)
		}
		if masked {
			return engine.Fail("unit %s is masked", u)
		}
		if len(links) == 0 {
			data, err := t.ReadFile(file)
			if err != nil {
				return engine.Errorf("read %s: %v", file, err)
			}
			if sec := parseInstall(data); len(sec.wantedBy)+len(sec.requiredBy) == 0 {
				return engine.Pass("unit %s is static (no [Install] section)", u)
			}
			return engine.Fail("unit %s is not enabled", u)
		}
		return engine.Pass("unit %s enabled (%s)", u, links[0])
	case Disabled:
		if file == "" || masked {
			return engine.Pass("unit %s is not installed or masked", u)
		}
		if len(links) > 0 {
			return engine.Fail("unit %s is enabled (%s)", u, strings.Join(links, ", "))
		}
		return engine.Pass("unit %s is disabled", u)
	case Masked:
		if file == "" && !masked {
			return engine.Pass("unit %s is not installed", u)
		}
		if !masked {
			return engine.Fail("unit %s is not masked", u)
		}
		if len(links) > 0 {
			return engine.Fail("unit %s is masked but still linked from %s", u, strings.Join(links, ", "))
		}
		return engine.Pass("unit %s is masked", u)
	}
	return engine.Errorf("unknown service state %q", s.State)
}

func (s Service) Fix(ctx context.Context, t *engine.Target, p *engine.Plan) error {
	u := s.unit()
	switch s.State {
	case Enabled:
		p.Step("enable "+u, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
			if dest, err := t.Readlink("/etc/systemd/system/" + u); err == nil && dest == "/dev/null" {
				if err := tx.Remove("/etc/systemd/system/" + u); err != nil {
					return err
				}
			}
			file := unitFile(t, u)
			if file == "" {
				return fmt.Errorf("enable %s: unit file not found under %v (is its package installed?)", u, unitDirs)
			}
			data, err := t.ReadFile(file)
			if err != nil {
				return fmt.Errorf("enable %s: %w", u, err)
			}
			sec := parseInstall(data)
			for _, w := range sec.wantedBy {
				if err := tx.Symlink(file, "/etc/systemd/system/"+w+".wants/"+u); err != nil {
					return err
				}
			}
			for _, r := range sec.requiredBy {
				if err := tx.Symlink(file, "/etc/systemd/system/"+r+".requires/"+u); err != nil {
					return err
				}
			}
			for _, a := range sec.alias {
				if err := tx.Symlink(file, "/etc/systemd/system/"+path.Base(a)); err != nil {
					return err
				}
			}
			return nil
		})
	case Disabled, Masked:
		p.Step(string(s.State)+" "+u, func(ctx context.Context, t *engine.Target, tx *engine.Tx) error {
			links, err := enabledLinks(t, u)
			if err != nil {
				return err
			}
			for _, l := range links {
				if err := tx.Remove(l); err != nil {
					return err
				}
			}
			if file := unitFile(t, u); file != "" {
				if data, err := t.ReadFile(file); err == nil {
					for _, a := range parseInstall(data).alias {
						ap := "/etc/systemd/system/" + path.Base(a)
						if dest, err := t.Readlink(ap); err == nil && path.Base(dest) == u {
							if err := tx.Remove(ap); err != nil {
								return err
							}
						}
					}
				}
			}
			if s.State == Masked {
				return tx.Symlink("/dev/null", "/etc/systemd/system/"+u)
			}
			return nil
		})
	default:
		return fmt.Errorf("unknown service state %q", s.State)
	}
	p.OnLive("systemctl daemon-reload", []string{"/etc/systemd/system"}, func(ctx context.Context, t *engine.Target) error {
		_, _, err := t.Run(ctx, nil, "systemctl", "daemon-reload")
		return err
	})
	// Live mode also starts or stops the unit now (without waiting for it):
	// an image only needs the symlinks, a running server needs the state.
	action := "start"
	if s.State != Enabled {
		action = "stop"
	}
	p.OnLive("systemctl "+action+" "+u, []string{"/etc/systemd/system"}, func(ctx context.Context, t *engine.Target) error {
		_, _, err := t.Run(ctx, nil, "systemctl", "--no-block", action, u)
		return err
	})
	return nil
}
