// Package enginetest holds test doubles for the engine. It is imported only
// by tests: the harden bundle and the plugin never link it, so a target can
// never fall back to faking its package transaction in production.
package enginetest

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// FixtureBackend edits the text package database of a fixture root
// (/var/lib/dpkg/status, or engine.RPMManifestPath when it exists) so package
// rules can be applied and re-audited on roots without a package manager.
// Tests pass it explicitly through engine.ExecOptions.Packages.
type FixtureBackend struct{}

var _ engine.PackageBackend = FixtureBackend{}

func (FixtureBackend) Apply(_ context.Context, t *engine.Target, install, remove []string) error {
	rm := map[string]bool{}
	for _, r := range remove {
		rm[r] = true
	}
	if t.Exists(engine.RPMManifestPath) {
		return applyRPMManifest(t, install, rm)
	}
	data, err := t.ReadFile("/var/lib/dpkg/status")
	if err != nil {
		return err
	}
	stanzas := strings.Split(strings.TrimRight(string(data), "\n"), "\n\n")
	present := map[string]bool{}
	var keep []string
	for _, s := range stanzas {
		name := ""
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "Package: ") {
				name = strings.TrimSpace(l[len("Package: "):])
			}
		}
		if rm[name] || strings.TrimSpace(s) == "" {
			continue
		}
		present[name] = true
		keep = append(keep, s)
	}
	for _, i := range install {
		if !present[i] {
			keep = append(keep, fmt.Sprintf("Package: %s\nStatus: install ok installed\nVersion: 0-fixture\nArchitecture: all", i))
		}
	}
	sort.Strings(keep)
	return writeHost(t, "/var/lib/dpkg/status", strings.Join(keep, "\n\n")+"\n")
}

// applyRPMManifest rewrites the "name version" manifest of an rpm fixture.
func applyRPMManifest(t *engine.Target, install []string, rm map[string]bool) error {
	data, err := t.ReadFile(engine.RPMManifestPath)
	if err != nil {
		return err
	}
	have := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || rm[f[0]] {
			continue
		}
		have[f[0]] = strings.Join(f[1:], " ")
	}
	for _, i := range install {
		if _, ok := have[i]; !ok {
			have[i] = "0-fixture"
		}
	}
	names := make([]string, 0, len(have))
	for n := range have {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s %s\n", n, have[n])
	}
	return writeHost(t, engine.RPMManifestPath, b.String())
}

func writeHost(t *engine.Target, p, content string) error {
	hp, err := t.HostPath(p)
	if err != nil {
		return err
	}
	return os.WriteFile(hp, []byte(content), 0o644)
}
