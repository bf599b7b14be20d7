package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestVulnsKPI: against tcsim, an instance on a signed image whose
// provenance lists open vulnerabilities (one past its SLA, one within, one
// without an SLA) gets the KPI report as JSON and as a self-contained HTML
// page; a table format is refused naming --format.
func TestVulnsKPI(t *testing.T) {
	s := startSim(t, "ap-guangzhou")
	kp, err := provenance.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := provenance.ParsePrivateKey(kp.PrivatePEM)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d } // today is 2026-12-03 (s.env)
	vulns := &provenance.Vulns{FeedDate: day("2026-11-29"), Fixable: map[string]int{"critical": 1, "high": 1, "low": 1}, OldestFixAgeDays: 30,
		Open: []provenance.OpenVuln{
			{CVE: "CVE-2026-1001", Package: "openssl", FixedVersion: "3.5.4-1~deb13u2", Severity: "critical", FixPublished: day("2026-11-25")}, // 8 days, SLA 3
			{CVE: "CVE-2026-1002", Package: "curl", FixedVersion: "8.14.1-2+deb13u1", Severity: "high", FixPublished: day("2026-11-02")},       // 31 days, SLA 90
			{CVE: "CVE-2026-1003", Package: "zlib1g", FixedVersion: "1:1.3.dfsg-4", Severity: "low", FixPublished: day("2026-11-30")},          // 3 days, no SLA
		}}
	signed, err := provenance.Sign(provenance.Record{ProfileID: "debian-13", ProfileVersion: "1.0.0", Pass: 187,
		BaseImageID: s.images["Debian 13.1 64位"], BaseOsName: "Debian 13.1 64位", BuildTime: day("2026-11-29"),
		BuilderVersion: "packer-plugin-hardened 0.1.0", Vulns: vulns}, priv)
	if err != nil {
		t.Fatal(err)
	}
	img := s.customImage(t, "debian13-cis-vulns", "debian13-cis", signed.Tags())
	if _, err := s.client.RunInstance(t.Context(), tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: img, InstanceType: "S5.MEDIUM2"}); err != nil {
		t.Fatal(err)
	}
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 1) // public image: no scan
	pol := filepath.Join(t.TempDir(), "policy.hcl")
	if err := os.WriteFile(pol, []byte("trusted_keys = [\""+strings.TrimSpace(kp.PublicSSH)+"\"]\nvulnerability_sla_days = { critical = 3, high = 90 }\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	r := runCLI(t, s.env(), false, "vulns", "--policy", pol, "--quiet")
	var j jsonKPIReport
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil || r.code != exitOK {
		t.Fatalf("exit %d: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if j.Today != "2026-12-03" || j.ImagesScanned != 1 || j.ImagesUnscanned != 1 || len(j.Images) != 2 {
		t.Fatalf("report %+v", j)
	}
	f := j.Fleet
	ages := []int{}
	for _, b := range f.Ages {
		ages = append(ages, b.Count)
	}
	if f.Open != 3 || f.WithinSLA != 1 || f.OutOfSLA != 1 || f.NoSLA != 1 || f.TimelinessRate == nil || *f.TimelinessRate != 0.5 ||
		!slices.Equal(ages, []int{1, 1, 1, 0}) {
		t.Errorf("fleet KPI %+v, ages %v; want 3 open, 1 within, 1 out, rate 0.5, ages 1,1,1,0", f, ages)
	}
	for _, im := range j.Images {
		if im.ID == img && (!im.Scanned || im.OutOfSLA != 1 || im.Instances != 1) || im.ID != img && (im.Scanned || im.TimelinessRate != nil) {
			t.Errorf("image row %+v", im)
		}
	}

	r = runCLI(t, s.env(), false, "vulns", "--policy", pol, "--format", "html", "--quiet")
	for _, want := range []string{"<svg ", "<strong>50.0%</strong>", ">31-90</text>", "1 within, 1 out of SLA"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("html lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "<script") || strings.Contains(r.stdout, "https://") {
		t.Errorf("html is not self-contained:\n%s", r.stdout)
	}

	r = runCLI(t, s.env(), false, "vulns", "--format", "table", "--quiet")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--format json or --format html") {
		t.Errorf("vulns --format table: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestVulnsHTML: image names from the cloud account are escaped, and a
// fleet without open vulnerabilities draws empty bars (no division by zero)
// and says n/a for the rate.
func TestVulnsHTML(t *testing.T) {
	cases := []struct {
		name string
		ages []int
		want []string
	}{
		{name: "nothing open", ages: []int{0, 0, 0, 0}, want: []string{`height="0"`, "<strong>n/a</strong>"}},
		{name: "tallest bar is full height", ages: []int{2, 1, 0, 0}, want: []string{`y="20" width="60" height="160"`, `height="80"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := fleet.KPIReport{Fleet: fleet.VulnKPI{Ages: append([]fleet.AgeBucket(nil), fleet.AgeBuckets...)},
				Images: []fleet.ImageKPI{{ID: "img-1", Name: `<script>alert(1)</script>`}}}
			for i, n := range tc.ages {
				k.Fleet.Ages[i].Count = n
			}
			var out bytes.Buffer
			if err := writeVulns(&out, "html", k); err != nil {
				t.Fatal(err)
			}
			for _, want := range append(tc.want, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				if !strings.Contains(out.String(), want) {
					t.Errorf("html lacks %q:\n%s", want, out.String())
				}
			}
			if strings.Contains(out.String(), "<script>") {
				t.Errorf("image name not escaped:\n%s", out.String())
			}
		})
	}
}
