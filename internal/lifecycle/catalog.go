package lifecycle

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed catalog.tsv
var embeddedTable []byte

// Catalog is an immutable set of releases keyed by family and version.
// Releases handed out share their Sources map with the catalog: treat it as
// read-only (Lookup sits on the per-image hot path, so it does not copy).
// Methods that change data (WithOverrides, WithRelease) return a new Catalog,
// so one Catalog can be shared by concurrent plans without locks.
type Catalog struct {
	releases map[relKey]Release
}

// embedded parses the embedded table once; the result is never mutated.
var embedded = sync.OnceValues(func() (*Catalog, error) {
	rels, err := ReadTable(bytes.NewReader(embeddedTable))
	if err != nil {
		return nil, fmt.Errorf("embedded lifecycle table: %w", err)
	}
	return New(rels...)
})

// Embedded returns the catalog compiled into the binary (offline default).
func Embedded() (*Catalog, error) { return embedded() }

// Load returns the embedded catalog with the user's overrides merged over it.
func Load(overrides []Override) (*Catalog, error) {
	c, err := Embedded()
	if err != nil {
		return nil, err
	}
	return c.WithOverrides(overrides)
}

// New builds a catalog from releases; duplicate keys are an error.
func New(releases ...Release) (*Catalog, error) {
	c := &Catalog{releases: make(map[relKey]Release, len(releases))}
	for _, r := range releases {
		if _, dup := c.releases[r.relKey()]; dup {
			return nil, fmt.Errorf("duplicate release %s", r.Name())
		}
		c.releases[r.relKey()] = r.clone()
	}
	return c, nil
}

// Lookup finds a release by family and version. Both may be raw ("Rocky
// Linux", "9.3"); they are normalised first. ok is false for unknown
// families, malformed versions and releases missing from the catalog.
func (c *Catalog) Lookup(family, version string) (Release, bool) {
	fam, ok := NormalizeFamily(family)
	if !ok {
		return Release{}, false
	}
	ver, err := NormalizeVersion(fam, version)
	if err != nil {
		return Release{}, false
	}
	r, ok := c.releases[key(fam, ver)]
	return r, ok
}

// Parse maps a Tencent OsName (and optional Platform) to a catalog release.
// The parsed identity is returned even when the catalog has no such release,
// so callers can still say which OS was unknown.
func (c *Catalog) Parse(osName, platform string) (Release, OSID, bool) {
	id, err := ParseOsName(osName, platform)
	if err != nil {
		return Release{}, OSID{}, false
	}
	r, ok := c.releases[key(id.Family, id.Version)]
	return r, id, ok
}

