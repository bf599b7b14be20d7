package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// sourcesSeed loads tcsim's image-sources seed: shared images (from
// 200000000002 and 200000000099), marketplace images (publishers
// 300000000003 and 300000000004) and custom images still CREATING
// (img-cr3at1ng, Debian 13.2) and CREATEFAILED (img-fa1led01, Debian 13.3).
var sourcesSeed = tcsim.WithOptions(func(o *tcsim.Options) {
	o.SeedFile = filepath.Join("..", "acctest", "tcsim", "testdata", "image-sources.json")
})

// TestAccImage_minImageState: most_recent never picks an image that is still
// CREATING or failed, although both are newer releases than the ready
// custom image; min_image_state widens the choice; an image asked for by
// id that is not ready is an error naming its state.
func TestAccImage_minImageState(t *testing.T) {
	e := startSim(t, sourcesSeed)
	ready := e.customImage("Debian 13.1 64位", "hardened-debian13-ready", nil)
	newest := func(extra string) string {
		return e.provider() + fmt.Sprintf(`data "hardened_image" "test" {
  os_family   = "debian"
  image_type  = "PRIVATE_IMAGE"
  most_recent = true
  %s
}
data "hardened_images" "all" {
  image_type = "PRIVATE_IMAGE"
  %s
}`, extra, extra)
	}
	const addr, all = "data.hardened_image.test", "data.hardened_images.all"
	ids := func(ids ...string) statecheck.StateCheck {
		want := make([]knownvalue.Check, len(ids))
		for i, id := range ids {
			want[i] = knownvalue.StringExact(id)
		}
		return statecheck.ExpectKnownValue(all, tfjsonpath.New("ids"), knownvalue.ListExact(want))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: newest(`min_image_state = "READY"`), PlanOnly: true,
				ExpectError: errRe("min_image_state", "NORMAL", "CREATING", "ANY"),
			},
			{
				Config: newest(""),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "image_id", knownvalue.StringExact(ready)),
					expectAt(addr, "image_state", knownvalue.StringExact("NORMAL")),
					ids(ready),
				},
			},
			{
				Config: newest(`min_image_state = "CREATING"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "image_id", knownvalue.StringExact("img-cr3at1ng")),
					expectAt(addr, "image_state", knownvalue.StringExact("CREATING")),
					ids("img-cr3at1ng", ready),
				},
			},
			{
				Config: newest(`min_image_state = "ANY"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "image_id", knownvalue.StringExact("img-fa1led01")),
					ids("img-fa1led01", "img-cr3at1ng", ready),
				},
			},
			{
				Config: e.provider() + `data "hardened_image" "test" { image_id = "img-cr3at1ng" }`,
				ExpectError: errRe("Image img-cr3at1ng is not ready", "img-cr3at1ng (Debian 13.2 64位) is in state CREATING",
					`below min_image_state = "NORMAL"`, "Wait until it is NORMAL"),
			},
			{
				Config:            e.provider() + "data \"hardened_image\" \"test\" {\n  image_id = \"img-fa1led01\"\n  min_image_state = \"ANY\"\n}",
				ConfigStateChecks: []statecheck.StateCheck{expectAt(addr, "image_state", knownvalue.StringExact("CREATEFAILED"))},
			},
		},
	})
}

