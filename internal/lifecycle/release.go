package lifecycle

import (
	"fmt"
	"time"
)

// Date keys used in Release.Sources.
const (
	SourceGA          = "ga"
	SourceEOLStandard = "eol_standard"
	SourceEOLExtended = "eol_extended"
)

// dateLayout is the only date format the catalog reads and writes.
const dateLayout = "2006-01-02"

// Release is one OS release (a "cycle" in endoflife.date terms).
//
// Dates are UTC midnights; the zero time means "not known / not published".
// EOLStandard is the first day without standard (free, vendor) support and
// EOLExtended the first day without any extended support (ESM, Debian LTS,
// paid ESU).
type Release struct {
	Family   string // canonical family id, e.g. "ubuntu", "windows-server"
	Version  string // canonical cycle, e.g. "22.04", "7", "2012r2"
	Codename string
	LTS      bool

	GA          time.Time
	EOLStandard time.Time
	EOLExtended time.Time

	// Successor is the release to move to: "<family> <version>" (canonical),
	// or "" when there is none.
	Successor string
	// Disputed marks rows whose published dates conflict between sources;
	// consumers should surface this next to the phase.
	Disputed bool
	// Sources maps a date key (SourceGA, SourceEOLStandard, SourceEOLExtended)
	// to where that date came from. Every non-zero date has an entry.
	Sources map[string]string
}

// Key returns the catalog key "<family>/<version>".
func (r Release) Key() string { return r.Family + "/" + r.Version }

// Name is a human label, e.g. "Ubuntu 22.04" or "Windows Server 2012 R2".
func (r Release) Name() string { return DisplayName(r.Family, r.Version) }

// SuccessorName is a human label for Successor, or "" when there is none.
func (r Release) SuccessorName() string {
	fam, ver, ok := splitSuccessor(r.Successor)
	if !ok {
		return ""
	}
	return DisplayName(fam, ver)
}

func (r Release) clone() Release {
	c := r
	c.Sources = make(map[string]string, len(r.Sources))
	for k, v := range r.Sources {
		c.Sources[k] = v
	}
	return c
}

// relKey indexes a catalog. A struct key (not "family/version") keeps
// lookups on the per-image hot path free of allocations.
type relKey struct{ family, version string }

func key(family, version string) relKey { return relKey{family, version} }

func (r Release) relKey() relKey { return relKey{r.Family, r.Version} }

// FormatDate renders a catalog date, or "" for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateLayout)
}

// ParseDate reads a YYYY-MM-DD date; "" yields the zero time.
func ParseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return t, nil
}

// Day truncates t to its UTC calendar day, the unit all lifecycle maths uses.
func Day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// familyInfo describes one known OS family.
type familyInfo struct {
	id      string
	display string
	// product is the endoflife.date product slug; "" when the family is not
	// tracked there, in which case Refresh leaves it alone.
	product string
	// versionStyle decides how a raw version is reduced to a catalog cycle.
	style versionStyle
	// example is a valid version, quoted in error messages.
	example string
}

type versionStyle int

const (
	styleMajor       versionStyle = iota // "7.9" -> "7"
	styleYearMonth                       // "22.04.1" -> "22.04"
	styleWindowsYear                     // "2012 R2" -> "2012r2"
)

// families is the fixed list of families the parser and catalog understand.
// Order matters only for Families(), which is what error messages print.
var families = []familyInfo{
	{id: "ubuntu", display: "Ubuntu", product: "ubuntu", style: styleYearMonth, example: "22.04"},
	{id: "debian", display: "Debian", product: "debian", style: styleMajor, example: "12"},
	{id: "centos", display: "CentOS", product: "centos", style: styleMajor, example: "7"},
	{id: "centos-stream", display: "CentOS Stream", product: "centos-stream", style: styleMajor, example: "9"},
	{id: "rocky", display: "Rocky Linux", product: "rocky-linux", style: styleMajor, example: "9"},
	{id: "almalinux", display: "AlmaLinux", product: "almalinux", style: styleMajor, example: "9"},
	{id: "rhel", display: "Red Hat Enterprise Linux", product: "rhel", style: styleMajor, example: "9"},
	{id: "tencentos", display: "TencentOS Server", product: "", style: styleMajor, example: "3"},
	{id: "opencloudos", display: "OpenCloudOS", product: "", style: styleMajor, example: "9"},
	{id: "windows-server", display: "Windows Server", product: "windows-server", style: styleWindowsYear, example: "2022"},
}

func lookupFamily(id string) (familyInfo, bool) {
	for _, f := range families {
		if f.id == id {
			return f, true
		}
	}
	return familyInfo{}, false
}

// Families lists the canonical family ids, for validation messages.
func Families() []string {
	out := make([]string, len(families))
	for i, f := range families {
		out[i] = f.id
	}
	return out
}

// DisplayName renders a family/version pair for humans.
func DisplayName(family, version string) string {
	f, ok := lookupFamily(family)
	if !ok {
		return family + " " + version
	}
	if f.style == styleWindowsYear && len(version) == 6 && version[4:] == "r2" {
		return f.display + " " + version[:4] + " R2"
	}
	return f.display + " " + version
}
