package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func versionsAre(addr string, versions ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(versions))
	for i, v := range versions {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"version": knownvalue.StringExact(v)})
	}
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("releases"), knownvalue.ListExact(checks))
}

func TestAccOSReleases(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: `provider "hardened" {
  lifecycle_overrides = [
    { family = "ubuntu", version = "28.04", eol_standard = "2033-05-31", lts = true },
    { family = "ubuntu", version = "27.04", eol_standard = "2028-01-31" },
  ]
}
data "hardened_os_releases" "ubuntu_lts" {
  family         = "Ubuntu"
  supported_only = true
  lts_only       = true
}
data "hardened_os_releases" "debian" {
  family = "debian"
}
data "hardened_os_releases" "debian_supported" {
  family         = "debian"
  supported_only = true
}
data "hardened_os_releases" "debian_ext" {
  family                 = "debian"
  supported_only         = true
  allow_extended_support = true
}
data "hardened_os_releases" "tencentos" {
  family         = "TencentOS Server"
  supported_only = true
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				// 28.04 comes from the override; 22.04 is approaching_eol,
				// which still counts as supported.
				versionsAre("data.hardened_os_releases.ubuntu_lts", "28.04", "26.04", "24.04", "22.04"),
				statecheck.ExpectKnownValue("data.hardened_os_releases.ubuntu_lts", tfjsonpath.New("newest_version"), knownvalue.StringExact("28.04")),
				statecheck.ExpectKnownValue("data.hardened_os_releases.ubuntu_lts", tfjsonpath.New("releases").AtSliceIndex(3).AtMapKey("phase"), knownvalue.StringExact("approaching_eol")),
				versionsAre("data.hardened_os_releases.debian", "13", "12", "11", "10"),
				statecheck.ExpectKnownValue("data.hardened_os_releases.debian", tfjsonpath.New("releases").AtSliceIndex(1), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"version": knownvalue.StringExact("12"), "name": knownvalue.StringExact("Debian 12"),
					"codename": knownvalue.StringExact("bookworm"), "lts": knownvalue.Bool(true),
					"phase": knownvalue.StringExact("extended"), "is_supported": knownvalue.Bool(false),
					"eol_standard": knownvalue.StringExact("2026-07-11"), "eol_extended": knownvalue.StringExact("2028-06-30"),
					"days_to_eol": knownvalue.Int64Exact(-135),
				})),
				versionsAre("data.hardened_os_releases.debian_supported", "13"),
				versionsAre("data.hardened_os_releases.debian_ext", "13", "12"),
				// TencentOS 4 has no published date: unknown, so not listed as supported.
				versionsAre("data.hardened_os_releases.tencentos", "3"),
				statecheck.ExpectKnownValue("data.hardened_os_releases.tencentos", tfjsonpath.New("id"), knownvalue.StringExact("tencentos")),
			},
		}},
	})
}

func TestAccOSReleases_badFamily(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config:      `data "hardened_os_releases" "x" { family = "gentoo" }`,
			ExpectError: errRe("Invalid family", `family: "gentoo" is not a known OS family; use one of ubuntu`),
		}},
	})
}
