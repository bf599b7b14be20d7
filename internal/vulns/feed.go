package vulns

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/valyala/fastjson"
)

// Feed is an advisory feed indexed by ecosystem and package name. Only what
// matching needs is kept, so that a full osv.dev export fits in memory.
type Feed struct {
	entries map[string][]entry // key: ecosystem + "\x00" + package name
	// perEcosystem counts the advisories with at least one affected package
	// in each ecosystem.
	perEcosystem map[string]int
	// Newest is the newest "modified" time of any advisory: the feed's date.
	Newest time.Time
	// Advisories is the number of advisories loaded (withdrawn ones excluded).
	Advisories int
	// parser is reused for every document: its values live until the next
	// parse, and everything kept is copied out of them.
	parser fastjson.Parser
}

// Advisory is the part of an OSV record that a finding reports.
type Advisory struct {
	ID        string
	CVEs      []string // the CVE ids it covers: id, aliases and upstream
	Summary   string
	Published time.Time
	Modified  time.Time
}

type entry struct {
	adv      *Advisory
	severity string
	ranges   [][]event
}

type eventKind int

const (
	introduced eventKind = iota
	fixed
	lastAffected
)

type event struct {
	kind eventKind
	raw  string
	ver  version
}

// LoadFeed loads an OSV feed from a .json file (one record or an array of
// records), a directory tree of .json files, or a .zip of .json files such as
// osv.dev's per-ecosystem all.zip exports.
func LoadFeed(path string) (*Feed, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load feed: %w", err)
	}
	f := newFeed()
	switch {
	case st.IsDir():
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".json") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return f.add(p, b)
		})
	case strings.HasSuffix(path, ".zip"):
		err = f.addZip(path)
	default:
		var b []byte
		if b, err = os.ReadFile(path); err == nil {
			err = f.add(path, b)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load feed %s: %w", path, err)
	}
	if f.Advisories == 0 {
		return nil, fmt.Errorf("load feed %s: no OSV advisories found (expected .json records, a directory of them or a .zip)", path)
	}
	return f, nil
}

// ParseFeed loads OSV records from one JSON document; name labels errors.
func ParseFeed(name string, data []byte) (*Feed, error) {
	f := newFeed()
	if err := f.add(name, data); err != nil {
		return nil, err
	}
	return f, nil
}

func newFeed() *Feed {
	return &Feed{entries: map[string][]entry{}, perEcosystem: map[string]int{}}
}

func (f *Feed) addZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !strings.HasSuffix(zf.Name, ".json") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
		if err := f.add(zf.Name, b); err != nil {
			return err
		}
	}
	return nil
}

// add decodes one JSON document: a single OSV record or an array of them.
func (f *Feed) add(name string, data []byte) error {
	v, err := f.parser.ParseBytes(data)
	if err != nil {
		return fmt.Errorf("%s: not an OSV record: %w", name, err)
	}
	if v.Type() == fastjson.TypeArray {
		items, _ := v.Array()
		for i, it := range items {
			if err := f.addRecord(fmt.Sprintf("%s[%d]", name, i), it); err != nil {
				return err
			}
		}
		return nil
	}
	return f.addRecord(name, v)
}

