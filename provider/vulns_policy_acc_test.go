package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// scannedProvenance is signed provenance of a Debian 13 build daysAgo
// (before testToday) whose scan left one fixable high vulnerability, fixed
// 95 days before testToday.
func scannedProvenance(t *testing.T, baseID string, daysAgo int) (map[string]string, string) {
	t.Helper()
	priv, pub := testSigningKey(t)
	built := testToday.AddDate(0, 0, -daysAgo)
	s, err := provenance.Sign(provenance.Record{
		ProfileID: "debian-13", Pass: 187, BaseImageID: baseID, BaseOsName: "Debian 13.1 64位",
		BuildTime: built, Patched: built.Add(-10 * time.Minute), BuilderVersion: "packer-plugin-hardened 0.1.0",
		Vulns: &provenance.Vulns{
			FeedDate: built.AddDate(0, 0, -1), Fixable: map[string]int{"high": 1}, Unfixed: map[string]int{"low": 2}, OldestFixAgeDays: 95 - daysAgo,
			Open: []provenance.OpenVuln{{CVE: "CVE-2026-1111", Package: "openssl", FixedVersion: "3.5.4-1~deb13u2", Severity: "high",
				FixPublished: testToday.AddDate(0, 0, -95)}},
		},
	}, priv)
	if err != nil {
		t.Fatal(err)
	}
	return s.Tags(), pub
}

// TestAccVulnerabilityGate: max_patch_age_days refuses an image whose
// provenance is 30 days old and accepts a fresh one; the SLA and fixable
// limits name CVE, package, fixed version and limit; hardened_image exposes
// the scan; bad limits are refused naming the attribute. Runs under
// terraform and OpenTofu (TF_ACC_TERRAFORM_PATH).
func TestAccVulnerabilityGate(t *testing.T) {
	e := startSim(t)
	base := e.id("Debian 13.1 64位")
	freshTags, freshKey := scannedProvenance(t, base, 1)
	staleTags, staleKey := scannedProvenance(t, base, 30)
	fresh := e.customImage("Debian 13.1 64位", "hardened-debian13-fresh", freshTags)
	stale := e.customImage("Debian 13.1 64位", "hardened-debian13-stale", staleTags)
	// Each step pins under a new name: an unchanged pin is not judged again
	// at plan time (refresh warns instead), so every step is a new decision.
	step := 0
	cfg := func(id string, policy ...string) string {
		step++
		keys := fmt.Sprintf("trusted_keys = [%q, %q]", freshKey, staleKey)
		return e.provider(append([]string{"require_hardened = true", keys}, policy...)...) +
			fmt.Sprintf("resource \"hardened_image_pin\" \"step%d\" {\n  image_id = %q\n}\n", step, id)
	}
	pin := func(n int) string { return fmt.Sprintf("hardened_image_pin.step%d", n) }
	const img = "data.hardened_image.test"
	vulns := func(keys ...string) tfjsonpath.Path {
		return tfjsonpathNew("provenance", append([]string{"vulnerabilities"}, keys...)...)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			// Bad limits are refused naming the attribute (first: a post-test
			// destroy runs with the last step's configuration).
			{
				Config:      cfg(fresh, "max_fixable_vulnerabilities = { severe = 0 }"),
				ExpectError: errRe("max_fixable_vulnerabilities", "severe"),
			},
			{
				Config:      cfg(fresh, "vulnerability_sla_days = { high = -1 }"),
				ExpectError: errRe("vulnerability_sla_days", "at least 0"),
			},
			{
				Config: cfg(fresh, "max_patch_age_days = 7") + fmt.Sprintf(`data "hardened_image" "test" { image_id = %q }`, fresh),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pin(3), "provenance_verified", knownvalue.Bool(true)),
					expectPath(img, tfjsonpathNew("provenance", "patched"), knownvalue.StringExact("2026-11-21T23:50:00Z")),
					expectPath(img, vulns("fixable", "high"), knownvalue.Int64Exact(1)),
					expectPath(img, vulns("fixable", "critical"), knownvalue.Int64Exact(0)),
					expectPath(img, vulns("unfixed", "low"), knownvalue.Int64Exact(2)),
					expectPath(img, vulns("feed_date"), knownvalue.StringExact("2026-11-21T00:00:00Z")),
					expectPath(img, vulns("oldest_fix_age_days"), knownvalue.Int64Exact(94)),
					expectPath(img, vulns("open").AtSliceIndex(0).AtMapKey("cve"), knownvalue.StringExact("CVE-2026-1111")),
					expectPath(img, vulns("open").AtSliceIndex(0).AtMapKey("fix_published"), knownvalue.StringExact("2026-08-20")),
				},
			},
			{
				Config: cfg(stale, "max_patch_age_days = 7"),
				ExpectError: errRe("Image "+stale+" is not approved", "its packages were last updated on 2026-10-23, 31 days ago",
					"more than max_patch_age_days = 7", "rebuild it"),
			},
			{
				Config: cfg(fresh, "vulnerability_sla_days = { critical = 3, high = 90 }"),
				ExpectError: errRe("Image "+fresh+" is not approved", "CVE-2026-1111 in package openssl (high) is fixed in version 3.5.4-1~deb13u2",
					"95 days ago, beyond vulnerability_sla_days.high = 90"),
			},
			{
				Config:      cfg(fresh, "max_fixable_vulnerabilities = { critical = 0, high = 0 }"),
				ExpectError: errRe("shipped with 1 fixable high vulnerability", "more than max_fixable_vulnerabilities.high = 0 (CVE-2026-1111 in openssl)"),
			},
			{
				Config:            cfg(fresh, "vulnerability_sla_days = { critical = 3, high = 120 }", "max_fixable_vulnerabilities = { critical = 0, high = 1 }"),
				ConfigStateChecks: []statecheck.StateCheck{expectAt(pin(7), "provenance_verified", knownvalue.Bool(true))},
			},
		},
	})
}
