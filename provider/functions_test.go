package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// Provider-defined functions need Terraform 1.8+ (OpenTofu 1.7+, which
// reports a version above 1.8 check's floor as well).
var functionsVersionCheck = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)}

func TestAccFunctionOsStatus(t *testing.T) {
	cases := map[string]string{
		"CentOS 7.9 64位":                      "eol",
		"Ubuntu Server 22.04 LTS 64bit UEFI":  "approaching_eol",
		"Debian 12.4 64位":                     "extended",
		"Debian 13.1 64位":                     "supported",
		"TencentOS Server 4 for x86_64":       "unknown",
		"FreeBSD 13.2 64位":                    "unknown",
		"Windows Server 2019 数据中心版 64位中文版":    "supported",
		"Windows Server 2012 R2 数据中心版 64位中文版": "eol",
		"TencentOS Server 3.2 (Final)":        "supported",
		"Ubuntu Server 18.04.1 LTS 64位":       "extended",
	}
	var cfg string
	var checks []statecheck.StateCheck
	i := 0
	for name, want := range cases {
		cfg += fmt.Sprintf("output \"s%d\" {\n  value = provider::hardened::os_status(%q)\n}\n", i, name)
		checks = append(checks, statecheck.ExpectKnownOutputValue(fmt.Sprintf("s%d", i), knownvalue.StringExact(want)))
		i++
	}
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsVersionCheck,
		ProtoV6ProviderFactories: factories(),
		Steps:                    []resource.TestStep{{Config: cfg, ConfigStateChecks: checks}},
	})
}

func TestAccFunctionParseOsName(t *testing.T) {
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   functionsVersionCheck,
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: `output "os" {
  value = provider::hardened::parse_os_name("Ubuntu Server 22.04.1 LTS 64bit UEFI")
}
output "win" {
  value = provider::hardened::parse_os_name("Windows Server 2012 R2 数据中心版 64位中文版")
}
output "new" {
  value = provider::hardened::parse_os_name("Ubuntu 16.04 LTS")
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("os", knownvalue.ObjectExact(map[string]knownvalue.Check{
						"family":        knownvalue.StringExact("ubuntu"),
						"version":       knownvalue.StringExact("22.04"),
						"point_release": knownvalue.StringExact("22.04.1"),
						"name":          knownvalue.StringExact("Ubuntu 22.04"),
						"known":         knownvalue.Bool(true),
						"codename":      knownvalue.StringExact("jammy"),
						"lts":           knownvalue.Bool(true),
						"eol_standard":  knownvalue.StringExact("2027-04-01"),
						"eol_extended":  knownvalue.StringExact("2032-04-09"),
						"successor":     knownvalue.StringExact("ubuntu 24.04"),
					})),
					statecheck.ExpectKnownOutputValue("win", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"family":  knownvalue.StringExact("windows-server"),
						"version": knownvalue.StringExact("2012r2"),
						"name":    knownvalue.StringExact("Windows Server 2012 R2"),
					})),
					statecheck.ExpectKnownOutputValue("new", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"version":      knownvalue.StringExact("16.04"),
						"known":        knownvalue.Bool(false),
						"eol_standard": knownvalue.Null(),
					})),
				},
			},
			{
				Config:      `output "bad" { value = provider::hardened::parse_os_name("FreeBSD 13.2") }`,
				ExpectError: errRe(`Invalid value for "os_name" parameter: no known OS family in OsName "FreeBSD 13.2"; known families: ubuntu, debian`),
			},
			{
				Config:      `output "bad" { value = provider::hardened::parse_os_name("Ubuntu Server LTS") }`,
				ExpectError: errRe(`Invalid value for "os_name" parameter: malformed version: OsName "Ubuntu Server LTS" names ubuntu but no version such as "22.04"`),
			},
		},
	})
}
