package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// TestJSONOutOfSLA: the JSON report lists, per row, the vulnerabilities
// past their SLA with CVE, package, fixed version and SLA, and counts them.
func TestJSONOutOfSLA(t *testing.T) {
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	b := policy.SLABreach{OpenVuln: provenance.OpenVuln{CVE: "CVE-2026-1111", Package: "openssl", FixedVersion: "3.5.4-1~deb13u2",
		Severity: "high", FixPublished: today.AddDate(0, 0, -95)}, AgeDays: 95, SLADays: 90}
	f := fleet.Finding{Group: fleet.GroupUnapproved, Codes: []string{policy.CodeVulnSLA}, Reasons: []string{"past SLA"}, OutOfSLA: []policy.SLABreach{b}}
	rep := &fleet.Report{Regions: []string{"ap-guangzhou"},
		Instances: []fleet.Instance{{Region: "ap-guangzhou", ID: "ins-late", Finding: f}, {Region: "ap-guangzhou", ID: "ins-fine"}},
		Counts:    fleet.Counts{Total: 2, OutOfSLA: 1, ByGroup: map[string]int{}, ByRegion: map[string]int{}}}
	var out bytes.Buffer
	if err := writeJSON(&out, rep, today); err != nil {
		t.Fatal(err)
	}
	var j jsonReport
	if err := json.Unmarshal(out.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	got := j.Instances[0].OutOfSLA
	if j.OutOfSLA != 1 || len(got) != 1 || got[0] != (jsonBreach{CVE: "CVE-2026-1111", Package: "openssl", FixedVersion: "3.5.4-1~deb13u2",
		Severity: "high", FixPublished: "2026-08-30", AgeDays: 95, SLADays: 90}) {
		t.Errorf("out_of_sla %d, first row %+v", j.OutOfSLA, got)
	}
	if j.Instances[1].OutOfSLA == nil || len(j.Instances[1].OutOfSLA) != 0 {
		t.Errorf("a row within SLA has out_of_sla %v, want []", j.Instances[1].OutOfSLA)
	}
}
