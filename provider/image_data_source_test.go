package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func expectAt(addr, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
}

func expectPath(addr string, p tfjsonpath.Path, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, p, v)
}

// TestAccImage_catalog looks up the seeded catalog by id and checks the
// lifecycle answer for each phase.
func TestAccImage_catalog(t *testing.T) {
	e := startSim(t)
	cases := []struct {
		osName, phase, eol, recommended string
		supported                       bool
		codes                           []string
	}{
		{"CentOS 7.9 64位", "eol", "2024-06-30", "rocky 9", false, []string{"eol"}},
		{"Ubuntu Server 18.04.1 LTS 64位", "extended", "2023-05-31", "ubuntu 24.04", false, []string{"extended_support"}},
		{"Debian 10.13 64位", "eol", "", "debian 13", false, []string{"eol"}},
		{"Ubuntu Server 22.04 LTS 64位", "approaching_eol", "", "ubuntu 24.04", true, []string{"approaching_eol"}},
		{"Debian 12.4 64位", "extended", "", "debian 13", false, []string{"extended_support"}},
		{"Debian 13.1 64位", "supported", "", "", true, []string{}},
		{"Ubuntu Server 24.04 LTS 64位", "supported", "", "", true, []string{}},
		{"FreeBSD 14.0 64位", "unknown", "", "", false, []string{"unknown_os"}},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		const addr = "data.hardened_image.test"
		checks := []statecheck.StateCheck{
			expectAt(addr, "os_name", knownvalue.StringExact(c.osName)),
			expectAt(addr, "phase", knownvalue.StringExact(c.phase)),
			expectAt(addr, "is_supported", knownvalue.Bool(c.supported)),
			expectAt(addr, "recommended", knownvalue.StringExact(c.recommended)),
			expectAt(addr, "image_type", knownvalue.StringExact("PUBLIC_IMAGE")),
			expectAt(addr, "created_time", knownvalue.Null()),
			expectPath(addr, tfjsonpath.New("provenance").AtMapKey("present"), knownvalue.Bool(false)),
			expectPath(addr, tfjsonpath.New("policy").AtMapKey("allowed"), knownvalue.Bool(c.supported && c.phase != "unknown")),
		}
		codes := make([]knownvalue.Check, len(c.codes))
		for i, code := range c.codes {
			codes[i] = knownvalue.StringExact(code)
		}
		checks = append(checks, expectPath(addr, tfjsonpath.New("policy").AtMapKey("codes"), knownvalue.ListExact(codes)))
		if c.eol != "" {
			checks = append(checks, expectAt(addr, "eol_standard", knownvalue.StringExact(c.eol)))
		}
		steps = append(steps, resource.TestStep{
			Config:            e.provider() + fmt.Sprintf(`data "hardened_image" "test" { image_id = %q }`, e.id(c.osName)),
			ConfigStateChecks: checks,
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
}

// TestAccImage_filters covers most_recent ordering without creation times,
// the ambiguity error and allowed_only.
func TestAccImage_filters(t *testing.T) {
	e := startSim(t)
	const addr = "data.hardened_image.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider() + `data "hardened_image" "test" {
  os_family = "debian"
  image_type = "PUBLIC_IMAGE"
}`,
				ExpectError: regexp.MustCompile(`images in ap-guangzhou match[\s\S]*most_recent = true`),
			},
			{ // newest Debian x86_64: Debian 13.1 (UEFI and plain share 13.1; ids break the tie)
				Config: e.provider() + `data "hardened_image" "test" {
  os_family    = "debian"
  architecture = "x86_64"
  name_regex   = "64位$"
  most_recent  = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "os_name", knownvalue.StringExact("Debian 13.1 64位")),
					expectAt(addr, "image_id", knownvalue.StringExact(e.id("Debian 13.1 64位"))),
					expectAt(addr, "phase", knownvalue.StringExact("supported")),
				},
			},
			{ // os_version selects a release; approaching_eol is still allowed
				Config: e.provider() + `data "hardened_image" "test" {
  os_family    = "ubuntu"
  os_version   = "22.04"
  architecture = "x86_64"
  most_recent  = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(addr, "version", knownvalue.StringExact("22.04")),
					expectAt(addr, "lts", knownvalue.Bool(true)),
					expectAt(addr, "codename", knownvalue.StringExact("jammy")),
					expectAt(addr, "phase", knownvalue.StringExact("approaching_eol")),
					expectAt(addr, "days_to_eol", knownvalue.Int64Exact(129)),
				},
			},
			{
				Config: e.provider() + `data "hardened_image" "test" {
  os_family    = "centos"
  allowed_only = true
  most_recent  = true
}`,
				ExpectError: errRe("No image in ap-guangzhou matches", "the image policy rejects them", "CentOS"),
			},
			{
				Config:      e.provider() + `data "hardened_image" "test" { image_id = "img-zzzzzzzz" }`,
				ExpectError: regexp.MustCompile(`img-zzzzzzzz`),
			},
		},
	})
}

// TestAccImages_list pages through the whole catalog and checks the order.
func TestAccImages_list(t *testing.T) {
	e := startSim(t)
	const addr = "data.hardened_images.test"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: e.provider() + `
data "hardened_images" "all" {}
data "hardened_images" "test" {
  os_family    = "ubuntu"
  architecture = "x86_64"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				// tcsim seeds > 100 public images: more than one page.
				statecheck.ExpectKnownValue("data.hardened_images.all", tfjsonpath.New("ids"), listLongerThan(100)),
				expectPath(addr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("version"), knownvalue.StringExact("24.04")),
				expectPath(addr, tfjsonpath.New("images").AtSliceIndex(0).AtMapKey("phase"), knownvalue.StringExact("supported")),
				expectAt(addr, "ids", knownvalue.ListSizeExact(10)),
			},
		}},
	})
}
