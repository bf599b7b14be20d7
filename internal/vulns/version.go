package vulns

import (
	"strings"

	debversion "github.com/knqyf263/go-deb-version"
	rpmversion "github.com/knqyf263/go-rpm-version"
)

// version is one package version under its distribution's ordering. Values
// of one ordering are only compared with each other: a feed entry and an
// installed package share the ecosystem that chose the ordering.
type version interface {
	compare(other version) int
}

// ordering parses versions of one distribution family.
type ordering struct {
	name  string // "Debian" or "RPM", for error texts
	parse func(string) (version, error)
}

var (
	// dpkgOrdering is dpkg's: epochs, upstream version, revision, "~" sorting
	// before everything.
	dpkgOrdering = ordering{name: "Debian", parse: func(s string) (version, error) {
		v, err := debversion.NewVersion(s)
		if err != nil {
			return nil, err
		}
		return debVersion{v}, nil
	}}
	// rpmOrdering is rpm's EVR (rpmvercmp): [epoch:]version-release, a
	// missing epoch counting as 0. rpm accepts any string, so it never fails.
	rpmOrdering = ordering{name: "RPM", parse: func(s string) (version, error) {
		return rpmVersion{rpmversion.NewVersion(s)}, nil
	}}
)

type debVersion struct{ v debversion.Version }

func (a debVersion) compare(b version) int { return a.v.Compare(b.(debVersion).v) }

type rpmVersion struct{ v rpmversion.Version }

func (a rpmVersion) compare(b version) int { return a.v.Compare(b.(rpmVersion).v) }

// rpmEcosystems are the OSV ecosystems (osv-schema's ecosystem list) of
// RPM-based distributions whose records carry rpm EVR versions.
var rpmEcosystems = []string{"AlmaLinux", "Rocky Linux", "Red Hat", "openEuler", "openSUSE", "SUSE", "Mageia", "Azure Linux"}

// orderingFor returns the version ordering of an OSV ecosystem ("Debian:12",
// "AlmaLinux:9"); ok is false for ecosystems whose packages this scanner
// cannot read (language ecosystems, Alpine), which are then not indexed.
func orderingFor(ecosystem string) (o ordering, ok bool) {
	base, _, _ := strings.Cut(ecosystem, ":")
	if base == "Debian" {
		return dpkgOrdering, true
	}
	for _, e := range rpmEcosystems {
		if base == e {
			return rpmOrdering, true
		}
	}
	return ordering{}, false
}

// ecosystemKey is the ecosystem a record is indexed under. Red Hat's OSV
// records name a repository after the release ("Red Hat:enterprise_linux:9::
// baseos", "…::appstream"); an installed package does not say which
// repository it came from, so the release alone is the key.
func ecosystemKey(ecosystem string) string {
	if strings.HasPrefix(ecosystem, "Red Hat:") {
		if i := strings.Index(ecosystem, "::"); i >= 0 {
			return ecosystem[:i]
		}
	}
	return ecosystem
}