func (f *Feed) addRecord(name string, val *fastjson.Value) error {
	v, err := decodeOSV(val)
	if err != nil {
		return fmt.Errorf("%s: not an OSV record: %w", name, err)
	}
	if v.id == "" {
		return fmt.Errorf("%s: OSV record has no \"id\"", name)
	}
	if v.withdrawn {
		return nil // withdrawn advisories no longer apply
	}
	adv := &Advisory{ID: v.id, CVEs: cves(&v), Summary: v.summary, Published: v.published, Modified: v.modified}
	if adv.Modified.After(f.Newest) {
		f.Newest = adv.Modified
	}
	f.Advisories++
	seen := map[string]bool{}
	for i, a := range v.affected {
		eco, pkg := a.ecosystem, a.name
		if eco == "" || pkg == "" {
			continue
		}
		// A feed such as osv.dev's all.zip mixes in ecosystems (PyPI, Go…)
		// whose packages no root scanned here can have: skip them unparsed.
		ord, ok := orderingFor(eco)
		if !ok {
			continue
		}
		eco = ecosystemKey(eco)
		e := entry{adv: adv, severity: severity(&v, &a)}
		for j, r := range a.ranges {
			// Distribution versions are only in ECOSYSTEM ranges; GIT and
			// SEMVER ranges describe upstream commits, not packages.
			if !r.ecosystem {
				continue
			}
			evs, err := parseEvents(r.events, ord)
			if err != nil {
				return fmt.Errorf("%s: advisory %s: affected[%d].ranges[%d]: %w", name, adv.ID, i, j, err)
			}
			e.ranges = append(e.ranges, evs)
		}
		if len(e.ranges) == 0 {
			continue
		}
		key := eco + "\x00" + pkg
		f.entries[key] = append(f.entries[key], e)
		if !seen[eco] {
			seen[eco] = true
			f.perEcosystem[eco]++
		}
	}
	return nil
}

// parseEvents parses and sorts the events of one range in version order, as
// the OSV evaluation algorithm requires.
func parseEvents(in []rawEvent, ord ordering) ([]event, error) {
	out := make([]event, 0, len(in))
	for _, e := range in {
		v, err := ord.parse(e.raw)
		if err != nil {
			return nil, fmt.Errorf("events[%d]: %q is not a %s version: %w", e.index, e.raw, ord.name, err)
		}
		out = append(out, event{kind: e.kind, raw: e.raw, ver: v})
	}
	// Distribution records are nearly all {introduced "0", fixed X}: skip
	// the sort (each dpkg comparison runs regular expressions) when ordered.
	if len(out) != 2 || !out[0].isZero() {
		sort.SliceStable(out, func(a, b int) bool { return out[a].ver.compare(out[b].ver) < 0 })
	}
	return out, nil
}

// isZero reports an introduced "0" event, which precedes every version.
func (e event) isZero() bool { return e.kind == introduced && e.raw == "0" }

// cves lists the CVE ids an advisory covers. Debian's DSA/DLA records name
// them in "upstream" or "aliases"; a record without any is reported by its id.
func cves(v *osvRecord) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range append(append([]string{v.id}, v.aliases...), v.upstream...) {
		if strings.HasPrefix(id, "CVE-") && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		out = []string{v.id}
	}
	return out
}

// severity takes the first rating word found, most specific first. CVSS
// vectors are not scored in this slice, so a record carrying only a vector is
// "unknown".
func severity(v *osvRecord, a *osvAffected) string {
	for _, s := range []ratings{a.ecoSpecific, a.dbSpecific, v.dbSpecific} {
		for _, w := range []string{s.severity, s.urgency} {
			if r := normSeverity(w); r != "" {
				return r
			}
		}
	}
	for _, s := range append(append([]string(nil), a.severity...), v.severity...) {
		if r := normSeverity(s); r != "" {
			return r
		}
	}
	return SeverityUnknown
}

// Severity ratings, normalised from the words Debian (urgency), Ubuntu and
// GitHub (database_specific.severity) use.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityMedium   = "medium"
	SeverityLow      = "low"
	SeverityUnknown  = "unknown"
)

func normSeverity(s string) string {
	switch strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), "*") {
	case "critical":
		return SeverityCritical
	case "high", "important":
		return SeverityHigh
	case "medium", "moderate":
		return SeverityMedium
	case "low", "negligible", "unimportant":
		return SeverityLow
	}
	return ""
}

func severityRank(s string) int {
	switch s {
	case SeverityCritical:
		return 4
	case SeverityHigh:
		return 3
	case SeverityMedium:
		return 2
	case SeverityLow:
		return 1
	}
	return 0
}
