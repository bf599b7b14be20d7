package fleet

import (
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

func TestVulnKPIs(t *testing.T) {
	today := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	ago := func(d int) time.Time { return time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -d) }
	open := func(sev string, age int) provenance.OpenVuln {
		o := provenance.OpenVuln{CVE: "CVE-2026-0001", Package: "openssl", FixedVersion: "3.5.4-1", Severity: sev}
		if age >= 0 {
			o.FixPublished = ago(age)
		}
		return o
	}
	sla := map[string]int{"critical": 3, "high": 90}
	rate := func(r float64) *float64 { return &r }
	cases := []struct {
		name                        string
		open                        []provenance.OpenVuln
		within, late, noSLA, unknow int
		rate                        *float64
		ages                        [4]int
	}{
		{name: "none open", rate: nil},
		{name: "bucket edges", open: []provenance.OpenVuln{open("critical", 3), open("critical", 4), open("high", 30), open("high", 31), open("high", 90), open("high", 91)},
			within: 4, late: 2, rate: rate(4.0 / 6), ages: [4]int{1, 2, 2, 1}},
		{name: "no SLA and no date", open: []provenance.OpenVuln{open("low", 200), open("high", -1)}, noSLA: 2, unknow: 1, ages: [4]int{0, 0, 0, 1}},
		{name: "all late", open: []provenance.OpenVuln{open("critical", 10)}, late: 1, rate: rate(0), ages: [4]int{0, 1, 0, 0}},
		{name: "fix dated tomorrow", open: []provenance.OpenVuln{{CVE: "CVE-2026-0002", Severity: "high", FixPublished: ago(-1)}}, within: 1, rate: rate(1), ages: [4]int{1, 0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := &Report{Images: []Image{
				{Region: "ap-guangzhou", ID: "img-a", Instances: []string{"ins-1", "ins-2"}, Finding: Finding{Vulns: &provenance.Vulns{Open: tc.open}}},
				{Region: "ap-guangzhou", ID: "img-none"},
			}}
			k := VulnKPIs(rep, sla, today)
			if k.ImagesScanned != 1 || k.ImagesUnscanned != 1 || len(k.Images) != 2 || k.Images[1].Scanned || k.Images[0].Instances != 2 {
				t.Fatalf("images %+v", k)
			}
			for _, got := range []VulnKPI{k.Images[0].VulnKPI, k.Fleet} {
				if got.Open != len(tc.open) || got.WithinSLA != tc.within || got.OutOfSLA != tc.late || got.NoSLA != tc.noSLA || got.UnknownAge != tc.unknow {
					t.Errorf("counts %+v", got)
				}
				if (got.TimelinessRate == nil) != (tc.rate == nil) || (tc.rate != nil && *got.TimelinessRate != *tc.rate) {
					t.Errorf("rate %v, want %v", got.TimelinessRate, tc.rate)
				}
				for i, b := range got.Ages {
					if b.Count != tc.ages[i] {
						t.Errorf("bucket %s: %d, want %d", b.Label, b.Count, tc.ages[i])
					}
				}
			}
			if k.Images[1].Open != 0 || k.Images[1].TimelinessRate != nil {
				t.Errorf("unscanned image %+v", k.Images[1])
			}
		})
	}
	// The package-level buckets are copied, never counted into.
	for _, b := range AgeBuckets {
		if b.Count != 0 {
			t.Errorf("AgeBuckets modified: %+v", AgeBuckets)
		}
	}
}
