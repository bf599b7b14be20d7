package common

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

func TestProvenanceInputVulns(t *testing.T) {
	in, err := ParseProvenanceInput([]byte(`{"profile":"debian-12","tool":"harden","version":"0.1.0",
		"summary":{"pass":3},"packages":{"sha256":"abc","updated_at":"2026-11-20T10:11:12.345Z"},
		"vulns":{"summary":{"by_severity":{"high":3,"low":1},"fixable_by_severity":{"high":2},
			"feed_date":"2026-11-19T00:00:00Z","oldest_unpatched_fix_age_days":12},
		"findings":[
			{"id":"CVE-2026-1","package":"openssl","fixed_version":"3.0.17-1~deb12u3","fixable":true,"severity":"high","fix_published":"2026-11-08T00:00:00Z"},
			{"id":"CVE-2026-2","package":"glibc","fixed_version":"2.36-9+deb12u11","fixable":true,"severity":"high"},
			{"id":"CVE-2026-3","package":"linux","fixed_version":"no fix yet","fixable":false,"severity":"high"},
			{"id":"CVE-2005-2541","package":"tar","fixed_version":"no fix yet","fixable":false,"severity":"low"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 20, 10, 11, 12, 0, time.UTC); !in.Patched().Equal(want) {
		t.Errorf("patched %v, want %v", in.Patched(), want)
	}
	v := in.ProvenanceVulns()
	if v.Fixable["high"] != 2 || v.Unfixed["high"] != 1 || v.Unfixed["low"] != 1 || v.OldestFixAgeDays != 12 || len(v.Open) != 2 {
		t.Fatalf("vulns %+v", v)
	}
	// Undated fixes sort first: their age is unknown, so they are kept.
	if v.Open[0].CVE != "CVE-2026-2" || v.Open[1].FixPublished.Format(time.DateOnly) != "2026-11-08" {
		t.Errorf("open %+v", v.Open)
	}
	s, err := provenance.Sign(provenance.Record{ProfileID: "debian-12", BaseImageID: "img-1", BuilderVersion: "b",
		BuildTime: time.Now().UTC().Truncate(time.Second), Patched: in.Patched(), Vulns: v}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tags := s.Tags()
	open, _ := base64.StdEncoding.DecodeString(tags["hardened:vulns-open-0"])
	if tags["hardened:vulns-fixable"] != "critical=0 high=2 medium=0 low=0 unknown=0" ||
		!strings.Contains(string(open), "CVE-2026-1|openssl|3.0.17-1~deb12u3|2026-11-08|high") {
		t.Fatalf("tags %v (vulns-open %q)", tags, open)
	}

	plain, err := ParseProvenanceInput([]byte(`{"profile":"debian-12"}`))
	if err != nil || plain.ProvenanceVulns() != nil || !plain.Patched().IsZero() {
		t.Fatalf("a report without a scan: %v %+v", err, plain.ProvenanceVulns())
	}
	if _, err := ParseProvenanceInput([]byte(`{"profile":"debian-12","vulns":{"summary":{}}}`)); err == nil {
		t.Fatal("a scan without a feed date was accepted")
	}
}
