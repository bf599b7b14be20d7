package vulns

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	// The sqlite rpmdb of RHEL 9 and its rebuilds is opened through
	// database/sql; this pure-Go driver (modernc.org/sqlite) registers
	// "sqlite" without cgo.
	_ "github.com/glebarez/go-sqlite"
	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
)

// rpmDBFiles are the rpm databases under a root, newest layout first:
// sqlite (RHEL/Rocky/Alma 9, TencentOS 4, Fedora 33+), SUSE's ndb, then
// Berkeley DB (RHEL 7/8, CentOS). Fedora 36+ and openSUSE keep the database
// in usr/lib/sysimage/rpm with var/lib/rpm a symlink, which may be dangling
// in an unbooted image root, so both directories are tried.
var rpmDBFiles = []string{
	"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite",
	"var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db",
	"var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages",
}

// RPMDBPath returns the rpm database of root, or "" when it has none.
func RPMDBPath(root string) string {
	for _, f := range rpmDBFiles {
		p := filepath.Join(root, filepath.FromSlash(f))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			return p
		}
	}
	return ""
}

// ReadRPMDB reads the installed packages of an rpm database file.
func ReadRPMDB(path string) ([]Package, error) {
	db, err := rpmdb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open rpm database %s: %w", path, err)
	}
	defer db.Close()
	infos, err := db.ListPackages()
	if err != nil {
		return nil, fmt.Errorf("read rpm database %s: %w", path, err)
	}
	var pkgs []Package
	for _, pi := range infos {
		// gpg-pubkey entries are imported signing keys, not software.
		if pi.Name == "gpg-pubkey" || pi.Name == "" {
			continue
		}
		pkgs = append(pkgs, rpmPackage(pi))
	}
	return pkgs, nil
}

// rpmPackage converts one rpmdb header. The version is rpm's EVR string,
// "E:V-R" with a non-zero epoch, as OSV rpm records write fixed versions.
// The source rpm "openssl-3.0.7-24.el9.src.rpm" names the source package
// and its version-release; it carries no epoch, which rpm builds give every
// subpackage alike, so the binary's epoch is the source's.
func rpmPackage(pi *rpmdb.PackageInfo) Package {
	epoch := ""
	if pi.Epoch != nil && *pi.Epoch != 0 {
		epoch = strconv.Itoa(*pi.Epoch) + ":"
	}
	p := Package{Name: pi.Name, Version: epoch + pi.Version + "-" + pi.Release}
	p.Source, p.SourceVersion = p.Name, p.Version
	if name, vr, ok := parseSourceRPM(pi.SourceRpm); ok {
		p.Source, p.SourceVersion = name, epoch+vr
	}
	return p
}

// parseSourceRPM splits "name-version-release.src.rpm" at its last two
// dashes (names may contain dashes, versions and releases may not).
func parseSourceRPM(s string) (name, versionRelease string, ok bool) {
	base, found := strings.CutSuffix(s, ".src.rpm")
	if !found {
		if base, found = strings.CutSuffix(s, ".nosrc.rpm"); !found {
			return "", "", false
		}
	}
	r := strings.LastIndex(base, "-")
	if r <= 0 {
		return "", "", false
	}
	v := strings.LastIndex(base[:r], "-")
	if v <= 0 {
		return "", "", false
	}
	return base[:v], base[v+1:], true
}
