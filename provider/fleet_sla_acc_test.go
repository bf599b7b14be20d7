package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestAccFleetReportOutOfSLA: an instance on an image whose provenance
// records a high CVE fixed 95 days ago is listed with CVE, package, fixed
// version and SLA under vulnerability_sla_days.high = 90, and not under 120.
// Runs under terraform and OpenTofu (TF_ACC_TERRAFORM_PATH).
func TestAccFleetReportOutOfSLA(t *testing.T) {
	e := startSim(t)
	tags, key := scannedProvenance(t, e.id("Debian 13.1 64位"), 1)
	img := e.customImage("Debian 13.1 64位", "hardened-debian13", tags)
	ins, err := e.client.RunInstance(t.Context(), tencent.RunInstanceInput{Zone: simRegion + "-3", ImageID: img, InstanceType: "S5.MEDIUM2"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.client.TerminateInstances(context.Background(), ins); err != nil {
			t.Error(err)
		}
	})
	if _, err := e.client.WaitInstanceState(t.Context(), ins, "RUNNING", time.Minute); err != nil {
		t.Fatal(err)
	}
	cfg := func(high int) string {
		return e.provider(fmt.Sprintf("trusted_keys = [%q]", key), fmt.Sprintf("vulnerability_sla_days = { critical = 3, high = %d }", high)) +
			`data "hardened_fleet_report" "r" {}`
	}
	const addr = "data.hardened_fleet_report.r"
	row := tfjsonpath.New("instances").AtSliceIndex(0)
	breach := row.AtMapKey("out_of_sla").AtSliceIndex(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg(90),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPath(addr, tfjsonpath.New("counts").AtMapKey("out_of_sla"), knownvalue.Int64Exact(1)),
					expectPath(addr, row.AtMapKey("instance_id"), knownvalue.StringExact(ins)),
					expectPath(addr, row.AtMapKey("group"), knownvalue.StringExact("unapproved")),
					expectPath(addr, row.AtMapKey("codes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("vulnerability_sla")})),
					expectPath(addr, breach.AtMapKey("cve"), knownvalue.StringExact("CVE-2026-1111")),
					expectPath(addr, breach.AtMapKey("package"), knownvalue.StringExact("openssl")),
					expectPath(addr, breach.AtMapKey("fixed_version"), knownvalue.StringExact("3.5.4-1~deb13u2")),
					expectPath(addr, breach.AtMapKey("severity"), knownvalue.StringExact("high")),
					expectPath(addr, breach.AtMapKey("fix_published"), knownvalue.StringExact("2026-08-20")),
					expectPath(addr, breach.AtMapKey("age_days"), knownvalue.Int64Exact(95)),
					expectPath(addr, breach.AtMapKey("sla_days"), knownvalue.Int64Exact(90)),
					expectPath(addr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("out_of_sla"), knownvalue.ListSizeExact(1)),
				},
			},
			{
				Config: cfg(120),
				ConfigStateChecks: []statecheck.StateCheck{
					expectPath(addr, tfjsonpath.New("counts").AtMapKey("out_of_sla"), knownvalue.Int64Exact(0)),
					expectPath(addr, row.AtMapKey("group"), knownvalue.StringExact("ok")),
					expectPath(addr, row.AtMapKey("out_of_sla"), knownvalue.ListSizeExact(0)),
				},
			},
		},
	})
}
