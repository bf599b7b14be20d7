// Package vulns matches the installed packages of a Debian root against an
// advisory feed in the OSV format (https://ossf.github.io/osv-schema/) and
// reports the known vulnerabilities still present, with the age of their fix.
//
// Scope of this slice: packages are read from the dpkg status database only
// (<root>/var/lib/dpkg/status); the rpm database is not read yet, so RPM-based
// roots cannot be scanned. Versions are ordered by dpkg rules through
// github.com/knqyf263/go-deb-version, and the feed is decoded with the OSV
// project's own Go bindings (github.com/ossf/osv-schema/bindings/go).
//
// The package is offline by design: the feed is a local file, directory or zip.
package vulns

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Package is one installed binary package.
type Package struct {
	Name    string // binary package name (libc6)
	Version string // installed binary version (2.36-9+deb12u3)
	// Source and SourceVersion name the source package (glibc) the binary
	// was built from: OSV Debian records are keyed by source package and
	// version, which differ from the binary ones for binNMUs ("+b1").
	Source        string
	SourceVersion string
}

// StatusPath is where dpkg keeps its database under a root.
func StatusPath(root string) string {
	return filepath.Join(root, "var", "lib", "dpkg", "status")
}

// ReadInstalled reads the installed packages of the root directory.
func ReadInstalled(root string) ([]Package, error) {
	p := StatusPath(root)
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("read installed packages: %w (only dpkg-based roots are supported; rpmdb is not read yet)", err)
	}
	defer f.Close()
	pkgs, err := ParseDpkgStatus(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", p, err)
	}
	return pkgs, nil
}

// ParseDpkgStatus parses a dpkg status file and returns the packages whose
// files are on disk, whatever the selection: "hold ok installed" (apt-mark
// hold, the packages most likely to lag behind their fixes) and "deinstall
// ok installed" count. Removed packages that left only their configuration
// files behind ("config-files", "not-installed") carry no vulnerable code
// and are skipped.
func ParseDpkgStatus(r io.Reader) ([]Package, error) {
	var pkgs []Package
	sc := bufio.NewScanner(r)
	// Description fields can be long; dpkg itself has no line limit.
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	var cur Package
	var status string
	line := 0
	flush := func() {
		if cur.Name != "" && cur.Version != "" && onDisk(status) {
			if cur.Source == "" {
				cur.Source = cur.Name
			}
			if cur.SourceVersion == "" {
				cur.SourceVersion = cur.Version
			}
			pkgs = append(pkgs, cur)
		}
		cur, status = Package{}, ""
	}
	for sc.Scan() {
		line++
		l := sc.Text()
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			continue // continuation of a multi-line field
		}
		key, val, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: %q is neither a \"Field: value\" line nor a continuation", line, l)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "Package":
			cur.Name = val
		case "Version":
			cur.Version = val
		case "Status":
			status = val
		case "Source":
			// "Source: glibc" or "Source: glibc (2.36-9)" when the source
			// version differs from the binary one.
			name, ver, hasVer := strings.Cut(val, " ")
			cur.Source = name
			if hasVer {
				cur.SourceVersion = strings.Trim(strings.TrimSpace(ver), "()")
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	flush()
	return pkgs, nil
}

// onDisk reads the state (third word) of a dpkg "want flag state" status.
func onDisk(status string) bool {
	f := strings.Fields(status)
	if len(f) != 3 {
		return false
	}
	switch f[2] {
	case "not-installed", "config-files":
		return false
	}
	return true
}

// DetectEcosystem returns the OSV ecosystem ("Debian:12") of the root from its
// /etc/os-release.
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
	if id != "debian" || ver == "" {
		return "", fmt.Errorf("detect distribution: os-release says ID=%q VERSION_ID=%q; only Debian releases (ecosystem \"Debian:N\") are supported", id, ver)
	}
	return "Debian:" + ver, nil
}