// TestAccPolicy_imageSources: third-party marketplace images are refused
// unless their publisher is listed; allowed_image_sources restricts shared
// images to listed accounts and can require verified provenance of own
// images; warn and audit modes report the same finding.
func TestAccPolicy_imageSources(t *testing.T) {
	e := startSim(t, sourcesSeed)
	const base = "Debian 13.1 64位"
	tags, pub := signedProvenance(t, e.id(base))
	signed := e.customImage(base, "hardened-debian13-signed", tags)
	unsigned := e.customImage(base, "plain-debian13", nil)
	strict := `allowed_image_sources = {
    official          = true
    own               = true
    shared_accounts   = ["200000000002"]
    market_publishers = ["300000000003"]
  }`
	verifiedOnly := fmt.Sprintf(`trusted_keys = [%q]
  allowed_image_sources = { official = true, own = true, own_verified_only = true, market_publishers = ["300000000003"] }`, pub)
	lookup := func(id string) string {
		return fmt.Sprintf(`data "hardened_image" "test" { image_id = %q }`, id)
	}
	const dsAddr = "data.hardened_image.test"
	severity := func(s string) statecheck.StateCheck {
		return expectPath(dsAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact(s))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider() + pinConfig("img-mkt00001"), PlanOnly: true,
				ExpectError: errRe("Image img-mkt00001 is not approved", "img-mkt00001 (Ubuntu Server 24.04 LTS 64位)",
					"third-party marketplace image", "第三方非认证镜像", "publisher 300000000003", "market_publishers (none)"),
			},
			{ // unset: shared images of any account pass
				Config: e.provider() + lookup("img-sh4r3d02"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(dsAddr, "image_type", knownvalue.StringExact("SHARED_IMAGE")),
					expectAt(dsAddr, "image_creator", knownvalue.StringExact("200000000099")),
					codesAre(dsAddr),
				},
			},
			{
				Config: e.provider(strict) + pinConfig("img-sh4r3d02"), PlanOnly: true,
				ExpectError: errRe("Image img-sh4r3d02 is not approved", "img-sh4r3d02 (Ubuntu Server 24.04 LTS 64位)",
					"shared by account 200000000099", "shared_accounts (200000000002)"),
			},
			{
				Config: e.provider(`allowed_image_sources = { official = true }`) + pinConfig(unsigned), PlanOnly: true,
				ExpectError: errRe("Image "+unsigned+" is not approved", "custom image of this account", "own = true"),
			},
			{
				Config:            e.provider(strict, `mode = "warn"`) + lookup("img-mkt00002"),
				ConfigStateChecks: []statecheck.StateCheck{codesAre(dsAddr, "source_not_allowed"), severity("warning")},
			},
			{
				Config:            e.provider(strict, `mode = "audit"`) + lookup("img-mkt00002"),
				ConfigStateChecks: []statecheck.StateCheck{codesAre(dsAddr, "source_not_allowed"), severity("info")},
			},
			{
				Config:      e.provider(`allowed_image_sources = { own = true, own_verified_only = true }`) + lookup(signed),
				ExpectError: errRe("Missing trusted_keys", "own_verified_only = true needs at least one key in trusted_keys"),
			},
			{
				Config: e.provider(verifiedOnly) + pinConfig(unsigned), PlanOnly: true,
				ExpectError: errRe("Image "+unsigned+" is not approved", "without verified provenance",
					"carries no hardened provenance tags", "own_verified_only"),
			},
			{
				Config: e.provider(verifiedOnly) + pinConfig(signed) + `
resource "hardened_image_pin" "market" { image_id = "img-mkt00001" }
` + lookup("img-mkt00001"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "image_id", knownvalue.StringExact(signed)),
					expectAt("hardened_image_pin.market", "image_id", knownvalue.StringExact("img-mkt00001")),
					expectAt(dsAddr, "image_creator", knownvalue.StringExact("300000000003")),
					codesAre(dsAddr),
				},
			},
		},
	})
}

// TestAccFleetReport_policyCodes: the fleet report judges instances with the
// same policy and reports the same codes as hardened_image: an instance on a
// third-party marketplace image is unapproved (source_not_allowed), one on
// CentOS Stream is unapproved (non_lts).
func TestAccFleetReport_policyCodes(t *testing.T) {
	e := startSim(t, sourcesSeed)
	ctx := t.Context()
	want := map[string]string{"img-mkt00001": "source_not_allowed", e.id("CentOS Stream 9 64位"): "non_lts", e.id("Debian 13.1 64位"): ""}
	var ids []string
	for image := range want {
		id, err := e.client.RunInstance(ctx, tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: image, InstanceType: "S5.MEDIUM2"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	t.Cleanup(func() {
		if err := e.client.TerminateInstances(context.Background(), ids...); err != nil {
			t.Error(err)
		}
	})
	const addr = "data.hardened_fleet_report.r"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: e.provider() + `data "hardened_fleet_report" "r" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectPath(addr, tfjsonpath.New("counts").AtMapKey("unapproved"), knownvalue.Int64Exact(2)),
				expectPath(addr, tfjsonpath.New("counts").AtMapKey("ok"), knownvalue.Int64Exact(1)),
			},
			Check: func(s *terraformState) error {
				a := s.RootModule().Resources[addr].Primary.Attributes
				for i := range len(want) {
					image, code := a[fmt.Sprintf("instances.%d.image_id", i)], a[fmt.Sprintf("instances.%d.codes.0", i)]
					if code != want[image] {
						return fmt.Errorf("instance on %s: first code %q, want %q (%s)", image, code, want[image], a[fmt.Sprintf("instances.%d.reasons.0", i)])
					}
				}
				return nil
			},
		}},
	})
}