// All returns every release sorted by family then version, for listings.
func (c *Catalog) All() []Release {
	out := make([]Release, 0, len(c.releases))
	for _, r := range c.releases {
		out = append(out, r.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// Len is the number of releases.
func (c *Catalog) Len() int { return len(c.releases) }

// WithRelease returns a copy of c in which r replaces (or adds) its key.
func (c *Catalog) WithRelease(r Release) *Catalog {
	n := c.copy()
	n.releases[r.relKey()] = r.clone()
	return n
}

// copy is shallow per release; releases are cloned whenever they are handed
// out or replaced, so sharing their Sources maps between copies is safe.
func (c *Catalog) copy() *Catalog {
	n := &Catalog{releases: make(map[relKey]Release, len(c.releases)+1)}
	for k, v := range c.releases {
		n.releases[k] = v
	}
	return n
}

// Override is a user's correction or addition to the catalog. Empty fields
// keep the catalog's value; a release that does not exist is added.
type Override struct {
	Family      string // raw or canonical family; must be a known family
	Version     string // raw or canonical version
	Codename    string
	LTS         *bool  // nil keeps the catalog's flag (false for new releases)
	GA          string // YYYY-MM-DD
	EOLStandard string // YYYY-MM-DD
	EOLExtended string // YYYY-MM-DD
	Successor   string // "<version>", "<family> <version>" or "-" for none
	// Source says where the dates come from (URL or reason); it is recorded
	// for every date the override sets. Defaults to "user override".
	Source string
}

// FieldError is a validation error that names the offending field so
// adapters can attach it to the right attribute.
type FieldError struct {
	Index int    // position in the input list, -1 when not from a list
	Field string // "family", "version", "eol_standard", ...
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("override %d: %s: %s", e.Index, e.Field, e.Msg)
	}
	return e.Field + ": " + e.Msg
}

// WithOverrides returns a copy of c with overrides applied in order.
func (c *Catalog) WithOverrides(overrides []Override) (*Catalog, error) {
	if len(overrides) == 0 {
		return c, nil
	}
	n := c.copy()
	for i, o := range overrides {
		r, err := n.applyOverride(i, o)
		if err != nil {
			return nil, err
		}
		n.releases[r.relKey()] = r
	}
	return n, nil
}

func (c *Catalog) applyOverride(i int, o Override) (Release, error) {
	fam, ok := NormalizeFamily(o.Family)
	if !ok {
		return Release{}, &FieldError{i, "family", fmt.Sprintf("unknown OS family %q; known families: %s", o.Family, strings.Join(Families(), ", "))}
	}
	ver, err := NormalizeVersion(fam, o.Version)
	if err != nil {
		return Release{}, &FieldError{i, "version", err.Error()}
	}
	r, exists := c.releases[key(fam, ver)]
	if exists {
		r = r.clone()
	} else {
		r = Release{Family: fam, Version: ver, Sources: map[string]string{}}
	}
	src := o.Source
	if src == "" {
		src = "user override"
	}
	for _, d := range []struct {
		field, val, srcKey string
		dst                *time.Time
	}{
		{"ga", o.GA, SourceGA, &r.GA},
		{"eol_standard", o.EOLStandard, SourceEOLStandard, &r.EOLStandard},
		{"eol_extended", o.EOLExtended, SourceEOLExtended, &r.EOLExtended},
	} {
		if d.val == "" {
			continue
		}
		t, err := ParseDate(d.val)
		if err != nil {
			return Release{}, &FieldError{i, d.field, err.Error() + ", e.g. \"2027-04-01\""}
		}
		*d.dst = t
		r.Sources[d.srcKey] = src
	}
	if !r.EOLExtended.IsZero() && !r.EOLStandard.IsZero() && r.EOLExtended.Before(r.EOLStandard) {
		return Release{}, &FieldError{i, "eol_extended", fmt.Sprintf("%s is before eol_standard %s; extended support cannot end before standard support", FormatDate(r.EOLExtended), FormatDate(r.EOLStandard))}
	}
	if o.Codename != "" {
		r.Codename = o.Codename
	}
	if o.LTS != nil {
		r.LTS = *o.LTS
	}
	if o.Successor != "" {
		s, err := canonicalSuccessor(fam, o.Successor)
		if err != nil {
			return Release{}, &FieldError{i, "successor", err.Error()}
		}
		r.Successor = s
	}
	return r, nil
}

// tableColumns are the columns ReadTable requires, in any order.
var tableColumns = []string{"family", "version", "codename", "lts", "ga", "eol_standard", "eol_extended", "successor", "disputed", "source"}

// ReadTable parses the tab-separated catalog format (see catalog.tsv). Lines
// starting with '#' and blank lines are ignored; the first other line is the
// header. Every row is validated: known family, canonical version, valid
// dates, a source for every date.
func ReadTable(r io.Reader) ([]Release, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var (
		col  map[string]int
		out  []Release
		seen = map[string]int{}
		line int
	)
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cells := strings.Split(text, "\t")
		if col == nil {
			col = make(map[string]int, len(cells))
			for i, c := range cells {
				col[strings.TrimSpace(c)] = i
			}
			for _, want := range tableColumns {
				if _, ok := col[want]; !ok {
					return nil, fmt.Errorf("line %d: header lacks column %q", line, want)
				}
			}
			continue
		}
		if len(cells) < len(col) {
			return nil, fmt.Errorf("line %d: %d cells, header has %d", line, len(cells), len(col))
		}
		get := func(name string) string { return strings.TrimSpace(cells[col[name]]) }
		rel, err := rowToRelease(get)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if prev, dup := seen[rel.Key()]; dup {
			return nil, fmt.Errorf("line %d: %s already defined on line %d", line, rel.Name(), prev)
		}
		seen[rel.Key()] = line
		out = append(out, rel)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read lifecycle table: %w", err)
	}
	if col == nil {
		return nil, fmt.Errorf("lifecycle table has no header")
	}
	return out, nil
}

func rowToRelease(get func(string) string) (Release, error) {
	fam := get("family")
	if _, ok := lookupFamily(fam); !ok {
		return Release{}, fmt.Errorf("unknown family %q", fam)
	}
	ver, err := NormalizeVersion(fam, get("version"))
	if err != nil {
		return Release{}, err
	}
	if ver != get("version") {
		return Release{}, fmt.Errorf("version %q is not canonical (want %q)", get("version"), ver)
	}
	r := Release{Family: fam, Version: ver, Codename: get("codename"), Sources: map[string]string{}}
	if r.LTS, err = yesNo("lts", get("lts")); err != nil {
		return Release{}, err
	}
	if r.Disputed, err = yesNo("disputed", get("disputed")); err != nil {
		return Release{}, err
	}
	source := get("source")
	for _, d := range []struct {
		col string
		dst *time.Time
	}{{"ga", &r.GA}, {"eol_standard", &r.EOLStandard}, {"eol_extended", &r.EOLExtended}} {
		t, err := ParseDate(get(d.col))
		if err != nil {
			return Release{}, fmt.Errorf("%s: %w", d.col, err)
		}
		if t.IsZero() {
			continue
		}
		if source == "" {
			return Release{}, fmt.Errorf("%s has a date but the row has no source", d.col)
		}
		*d.dst = t
		r.Sources[d.col] = source
	}
	if !r.EOLExtended.IsZero() && r.EOLExtended.Before(r.EOLStandard) {
		return Release{}, fmt.Errorf("eol_extended %s is before eol_standard %s", FormatDate(r.EOLExtended), FormatDate(r.EOLStandard))
	}
	if r.Successor, err = canonicalSuccessor(fam, get("successor")); err != nil {
		return Release{}, err
	}
	return r, nil
}

func yesNo(name, v string) (bool, error) {
	switch v {
	case "yes":
		return true, nil
	case "no", "":
		return false, nil
	}
	return false, fmt.Errorf("%s must be yes or no, got %q", name, v)
}

// canonicalSuccessor turns "12", "rocky 9" or "-" into "debian 12",
// "rocky 9" or "".
func canonicalSuccessor(family, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return "", nil
	}
	// "rocky 9", "centos-stream 10", "windows-server 2012 R2" name a family;
	// otherwise the whole string is a version of the same family ("12",
	// "2012 R2").
	if fam, ver, err := ParseSelector(s); err == nil && ver != "" {
		return fam + " " + ver, nil
	} else if err == nil || !errors.Is(err, ErrUnknownFamily) {
		return "", fmt.Errorf("successor %q: give \"<version>\" or \"<family> <version>\"", s)
	}
	fam, ver := family, s
	v, err := NormalizeVersion(fam, ver)
	if err != nil {
		return "", fmt.Errorf("successor %q: %w", s, err)
	}
	return fam + " " + v, nil
}

