// Package catalog holds the rule definitions and profiles that the harden
// bundle embeds. Rules are plain data built from hardening/primitive.
package catalog

import "github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"

// New builds and validates the catalog.
func New() (*engine.Catalog, error) {
	return engine.NewCatalog(allRules(), allProfiles())
}

func allRules() []*engine.Rule {
	return exampleRules()
}

func allProfiles() []*engine.Profile {
	ids := func(rs []*engine.Rule) []string {
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = r.ID
		}
		return out
	}
	// Placeholder profiles so the engine works end to end; the catalog
	// replaces them with full CIS Level 1 coverage.
	var out []*engine.Profile
	for _, pl := range []engine.Platform{
		{Family: "debian", Version: "12"}, {Family: "debian", Version: "13"},
		{Family: "ubuntu", Version: "22.04"}, {Family: "ubuntu", Version: "24.04"},
		{Family: "rhel", Version: "8"}, {Family: "rhel", Version: "9"},
	} {
		out = append(out, &engine.Profile{
			ID: pl.ID(), Title: "CIS Level 1 Server, " + pl.ID(), Platform: pl,
			Benchmark: "cis-" + pl.ID(), Rules: ids(exampleRules()),
		})
	}
	return out
}
