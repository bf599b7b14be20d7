package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestAccImage_familySuperseded: two builds of one image family, the first
// deprecated by the second (what the Packer builder's deprecate_previous
// does). most_recent selects the newer build even when both were created in
// the same second (the id tie-break alone would pick either); the superseded
// image is only selectable with include_deprecated, and the error without it
// says it was skipped.
func TestAccImage_familySuperseded(t *testing.T) {
	e := startSim(t)
	first := e.customImageInFamily("Debian 13.1 64位", "debian13-cis-1", "debian13-cis", nil)
	second := e.customImageInFamily("Debian 13.1 64位", "debian13-cis-2", "debian13-cis", nil)
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
			{ // hardened_images lists both: it reports, it does not select.
				Config: e.provider() + `data "hardened_images" "test" { image_family = "debian13-cis" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.hardened_images.test", "ids", knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}
