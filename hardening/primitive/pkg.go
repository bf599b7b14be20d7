package primitive

import (
	"context"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// Package requires a package to be installed (Present) or absent. Names are
// per package manager because Debian and RHEL names differ; an empty name
// for the target's manager makes the check not applicable. The check reads
// the package database once per run (dpkg status or the rpm manifest).
// Fixes join one install/purge transaction for the whole apply.
type Package struct {
	Apt     string
	Dnf     string
	Present bool
}

// Installed is a package that must be present under the same name everywhere.
func Installed(name string) Package { return Package{Apt: name, Dnf: name, Present: true} }

// Absent is a package that must not be installed under the same name everywhere.
func Absent(name string) Package { return Package{Apt: name, Dnf: name} }

func (p Package) name(m engine.PackageManager) string {
	switch m {
	case engine.PkgApt:
		return p.Apt
	case engine.PkgDnf:
		return p.Dnf
	}
	return ""
}

func (p Package) Describe() string {
	n := p.Apt
	if n == "" || (p.Dnf != "" && p.Dnf != p.Apt) {
		n = strings.Trim(p.Apt+"/"+p.Dnf, "/")
	}
	if p.Present {
		return "package " + n + " installed"
	}
	return "package " + n + " absent"
}

func (p Package) Audit(ctx context.Context, t *engine.Target) engine.Finding {
	db, err := t.Packages(ctx)
	if err != nil {
		return engine.Errorf("%v", err)
	}
	n := p.name(db.Manager)
	if n == "" {
		return engine.NotApplicable("no %s package for this rule", db.Manager)
	}
	inst := db.Installed(n)
	switch {
	case p.Present && !inst:
		return engine.Fail("package %s is not installed", n)
	case !p.Present && inst:
		return engine.Fail("package %s is installed (%s)", n, db.Versions[n])
	case p.Present:
		return engine.Pass("package %s %s installed", n, db.Versions[n])
	}
	return engine.Pass("package %s not installed", n)
}

func (p Package) Fix(ctx context.Context, t *engine.Target, pl *engine.Plan) error {
	db, err := t.Packages(ctx)
	if err != nil {
		return err
	}
	n := p.name(db.Manager)
	if n == "" {
		return nil
	}
	if p.Present {
		pl.Install(n)
	} else {
		pl.Remove(n)
	}
	return nil
}
