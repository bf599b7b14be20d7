package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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
