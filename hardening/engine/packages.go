package engine

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// PackageManager identifies the target's package tooling.
type PackageManager string

const (
	PkgNone PackageManager = ""
	PkgApt  PackageManager = "apt"
	PkgDnf  PackageManager = "dnf"
)

// RPMManifestPath is a plain-text package list ("name version" per line) that
// fixture roots use instead of a real rpm database, which cannot be read
// without cgo (RHEL 9 stores it in SQLite).
const RPMManifestPath = "/var/lib/rpm/harden-manifest.txt"

// PackageDB is the installed package set, read once per run.
type PackageDB struct {
	Manager  PackageManager
	Source   string            // where it was read from, for details
	Versions map[string]string // name → version of installed packages
}

// Installed reports whether a package is installed.
func (db *PackageDB) Installed(name string) bool {
	_, ok := db.Versions[name]
	return ok
}

// Count is the number of installed packages.
func (db *PackageDB) Count() int { return len(db.Versions) }

// Hash is a stable sha256 over the sorted "name=version" list, recorded in
// reports so two images can be compared for their exact package set.
func (db *PackageDB) Hash() string {
	names := make([]string, 0, len(db.Versions))
	for n := range db.Versions {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s=%s\n", n, db.Versions[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Packages returns the cached package database of the target.
func (t *Target) Packages(ctx context.Context) (*PackageDB, error) {
	t.pkgOnce.Do(func() { t.pkgs, t.pkgErr = t.readPackages(ctx) })
	return t.pkgs, t.pkgErr
}

// InvalidatePackages drops the cache after a package transaction. It must
// not race with Audits (the runner calls it between phases).
func (t *Target) InvalidatePackages() {
	t.pkgOnce = sync.Once{}
	t.pkgs, t.pkgErr = nil, nil
}

// PackageManager reports which manager the target uses, judged by its files.
func (t *Target) PackageManager() PackageManager {
	switch {
	case t.Exists("/var/lib/dpkg/status"):
		return PkgApt
	case t.Exists("/var/lib/rpm") || t.Exists(RPMManifestPath) || t.Exists("/usr/lib/sysimage/rpm"):
		return PkgDnf
	}
	return PkgNone
}

func (t *Target) readPackages(ctx context.Context) (*PackageDB, error) {
	if data, err := t.ReadFile("/var/lib/dpkg/status"); err == nil {
		v, err := ParseDpkgStatus(data)
		if err != nil {
			return nil, fmt.Errorf("parse /var/lib/dpkg/status: %w", err)
		}
		return &PackageDB{Manager: PkgApt, Source: "/var/lib/dpkg/status", Versions: v}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read dpkg status: %w", err)
	}
	if data, err := t.ReadFile(RPMManifestPath); err == nil {
		v := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			ver := ""
			if len(f) > 1 {
				ver = f[1]
			}
			v[f[0]] = ver
		}
		return &PackageDB{Manager: PkgDnf, Source: RPMManifestPath, Versions: v}, nil
	}
	if t.HasCommand("rpm") {
		// One process for the whole run, not one per rule.
		out, _, err := t.Run(ctx, nil, "rpm", "-qa", "--qf", "%{NAME} %{VERSION}-%{RELEASE}\n")
		if err != nil {
			return nil, fmt.Errorf("list rpm packages: %w", err)
		}
		v := map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			if n, ver, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
				v[n] = ver
			}
		}
		return &PackageDB{Manager: PkgDnf, Source: "rpm -qa", Versions: v}, nil
	}
	return nil, fmt.Errorf("no package database under %s: want /var/lib/dpkg/status, %s or an rpm binary", t.root, RPMManifestPath)
}

// ParseDpkgStatus returns installed packages from a dpkg status file.
// Only "install ok installed" (and held) entries count; "deinstall ok
// config-files" leftovers are not installed.
func ParseDpkgStatus(data []byte) (map[string]string, error) {
	out := map[string]string{}
	var name, status, version string
	flush := func() {
		if name != "" && strings.HasSuffix(status, " installed") {
			out[name] = version
		}
		name, status, version = "", "", ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" {
			flush()
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Package":
			name = v
		case "Status":
			status = v
		case "Version":
			version = v
		}
	}
	flush()
	return out, nil
}
