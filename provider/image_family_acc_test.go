package provider

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestAccImage_familySuperseded: two builds of one image family, the first
// deprecated by the second (what the Packer builder's deprecate_previous
// does). most_recent selects the newer build even when both were created in
// the same second (the id tie-break alone would pick either); the superseded
// image is only selectable with include_deprecated, the error without it
// says it was skipped, and the fleet report names the successor of an
// instance still on it.
func TestAccImage_familySuperseded(t *testing.T) {
	e := startSim(t)
	first := e.customImageInFamily("Debian 13.1 64位", "debian13-cis-1", "debian13-cis", nil)
	second := e.customImageInFamily("Debian 13.1 64位", "debian13-cis-2", "debian13-cis", nil)
	// An instance still on the first build: the fleet report flags it once the first is superseded.
	ctx := t.Context()
	ins, err := e.client.RunInstance(ctx, tencent.RunInstanceInput{Zone: simRegion + "-3", ImageID: first, InstanceType: "S5.MEDIUM2"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.client.TerminateInstances(context.Background(), ins); err != nil {
			t.Error(err)
		}
	})
	if _, err := e.client.WaitInstanceState(ctx, ins, "RUNNING", time.Minute); err != nil {
		t.Fatal(err)
	}
	yes := true
	if err := e.client.ModifyImage(t.Context(), first, tencent.ModifyImageInput{Deprecated: &yes}); err != nil {
		t.Fatal(err)
	}
	const addr = "data.hardened_image.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider() + `data "hardened_image" "test" {
  image_family = "debian13-cis"
  most_recent  = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "image_id", knownvalue.StringExact(second)),
					expectAt(addr, "image_family", knownvalue.StringExact("debian13-cis")),
					expectAt(addr, "deprecated", knownvalue.Bool(false)),
				},
			},
			{
				Config: e.provider() + `data "hardened_image" "test" {
  image_family = "debian13-cis"
  name_regex   = "-1$"
}`,
				ExpectError: errRe("No image in ap-guangzhou matches", "1 deprecated (superseded) image(s) matched and were skipped", first,
					"include_deprecated = true"),
			},
			{
				Config: e.provider() + `data "hardened_image" "test" {
  image_family       = "debian13-cis"
  name_regex         = "-1$"
  include_deprecated = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "image_id", knownvalue.StringExact(first)),
					expectAt(addr, "deprecated", knownvalue.Bool(true)),
				},
			},
			{
				Config: e.provider() + `data "hardened_fleet_report" "r" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectPath("data.hardened_fleet_report.r", tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("superseded_by"), knownvalue.StringExact(second)),
					expectPath("data.hardened_fleet_report.r", tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("reasons"),
						knownvalue.ListPartial(map[int]knownvalue.Check{0: knownvalue.StringRegexp(regexp.MustCompile(
							`image ` + first + ` \(debian13-cis-1\) is deprecated: ` + second + ` \(debian13-cis-2\) supersedes it in image family debian13-cis; move to ` + second))})),
				},
			},
			{ // hardened_images lists both: it reports, it does not select.
				Config: e.provider() + `data "hardened_images" "test" { image_family = "debian13-cis" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.hardened_images.test", "ids", knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}
