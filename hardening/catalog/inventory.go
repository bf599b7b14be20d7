package catalog

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// The control inventories list every CIS Level 1 Server control of each
// benchmark with its disposition. They are the single source of the CIS
// references on rules and of the manual / not-for-image lists on profiles,
// so a control can never be silently dropped: the tests fail on any row
// whose rule is missing from the catalog, and on any mapping kind other
// than the five below.
//
//go:embed controls/*.tsv
var controlFS embed.FS

// Mapping says how a profile handles one CIS control.
type Mapping string

const (
	// MapRule: one or more catalog rules implement the control.
	MapRule Mapping = "rule"
	// MapPrecondition: the control is met only because a rule removes what
	// it configures (no GDM installed, so no GDM settings to check). The
	// rules run, but the control's own check is not automated, so coverage
	// counts it apart from MapRule.
	MapPrecondition Mapping = "precondition"
	// MapManual: the control needs a human decision or a site secret.
	MapManual Mapping = "manual"
	// MapCloud: the control must not be applied to a cloud image (or does not
	// exist on cloud hardware).
	MapCloud Mapping = "cloud"
	// MapAlt: the benchmark offers alternatives (ufw | nftables | iptables,
	// journald | rsyslog) and the profile implements a different one.
	MapAlt Mapping = "alt"
)

// Control is one row of an inventory.
type Control struct {
	ID         string
	Title      string // our own short summary
	Level      string // "L1"
	Assessment string // "automated" or "manual" as the benchmark classifies it
	Mapping    Mapping
	Rules      []string // for MapRule
	Reason     string   // for every other mapping
}

// Benchmark is one CIS benchmark and the profile that implements it.
type Benchmark struct {
	ID       string // e.g. "cis-debian-12"
	Version  string // benchmark document version
	Title    string
	Profile  string // profile id, e.g. "debian-12"
	Platform engine.Platform
	File     string
	Controls []Control
}

// benchmarkFiles ties each inventory to its profile.
var benchmarkFiles = []struct {
	file, id, profile string
	platform          engine.Platform
}{
	{"controls/cis_debian12.tsv", "cis-debian-12", "debian-12", engine.Platform{Family: "debian", Version: "12"}},
	{"controls/cis_debian13.tsv", "cis-debian-13", "debian-13", engine.Platform{Family: "debian", Version: "13"}},
	{"controls/cis_ubuntu2204.tsv", "cis-ubuntu-22.04", "ubuntu-22.04", engine.Platform{Family: "ubuntu", Version: "22.04"}},
	{"controls/cis_ubuntu2404.tsv", "cis-ubuntu-24.04", "ubuntu-24.04", engine.Platform{Family: "ubuntu", Version: "24.04"}},
	{"controls/cis_rhel8.tsv", "cis-rhel-8", "rhel-8", engine.Platform{Family: "rhel", Version: "8"}},
	{"controls/cis_rhel9.tsv", "cis-rhel-9", "rhel-9", engine.Platform{Family: "rhel", Version: "9"}},
}

var headerVersion = regexp.MustCompile(`^# (.+) v([0-9][0-9.]*),`)

// Benchmarks parses the embedded inventories.
func Benchmarks() ([]*Benchmark, error) {
	var out []*Benchmark
	for _, bf := range benchmarkFiles {
		data, err := controlFS.ReadFile(bf.file)
		if err != nil {
			return nil, fmt.Errorf("read inventory %s: %w", bf.file, err)
		}
		b, err := parseInventory(data, bf.file)
		if err != nil {
			return nil, err
		}
		b.ID, b.Profile, b.Platform = bf.id, bf.profile, bf.platform
		out = append(out, b)
	}
	return out, nil
}

