package vulns

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Package is one installed binary package, from dpkg or rpm.
type Package struct {
	Name    string // binary package name (libc6)
	Version string // installed binary version (2.36-9+deb12u3, 1:3.0.7-24.el9)
	// Source and SourceVersion name the source package (glibc) the binary
	// was built from: OSV Debian records are keyed by source package and
	// version, which differ from the binary ones for binNMUs ("+b1"); for
	// rpm they come from the package's source rpm.
	Source        string
	SourceVersion string
}

// StatusPath is where dpkg keeps its database under a root.
func StatusPath(root string) string {
	return filepath.Join(root, "var", "lib", "dpkg", "status")
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
