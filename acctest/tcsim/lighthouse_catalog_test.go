package tcsim

import (
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// TestLighthouseCatalogMapsToLifecycle pins every seeded blueprint to the release the
// lifecycle catalog finds for its OsName/Platform, and to its phase on a fixed day, so the
// seeds keep covering what the tools must judge: supported bases, EOL ones (CentOS 7/8,
// Debian 11, Windows Server 2012 R2), extended ones (Debian 12, Ubuntu 18.04/20.04) and APP_OS blueprints judged by their base.
func TestLighthouseCatalogMapsToLifecycle(t *testing.T) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	type want struct {
		family, version string
		phase           lifecycle.Phase
	}
	wants := map[string]want{
		"Debian|13.1 64bit":      {"debian", "13", lifecycle.PhaseSupported},
		"Debian|12.4 64bit":      {"debian", "12", lifecycle.PhaseExtended},
		"Debian|11.7 64bit":      {"debian", "11", lifecycle.PhaseEOL},
		"Ubuntu|24.04 LTS 64bit": {"ubuntu", "24.04", lifecycle.PhaseSupported},
		"Ubuntu|22.04 LTS 64bit": {"ubuntu", "22.04", lifecycle.PhaseApproachingEOL},
		"Ubuntu|20.04 LTS 64bit": {"ubuntu", "20.04", lifecycle.PhaseExtended},
		"Ubuntu|18.04 LTS 64bit": {"ubuntu", "18.04", lifecycle.PhaseExtended},
		"CentOS|7.9 64bit":       {"centos", "7", lifecycle.PhaseEOL},
		"CentOS|7.6 64bit":       {"centos", "7", lifecycle.PhaseEOL},
		"CentOS|8.2 64bit":       {"centos", "8", lifecycle.PhaseEOL},
		"CentOS Stream|9 64bit":  {"centos-stream", "9", lifecycle.PhaseApproachingEOL},
		// The catalog has no published end date for OpenCloudOS 9: unknown, never "supported".
		"OpenCloudOS|9":                       {"opencloudos", "9", lifecycle.PhaseUnknown},
		"TencentOS Server|3.1 (TK4)":          {"tencentos", "3", lifecycle.PhaseSupported},
		"Rocky Linux|9.2 64bit":               {"rocky", "9", lifecycle.PhaseSupported},
		"Windows Server|2022 数据中心版 64位中文版":    {"windows-server", "2022", lifecycle.PhaseSupported},
		"Windows Server|2012 R2 数据中心版 64位中文版": {"windows-server", "2012r2", lifecycle.PhaseEOL},
		"WordPress|6.4.2":                     {"ubuntu", "22.04", lifecycle.PhaseApproachingEOL},
		"Docker CE|26.1.4":                    {"debian", "12", lifecycle.PhaseExtended},
	}
	if len(wants) != len(lhCatalog) {
		t.Fatalf("table has %d rows for %d seeded blueprints", len(wants), len(lhCatalog))
	}
	for _, s := range lhCatalog {
		key := s.title + "|" + s.version
		w, ok := wants[key]
		if !ok {
			t.Errorf("seeded blueprint %s has no row", key)
			continue
		}
		rel, id, found := cat.Parse(s.osName, s.platform)
		if !found || id.Family != w.family || id.Version != w.version {
			t.Errorf("%s: OsName %q Platform %q → %+v (in catalog: %v), want %s %s", key, s.osName, s.platform, id, found, w.family, w.version)
			continue
		}
		if got := cat.Evaluate(rel, today, lifecycle.DefaultPolicy()).Phase; got != w.phase {
			t.Errorf("%s (%s %s) on %s: phase %s, want %s", key, w.family, w.version, today.Format(time.DateOnly), got, w.phase)
		}
	}
}
