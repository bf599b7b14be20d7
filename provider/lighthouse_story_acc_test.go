package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// hardenedBlueprint captures a custom blueprint from a helper instance on
// the Debian 13 system blueprint, with signed provenance packed into its
// tags as the hardened-lighthouse builder leaves it (Lighthouse takes 10
// tags), and returns its id and the key that signed it. The blueprint is
// deleted when the test ends.
func (e *simEnv) hardenedBlueprint() (string, string) {
	e.t.Helper()
	ctx, c := e.t.Context(), e.client
	base := e.blueprint("Debian 13.1 64bit")
	priv, pub := testSigningKey(e.t)
	s, err := provenance.Sign(provenance.Record{
		ProfileID: "debian-13", ProfileVersion: "1.0.0", Pass: 187, Waived: 2, Manual: 4,
		BaseImageID: base, BaseOsName: "Debian 13.1 64bit", BaseEOL: time.Date(2028, 8, 9, 0, 0, 0, 0, time.UTC),
		BuildTime: testToday.Add(-24 * time.Hour), BuilderVersion: "packer-plugin-hardened 0.1.0", BundleVersion: "0.1.0",
	}, priv)
	if err != nil {
		e.t.Fatal(err)
	}
	tags, err := s.PackedTags(10)
	if err != nil {
		e.t.Fatal(err)
	}
	ins, err := c.CreateLighthouseInstance(ctx, tencent.CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: base, Name: "blueprint-builder"})
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() {
		if err := terminateLighthouse(context.Background(), c, ins, time.Minute); err != nil {
			e.t.Error(err)
		}
	}()
	if _, err := c.WaitLighthouseInstanceState(ctx, ins, "RUNNING", time.Minute); err != nil {
		e.t.Fatal(err)
	}
	id, err := c.CreateBlueprint(ctx, tencent.CreateBlueprintInput{InstanceID: ins, Name: "debian13-cis", Description: "hardened debian-13 1.0.0", Tags: tags})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		if err := c.DeleteBlueprints(context.Background(), id); err != nil {
			e.t.Error(err)
		}
	})
	if _, err := c.WaitBlueprintState(ctx, id, blueprintStateNormal, time.Minute); err != nil {
		e.t.Fatal(err)
	}
	return id, pub
}

// TestAccLighthouseStory is the Lighthouse variant of the demo's story
// (README "What the tests show"): with require_hardened, a plan on the
// CentOS 7.9 system blueprint fails and names the date and the release to
// move to; the newest hardened custom blueprint whose signed provenance
// verifies is selected and launched; the fleet report lists it as ok; the
// destroy leaves nothing in tcsim.
func TestAccLighthouseStory(t *testing.T) {
	e := startSim(t)
	golden, pub := e.hardenedBlueprint()
	centos := e.blueprint("CentOS 7.9 64bit")
	prov := e.provider(fmt.Sprintf("require_hardened = true\n  trusted_keys = [%q]", pub))
	const ds = "data.hardened_lighthouse_blueprint.golden"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noLighthouseLeft,
		Steps: []resource.TestStep{
			{
				Config: prov + lighthouseConfig(fmt.Sprintf("%q", centos), ""),
				ExpectError: errRe("Blueprint "+centos+" is not approved", "CentOS 7.9 64bit", "2024-06-30", "Move to Rocky Linux 9",
					"require_hardened is set but the image carries no hardened provenance tags; build it with the hardened-lighthouse Packer builder"),
			},
			{
				Config: prov + `
data "hardened_lighthouse_blueprint" "golden" {
  blueprint_type = "PRIVATE"
  os_family      = "debian"
  allowed_only   = true
  most_recent    = true
}
data "hardened_fleet_report" "r" {
  products   = ["lighthouse"]
  depends_on = [hardened_lighthouse_instance.test]
}` + lighthouseConfig(ds+".blueprint_id", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(ds, "blueprint_id", knownvalue.StringExact(golden)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("provenance").AtMapKey("verified"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("provenance").AtMapKey("profile"), knownvalue.StringExact("debian-13")),
					expectAt(lhAddr, "blueprint_id", knownvalue.StringExact(golden)),
					expectAt(lhAddr, "instance_state", knownvalue.StringExact("RUNNING")),
					expectAt(lhAddr, "phase", knownvalue.StringExact("supported")),
					statecheck.ExpectKnownValue("data.hardened_fleet_report.r", tfjsonpath.New("counts").AtMapKey("ok"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.hardened_fleet_report.r", tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("provenance"),
						knownvalue.StringRegexp(regexp.MustCompile(`^verified: debian-13, audit 187 pass / 0 fail`))),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
