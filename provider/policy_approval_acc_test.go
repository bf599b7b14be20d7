package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// Acceptance tests of the approval checks beyond the OS lifecycle (#12):
// non-LTS releases, audit results, image state and image sources.

// codesAre checks the policy.codes list of a data source or resource.
func codesAre(addr string, codes ...string) statecheck.StateCheck {
	want := make([]knownvalue.Check, len(codes))
	for i, c := range codes {
		want[i] = knownvalue.StringExact(c)
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("policy").AtMapKey("codes"), knownvalue.ListExact(want))
}

// TestAccPolicy_nonLTS: CentOS Stream 9 is supported on the test day (its
// standard support ends 2027-05-31) but is not an LTS release, so it is
// refused in enforce mode, passes with a warning in warn mode, is recorded
// in audit mode, and is approved with allow_non_lts = true.
func TestAccPolicy_nonLTS(t *testing.T) {
	e := startSim(t)
	const osName = "CentOS Stream 9 64位"
	id := e.id(osName)
	lookup := fmt.Sprintf(`data "hardened_image" "test" { image_id = %q }`, id)
	const dsAddr = "data.hardened_image.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider() + pinConfig(id), PlanOnly: true,
				ExpectError: errRe("Image "+id+" is not approved", id, osName, "CentOS Stream 9 is not a long-term-support (LTS) release",
					"standard support ends on 2027-05-31", "allow_non_lts = true"),
			},
			{
				Config: e.provider(`mode = "warn"`) + pinConfig(id) + lookup,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "phase", knownvalue.StringExact("supported")),
					expectAt(dsAddr, "lts", knownvalue.Bool(false)),
					codesAre(dsAddr, "non_lts"),
					expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact("warning")),
				},
			},
			{
				Config: e.provider(`mode = "audit"`) + lookup,
				ConfigStateChecks: []statecheck.StateCheck{
					codesAre(dsAddr, "non_lts"),
					expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("allowed"), knownvalue.Bool(false)),
					expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact("info")),
				},
			},
			{ // per resource: the override accepts it, the provider's setting still refuses it elsewhere
				Config: e.provider() + pinConfig(id, `allow_non_lts = true`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "allow_non_lts", knownvalue.Bool(true)),
					expectAt(pinAddr, "phase", knownvalue.StringExact("supported")),
				},
			},
			{
				Config: e.provider() + pinConfig(id, `allow_non_lts = false`), PlanOnly: true,
				ExpectError: errRe("Image "+id+" is not approved", "not a long-term-support (LTS) release"),
			},
			{
				Config: e.provider(`allow_non_lts = true`) + pinConfig(id) + lookup,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "image_id", knownvalue.StringExact(id)),
					codesAre(dsAddr),
					expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("allowed"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// TestAccPolicy_auditResults: a hardened image whose provenance says its own
// audit failed is not approved by default (max_audit_failures = 0), also
// without require_hardened; the limit can be raised; the independent scan
// recorded beside it is judged only with max_independent_failures.
func TestAccPolicy_auditResults(t *testing.T) {
	e := startSim(t)
	const base = "Debian 13.1 64位"
	tags, pub := signedProvenance(t, e.id(base), func(r *provenance.Record) {
		r.Fail = 2
		r.Independent = &provenance.ScanResult{Scanner: "openscap 1.3.12 ssg-debian13-ds", Pass: 190, Fail: 5}
	})
	id := e.customImage(base, "hardened-debian13-audit-failed", tags)
	trusted := fmt.Sprintf(`trusted_keys = [%q]`, pub)
	lookup := fmt.Sprintf(`data "hardened_image" "test" { image_id = %q }`, id)
	const dsAddr = "data.hardened_image.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider() + pinConfig(id), PlanOnly: true,
				ExpectError: errRe("Image "+id+" is not approved", id, "(Debian 13.1 64位)",
					"hardening audit (profile debian-13 1.0.0) failed 2 rules", "not verified", "max_audit_failures = 0"),
			},
			{
				Config: e.provider(trusted, `max_independent_failures = 3`) + pinConfig(id, `require_hardened = true`), PlanOnly: true,
				ExpectError: errRe("Image "+id+" is not approved", "failed 2 rules, more than max_audit_failures = 0",
					"independent scan (openscap 1.3.12 ssg-debian13-ds) failed 5 of 195 rules", "max_independent_failures = 3"),
			},
			{
				Config: e.provider(trusted, `mode = "warn"`, `max_independent_failures = 3`) + lookup,
				ConfigStateChecks: []statecheck.StateCheck{
					codesAre(dsAddr, "audit_failed", "independent_failed"),
					expectPath(dsAddr, tfjsonpath.New("provenance").AtMapKey("audit_fail"), knownvalue.Int64Exact(2)),
					expectPath(dsAddr, tfjsonpath.New("provenance").AtMapKey("scanner"), knownvalue.StringExact("openscap 1.3.12 ssg-debian13-ds")),
					expectPath(dsAddr, tfjsonpath.New("provenance").AtMapKey("scan_fail"), knownvalue.Int64Exact(5)),
					expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact("warning")),
				},
			},
			{
				Config: e.provider(trusted, `mode = "audit"`) + lookup,
				ConfigStateChecks: []statecheck.StateCheck{
					codesAre(dsAddr, "audit_failed"),
					expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact("info")),
				},
			},
			{
				Config: e.provider(trusted, `require_hardened = true`, `max_audit_failures = 2`, `max_independent_failures = 5`) + pinConfig(id) + lookup,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "image_id", knownvalue.StringExact(id)),
					codesAre(dsAddr),
				},
			},
		},
	})
}