func parseInventory(data []byte, file string) (*Benchmark, error) {
	b := &Benchmark{File: file}
	sc := bufio.NewScanner(bytes.NewReader(data))
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			if m := headerVersion.FindStringSubmatch(line); m != nil && b.Version == "" {
				b.Title, b.Version = m[1], m[2]
			}
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("%s:%d: want 6 tab-separated columns (control, title, level, assessment, mapping, rules_or_reason), got %d", file, n, len(f))
		}
		c := Control{ID: f[0], Title: f[1], Level: f[2], Assessment: f[3], Mapping: Mapping(f[4])}
		if prev, dup := seen[c.ID]; dup {
			return nil, fmt.Errorf("%s:%d: control %s already listed on line %d", file, n, c.ID, prev)
		}
		seen[c.ID] = n
		if c.Level != "L1" {
			return nil, fmt.Errorf("%s:%d: level %q: the inventory lists Level 1 Server controls only (L1)", file, n, c.Level)
		}
		if c.Assessment != "automated" && c.Assessment != "manual" {
			return nil, fmt.Errorf("%s:%d: assessment %q: want automated or manual", file, n, c.Assessment)
		}
		switch c.Mapping {
		case MapRule, MapPrecondition:
			for _, id := range strings.Split(f[5], ",") {
				if id = strings.TrimSpace(id); id != "" {
					c.Rules = append(c.Rules, id)
				}
			}
			if len(c.Rules) == 0 {
				return nil, fmt.Errorf("%s:%d: control %s is mapped to rules but lists none", file, n, c.ID)
			}
		case MapManual, MapCloud, MapAlt:
			c.Reason = strings.TrimSpace(f[5])
			if c.Reason == "" {
				return nil, fmt.Errorf("%s:%d: control %s (%s) needs a reason", file, n, c.ID, c.Mapping)
			}
		default:
			return nil, fmt.Errorf("%s:%d: mapping %q: want rule, precondition, manual, cloud or alt", file, n, c.Mapping)
		}
		b.Controls = append(b.Controls, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if b.Version == "" {
		return nil, fmt.Errorf("%s: header line \"# <benchmark> v<version>, ...\" is missing", file)
	}
	return b, nil
}

// Coverage is the share of automatable Level 1 controls a profile implements.
// Only controls whose own check runs and applies by default count as
// covered: controls met through a precondition rule and controls whose
// every rule the profile waives by default are counted apart.
type Coverage struct {
	Controls    int // all L1 controls in the inventory
	Automatable int // benchmark-classified automated, minus alternatives not chosen
	Alternative int // automated controls of an alternative the profile did not choose
	Covered     int // automatable controls with a rule of their own, applied by default
	// Precondition counts automatable controls met only because a rule
	// removes their subject (pkg-gdm-absent for the GDM settings).
	Precondition int
	// WaivedByDefault counts automatable controls whose every rule the
	// profile waives by default (ssh-access-restricted).
	WaivedByDefault int
	Manual          int // controls (any assessment) handled as manual
	Cloud           int // controls not applied to cloud images
	Uncovered       []Control
}

// Share is Covered/Automatable in percent.
func (c Coverage) Share() float64 { return pct(c.Covered, c.Automatable) }

// PreconditionShare also counts the controls met through a precondition.
func (c Coverage) PreconditionShare() float64 { return pct(c.Covered+c.Precondition, c.Automatable) }

// RawShare counts the controls of alternatives the profile did not choose
// (ufw vs nftables vs iptables, firewalld vs nftables, rsyslog as primary
// store) as uncovered: the strictest reading.
func (c Coverage) RawShare() float64 { return pct(c.Covered, c.Automatable+c.Alternative) }

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// Coverage computes the automation share of the benchmark. Controls the
// benchmark itself classifies as manual do not count either way; automated
// controls handled manually or left out of cloud images count as not
// covered; a rule waived by default covers nothing until the waiver is
// lifted.
func (b *Benchmark) Coverage() Coverage {
	waived := map[string]bool{}
	for _, w := range defaultWaivers(b.Platform) {
		waived[w.RuleID] = true
	}
	var c Coverage
	for _, ctl := range b.Controls {
		c.Controls++
		switch ctl.Mapping {
		case MapManual:
			c.Manual++
		case MapCloud:
			c.Cloud++
		}
		if ctl.Assessment != "automated" {
			continue
		}
		if ctl.Mapping == MapAlt {
			c.Alternative++
			continue
		}
		c.Automatable++
		switch ctl.Mapping {
		case MapRule:
			all := true
			for _, id := range ctl.Rules {
				all = all && waived[id]
			}
			if all {
				c.WaivedByDefault++
			} else {
				c.Covered++
			}
		case MapPrecondition:
			c.Precondition++
		default:
			c.Uncovered = append(c.Uncovered, ctl)
		}
	}
	return c
}
