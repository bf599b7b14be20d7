package policy

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// vulnInput is a supported Debian 13 image whose verified provenance was
// built daysAgo with the given scan.
func vulnInput(t *testing.T, key ed25519.PrivateKey, ring *provenance.KeyRing, built, patched time.Time, v *provenance.Vulns) Input {
	t.Helper()
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	in := input(t, cat, "img-vulns001", "Debian 13.1 64位", lifecycle.DefaultPolicy())
	s, err := provenance.Sign(provenance.Record{
		ProfileID: "debian-13", Pass: 120, BaseImageID: "img-abcdefgh", BaseOsName: "Debian 13.1 64位",
		BuildTime: built, Patched: patched, BuilderVersion: "packer-plugin-hardened 0.1.0", Vulns: v,
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	in.Provenance = CheckProvenance(s.Tags(), ring)
	if !in.Provenance.Verified {
		t.Fatalf("test provenance does not verify: %v", in.Provenance.Err)
	}
	return in
}

func scan(open ...provenance.OpenVuln) *provenance.Vulns {
	v := &provenance.Vulns{FeedDate: today.AddDate(0, 0, -31), Fixable: map[string]int{}, Unfixed: map[string]int{"low": 2}}
	for _, o := range open {
		v.Fixable[o.Severity]++
	}
	v.Open = open
	return v
}

func TestVulnerabilityGate(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	ring, _ := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	fresh, stale := today.AddDate(0, 0, -1), today.AddDate(0, 0, -30)
	openssl := provenance.OpenVuln{CVE: "CVE-2026-1111", Package: "openssl", FixedVersion: "3.5.4-1~deb13u2", Severity: "high",
		FixPublished: today.AddDate(0, 0, -95)}
	curl := provenance.OpenVuln{CVE: "CVE-2026-2222", Package: "curl", FixedVersion: "8.14.1-2+deb13u1", Severity: "critical",
		FixPublished: today.AddDate(0, 0, -2)}
	undated := provenance.OpenVuln{CVE: "CVE-2026-3333", Package: "tar", FixedVersion: "1.35+dfsg-3.1+deb13u1", Severity: "high"}

	tests := []struct {
		name    string
		in      func() Input
		policy  VulnPolicy
		allowed bool
		codes   []string // violation codes, in order
		texts   []string // substrings of the summary
	}{
		{"no limits, stale image", func() Input { return vulnInput(t, key, ring, stale, stale, nil) }, VulnPolicy{}, true, nil, nil},
		{"fresh image passes max_patch_age_days", func() Input { return vulnInput(t, key, ring, fresh, fresh, nil) },
			VulnPolicy{MaxPatchAgeDays: 7}, true, nil, nil},
		{"30-day-old provenance is stale", func() Input { return vulnInput(t, key, ring, stale, time.Time{}, nil) },
			VulnPolicy{MaxPatchAgeDays: 7}, false, []string{CodePatchesStale},
			[]string{"it was built (its provenance has no separate patch date) on 2026-10-24, 30 days ago, more than max_patch_age_days = 7"}},
		{"patch date counts, not build date", func() Input { return vulnInput(t, key, ring, fresh, stale, nil) },
			VulnPolicy{MaxPatchAgeDays: 7}, false, []string{CodePatchesStale}, []string{"its packages were last updated on 2026-10-24"}},
		{"no provenance", func() Input {
			in := vulnInput(t, key, ring, fresh, fresh, nil)
			in.Provenance = Provenance{}
			return in
		}, VulnPolicy{MaxPatchAgeDays: 7}, false, []string{CodePatchesStale}, []string{"carries none that can be read"}},
		{"limits without a scan", func() Input { return vulnInput(t, key, ring, fresh, fresh, nil) },
			VulnPolicy{MaxFixable: map[string]int{"critical": 0}}, false, []string{CodeNoVulnScan}, []string{"vulns_feed"}},
		{"clean scan passes every limit", func() Input { return vulnInput(t, key, ring, fresh, fresh, scan()) },
			VulnPolicy{MaxPatchAgeDays: 7, MaxFixable: map[string]int{"critical": 0, "high": 0}, SLADays: map[string]int{"critical": 3, "high": 90}}, true, nil, nil},
		{"fixable above the cap", func() Input { return vulnInput(t, key, ring, fresh, fresh, scan(openssl, curl)) },
			VulnPolicy{MaxFixable: map[string]int{"critical": 0, "high": 1}}, false, []string{CodeFixableVulns},
			[]string{"1 fixable critical vulnerability at build time (feed of 2026-10-23), more than max_fixable_vulnerabilities.critical = 0 (CVE-2026-2222 in curl)"}},
		{"SLA breach names CVE, package, fixed version and SLA", func() Input { return vulnInput(t, key, ring, fresh, fresh, scan(openssl, curl, undated)) },
			VulnPolicy{SLADays: map[string]int{"critical": 3, "high": 90}}, false, []string{CodeVulnSLA},
			[]string{"CVE-2026-1111 in package openssl (high) is fixed in version 3.5.4-1~deb13u2, published 2026-08-20, 95 days ago, beyond vulnerability_sla_days.high = 90"}},
		{"SLA without that severity", func() Input { return vulnInput(t, key, ring, fresh, fresh, scan(openssl)) },
			VulnPolicy{SLADays: map[string]int{"critical": 3}}, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(tt.in(), Policy{Vulns: tt.policy}, today)
			var codes []string
			for _, r := range d.Violations() {
				codes = append(codes, r.Code)
			}
			if d.Allowed != tt.allowed || strings.Join(codes, ",") != strings.Join(tt.codes, ",") {
				t.Fatalf("allowed %v codes %v, want %v %v\n%s", d.Allowed, codes, tt.allowed, tt.codes, d.Summary())
			}
			for _, s := range tt.texts {
				if !strings.Contains(d.Summary(), s) {
					t.Errorf("summary lacks %q:\n%s", s, d.Summary())
				}
			}
			if !tt.allowed && !strings.Contains(d.Summary(), "image img-vulns001 (Debian 13.1 64位)") {
				t.Errorf("findings must name the image:\n%s", d.Summary())
			}
		})
	}
}

func TestSLAFindingsAreCapped(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	ring, _ := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	var open []provenance.OpenVuln
	for i := 0; i < 14; i++ {
		open = append(open, provenance.OpenVuln{CVE: fmt.Sprintf("CVE-2026-%04d", i), Package: "linux", FixedVersion: "6.12.57-1",
			Severity: "critical", FixPublished: today.AddDate(0, 0, -10-i)})
	}
	in := vulnInput(t, key, ring, today, today, scan(open...))
	d := Evaluate(in, Policy{Vulns: VulnPolicy{SLADays: map[string]int{"critical": 3}}}, today)
	v := d.Violations()
	if len(v) != maxSLAReasons+1 || !strings.Contains(v[len(v)-1].Message, "4 more fixable vulnerabilities") ||
		!strings.Contains(v[0].Message, "CVE-2026-0013") {
		t.Fatalf("%d violations:\n%s", len(v), d.Summary())
	}
}
