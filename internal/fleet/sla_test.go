package fleet

import (
	"context"
	"crypto/ed25519"
	"slices"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// scannedImage is a custom Debian 13 image with signed provenance built a
// day before 2026-12-03 whose scan left open.
func scannedImage(t *testing.T, key ed25519.PrivateKey, id string, open ...provenance.OpenVuln) tencent.Image {
	t.Helper()
	built := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	v := &provenance.Vulns{FeedDate: built, Fixable: map[string]int{}, Unfixed: map[string]int{}, Open: open}
	for _, o := range open {
		v.Fixable[o.Severity]++
	}
	s, err := provenance.Sign(provenance.Record{ProfileID: "debian-13", Pass: 100, BaseImageID: "img-base0001", BaseOsName: "Debian 13.1 64位",
		BuildTime: built, BuilderVersion: "test", Vulns: v}, key)
	if err != nil {
		t.Fatal(err)
	}
	return tencent.Image{ID: id, OsName: "Debian 13.1 64位", Type: "PRIVATE_IMAGE", Platform: "Debian", CreatedTime: &built, Tags: s.Tags()}
}

func TestOutOfSLA(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	ring, _ := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	day := func(daysBefore int) time.Time {
		return time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -daysBefore)
	}
	openssl := provenance.OpenVuln{CVE: "CVE-2026-1111", Package: "openssl", FixedVersion: "3.5.4-1~deb13u2", Severity: "high", FixPublished: day(95)}
	curl := provenance.OpenVuln{CVE: "CVE-2026-2222", Package: "curl", FixedVersion: "8.14.1-2+deb13u1", Severity: "critical", FixPublished: day(2)}
	src := &fakeSource{region: "ap-guangzhou",
		instances: []tencent.Instance{{ID: "ins-late", ImageID: "img-late0001"}, {ID: "ins-fine", ImageID: "img-fine0001"}, {ID: "ins-none", ImageID: "img-debian13"}},
		images: map[string]tencent.Image{
			"img-late0001": scannedImage(t, key, "img-late0001", openssl, curl),
			"img-fine0001": scannedImage(t, key, "img-fine0001", curl),
			"img-debian13": pub("img-debian13", "Debian 13.1 64位"),
		}}
	for name, tc := range map[string]struct {
		sla  map[string]int
		want map[string][]string // instance → CVEs past SLA
	}{
		"high 90":    {map[string]int{"critical": 3, "high": 90}, map[string][]string{"ins-late": {"CVE-2026-1111"}}},
		"high 120":   {map[string]int{"critical": 3, "high": 120}, map[string][]string{}},
		"critical 1": {map[string]int{"critical": 1}, map[string][]string{"ins-late": {"CVE-2026-2222"}, "ins-fine": {"CVE-2026-2222"}}},
		"no SLA":     {nil, map[string][]string{}},
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := Collect(context.Background(), []Source{src}, Options{
				Judge: evaluator(t, policy.Policy{Trusted: ring, Vulns: policy.VulnPolicy{SLADays: tc.sla}})})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, in := range rep.Instances {
				for _, b := range in.OutOfSLA {
					got[in.ID] = append(got[in.ID], b.CVE)
					if b.CVE == openssl.CVE && (b.AgeDays != 95 || b.SLADays != 90 || b.Package != "openssl" || b.FixedVersion != openssl.FixedVersion) {
						t.Errorf("breach = %+v", b)
					}
				}
				if len(in.OutOfSLA) > 0 && !slices.Contains(in.Codes, policy.CodeVulnSLA) {
					t.Errorf("%s: out of SLA but codes %v lack %s", in.ID, in.Codes, policy.CodeVulnSLA)
				}
			}
			if len(got) != len(tc.want) || rep.Counts.OutOfSLA != len(tc.want) {
				t.Fatalf("out of SLA %v (count %d), want %v", got, rep.Counts.OutOfSLA, tc.want)
			}
			for id, cves := range tc.want {
				if len(got[id]) != len(cves) || got[id][0] != cves[0] {
					t.Errorf("%s: out of SLA %v, want %v", id, got[id], cves)
				}
			}
		})
	}
}