func splitSuccessor(s string) (family, version string, ok bool) {
	i := strings.IndexByte(s, ' ')
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// Family returns the releases of one family (raw or canonical name), newest
// version first, e.g. for picking the newest supported base image.
func (c *Catalog) Family(family string) []Release {
	fam, ok := NormalizeFamily(family)
	if !ok {
		return nil
	}
	var out []Release
	for _, r := range c.releases {
		if r.Family == fam {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return VersionLess(out[j].Version, out[i].Version) })
	return out
}

// VersionLess orders canonical versions of one family numerically, part by
// part: "9" < "10", "22.04" < "24.04", "2012" < "2012r2" < "2016".
func VersionLess(a, b string) bool {
	for a != "" || b != "" {
		an, arest := leadingNumber(a)
		bn, brest := leadingNumber(b)
		if an != bn {
			return an < bn
		}
		// Same number: a suffix ("r2") sorts after none.
		as, arest2 := suffixPart(arest)
		bs, brest2 := suffixPart(brest)
		if as != bs {
			return as < bs
		}
		a, b = arest2, brest2
	}
	return false
}

// leadingNumber consumes every leading digit (saturating the value, so the
// caller's loop always makes progress).
func leadingNumber(s string) (int, string) {
	n, i := 0, 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n < 1e8 {
			n = n*10 + int(s[i]-'0')
		}
	}
	return n, s[i:]
}

// suffixPart splits off letters up to the next separator, and the separator.
func suffixPart(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] != '.' && (s[i] < '0' || s[i] > '9') {
		i++
	}
	suffix, rest := s[:i], s[i:]
	return suffix, strings.TrimPrefix(rest, ".")
}
