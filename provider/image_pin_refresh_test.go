package provider

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// TestAccImagePin_becomesEOL: a pin made while Ubuntu 22.04 was supported
// is re-evaluated on refresh when the calendar moves past its end of
// standard support: state shows the new phase, the refresh warns, and the
// unchanged pin does not fail the plan (it would block unrelated changes).
// A new pin of the same image does fail.
func TestAccImagePin_becomesEOL(t *testing.T) {
	e := startSim(t)
	var today atomic.Value
	today.Store(testToday)
	clock := WithClock(func() time.Time { return today.Load().(time.Time) })
	ubuntu22 := e.id("Ubuntu Server 22.04 LTS 64位")
	cfg := e.provider() + pinConfig(ubuntu22)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(clock),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{expectAt(pinAddr, "phase", knownvalue.StringExact("approaching_eol"))},
			},
			{
				PreConfig: func() { today.Store(time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(pinAddr, plancheck.ResourceActionNoop)}},
				ConfigStateChecks: []statecheck.StateCheck{expectAt(pinAddr, "phase", knownvalue.StringExact("extended"))},
			},
			{ // a second pin of the same image is a new decision and fails
				Config: cfg + fmt.Sprintf(`resource "hardened_image_pin" "again" { image_id = %q }`, ubuntu22),
				ExpectError: errRe("Image "+ubuntu22+" is not approved", "Ubuntu 22.04 standard support ended on 2027-04-01",
					"Move to Ubuntu 24.04"),
			},
		},
	})
}

// TestAccAssumeRole: the provider exchanges its credentials for a role's
// temporary ones through STS (tcsim verifies the session token on every
// call).
func TestAccAssumeRole(t *testing.T) {
	e := startSim(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider(`assume_role = { role_arn = "qcs::cam::uin/100000000001:roleName/deployer", session_name = "terraform", session_duration = 3600 }`) +
					`data "hardened_image" "x" { image_id = "img-9qrfy1xt" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.hardened_image.x", "os_name", knownvalue.StringExact("TencentOS Server 3.2 (Final)")),
				},
				Check: func(*terraformState) error {
					if n := e.srv.Stats().Actions["AssumeRole"]; n == 0 {
						return fmt.Errorf("AssumeRole was never called")
					}
					return nil
				},
			},
			{
				Config:      e.provider(`assume_role = { role_arn = "deployer", session_name = "terraform" }`) + `data "hardened_image" "x" { image_id = "img-9qrfy1xt" }`,
				ExpectError: errRe(`role_arn "deployer" is not a role ARN`),
			},
		},
	})
}
