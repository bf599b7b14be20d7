package vulns

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ReadInstalled reads the installed packages of the root directory from its
// dpkg status or, failing that, its rpm database.
func ReadInstalled(root string) ([]Package, error) {
	p := StatusPath(root)
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		if db := RPMDBPath(root); db != "" {
			return ReadRPMDB(db)
		}
		return nil, fmt.Errorf("read installed packages: neither %s nor an rpm database (%s) exists", p, strings.Join(rpmDBFiles, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("read installed packages: %w", err)
	}
	defer f.Close()
	pkgs, err := ParseDpkgStatus(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", p, err)
	}
	return pkgs, nil
}

// osEcosystems maps os-release IDs to OSV ecosystem names. RPM distributions
// publish per major release ("AlmaLinux:9" covers 9.2), Debian per release.
// Red Hat's records name "Red Hat:enterprise_linux:9::<repository>", which
// the feed indexes without the repository.
var osEcosystems = map[string]struct {
	name      string
	majorOnly bool
}{
	"debian":    {"Debian:", false},
	"almalinux": {"AlmaLinux:", true},
	"rocky":     {"Rocky Linux:", true},
	"rhel":      {"Red Hat:enterprise_linux:", true},
}

// DetectEcosystem returns the OSV ecosystem ("Debian:12", "AlmaLinux:9") of
// the root from its /etc/os-release.
func DetectEcosystem(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, "etc", "os-release"))
	if err != nil {
		return "", fmt.Errorf("detect distribution: %w", err)
	}
	var id, ver string
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			id = v
		case "VERSION_ID":
			ver = v
		}
	}
	eco, ok := osEcosystems[id]
	if !ok || ver == "" {
		// TencentOS, OpenCloudOS and others have no OSV ecosystem of their
		// own: the user names the one whose advisories apply.
		return "", fmt.Errorf("detect distribution: os-release says ID=%q VERSION_ID=%q; known: Debian, AlmaLinux, Rocky Linux and RHEL releases (ecosystems \"Debian:N\", \"AlmaLinux:N\", \"Rocky Linux:N\", \"Red Hat:enterprise_linux:N\")", id, ver)
	}
	if eco.majorOnly {
		ver, _, _ = strings.Cut(ver, ".")
	}
	return eco.name + ver, nil
}
