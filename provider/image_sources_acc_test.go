package provider

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
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
