// Package vulns matches the installed packages of a system root against an
// advisory feed in the OSV format (https://ossf.github.io/osv-schema/) and
// reports the known vulnerabilities still present, with the age of their fix.
//
// Installed packages come from the dpkg status database
// (<root>/var/lib/dpkg/status) or from the rpm database: the sqlite
// rpmdb.sqlite of RHEL 9, Rocky 9, AlmaLinux 9 and TencentOS Server 4, the
// Berkeley DB "Packages" of older releases, or SUSE's ndb "Packages.db", under
// var/lib/rpm or usr/lib/sysimage/rpm. The rpm database is read by
// github.com/knqyf263/go-rpmdb, pure Go (sqlite through modernc.org/sqlite,
// no cgo), so a root can be scanned from any host.
//
// Versions are ordered by the ecosystem's rules: dpkg's through
// github.com/knqyf263/go-deb-version for Debian, rpm EVR through
// github.com/knqyf263/go-rpm-version for AlmaLinux, Rocky Linux, Red Hat,
// SUSE, openSUSE, openEuler, Mageia and Azure Linux. Feed records are decoded
// with github.com/valyala/fastjson, reading only the fields matching and
// reporting need (osv.go); a differential fuzz test holds that decoder to the
// OSV project's own Go bindings (github.com/ossf/osv-schema/bindings/go).
// Records of other ecosystems are skipped.
//
// The package is offline by design: the feed is a local file, directory or zip.
package vulns
