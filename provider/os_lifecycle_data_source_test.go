package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const dsAddr = "data.hardened_os_lifecycle.test"

func expect(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New(attr), v)
}

func TestAccOSLifecycle_phases(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{ // eol, selected by a Tencent OsName with a Chinese suffix
				Config: `data "hardened_os_lifecycle" "test" { os_name = "CentOS 7.9 64位" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("family", knownvalue.StringExact("centos")),
					expect("version", knownvalue.StringExact("7")),
					expect("point_release", knownvalue.StringExact("7.9")),
					expect("phase", knownvalue.StringExact("eol")),
					expect("is_supported", knownvalue.Bool(false)),
					expect("eol_standard", knownvalue.StringExact("2024-06-30")),
					expect("eol_extended", knownvalue.Null()),
					expect("days_to_eol", knownvalue.Int64Exact(-876)),
					expect("successor", knownvalue.StringExact("rocky 9")),
					expect("successor_name", knownvalue.StringExact("Rocky Linux 9")),
					expect("recommended_successor", knownvalue.StringExact("rocky 9")),
					expect("recommended_successor_name", knownvalue.StringExact("Rocky Linux 9")),
					expect("sources", knownvalue.MapExact(map[string]knownvalue.Check{
						"ga":           knownvalue.StringExact("https://endoflife.date/centos"),
						"eol_standard": knownvalue.StringExact("https://endoflife.date/centos"),
					})),
					expect("today", knownvalue.StringExact("2026-11-23")),
					expect("reason", knownvalue.StringRegexp(regexp.MustCompile(`CentOS 7 reached end of life on 2024-06-30.*Rocky Linux 9`))),
				},
			},
			{ // approaching_eol: inside the default 180-day window
				Config: `data "hardened_os_lifecycle" "test" { os_name = "Ubuntu Server 22.04 LTS 64bit UEFI" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("phase", knownvalue.StringExact("approaching_eol")),
					expect("is_supported", knownvalue.Bool(true)),
					expect("days_to_eol", knownvalue.Int64Exact(129)),
					expect("days_to_extended_eol", knownvalue.Int64Exact(1964)),
					expect("codename", knownvalue.StringExact("jammy")),
					expect("lts", knownvalue.Bool(true)),
					expect("warn_before_eol_days", knownvalue.Int64Exact(180)),
				},
			},
			{ // extended: Debian 12 is in Debian LTS
				Config: `data "hardened_os_lifecycle" "test" {
  family  = "debian"
  version = "12.4"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("id", knownvalue.StringExact("debian/12")),
					expect("phase", knownvalue.StringExact("extended")),
					expect("is_supported", knownvalue.Bool(false)),
					expect("allow_extended_support", knownvalue.Bool(false)),
					expect("eol_extended", knownvalue.StringExact("2028-06-30")),
					expect("successor", knownvalue.StringExact("debian 13")),
				},
			},
			{ // supported
				Config: `data "hardened_os_lifecycle" "test" {
  family  = "Debian"
  version = "13"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("phase", knownvalue.StringExact("supported")),
					expect("is_supported", knownvalue.Bool(true)),
					expect("days_to_eol", knownvalue.Int64Exact(625)),
					expect("successor", knownvalue.Null()),
					expect("recommended_successor", knownvalue.Null()),
				},
			},
			{ // unknown: in the catalog without a published date
				Config: `data "hardened_os_lifecycle" "test" { os_name = "TencentOS Server 4 for x86_64" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("known", knownvalue.Bool(true)),
					expect("phase", knownvalue.StringExact("unknown")),
					expect("is_supported", knownvalue.Bool(false)),
					expect("days_to_eol", knownvalue.Null()),
				},
			},
			{ // unknown: not in the catalog at all
				Config: `data "hardened_os_lifecycle" "test" {
  family  = "ubuntu"
  version = "16.04"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("known", knownvalue.Bool(false)),
					expect("phase", knownvalue.StringExact("unknown")),
					expect("is_supported", knownvalue.Bool(false)),
				},
			},
			{ // unknown: unparseable OsName is a warning and "unknown", not an error
				Config: `data "hardened_os_lifecycle" "test" { os_name = "FreeBSD 13.2 64位" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("phase", knownvalue.StringExact("unknown")),
					expect("is_supported", knownvalue.Bool(false)),
					expect("family", knownvalue.Null()),
				},
			},
			{ // extended, and the direct successor is itself approaching its end
				Config: `data "hardened_os_lifecycle" "test" { os_name = "Ubuntu Server 18.04.1 LTS 64位" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("phase", knownvalue.StringExact("extended")),
					expect("successor", knownvalue.StringExact("ubuntu 22.04")),
					expect("recommended_successor", knownvalue.StringExact("ubuntu 24.04")),
					expect("reason", knownvalue.StringRegexp(regexp.MustCompile(`successor: Ubuntu 22.04 \(recommended: Ubuntu 24.04`))),
				},
			},
			{ // disputed row
				Config: `data "hardened_os_lifecycle" "test" { os_name = "Tencent Linux 2.4 64位" }`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("family", knownvalue.StringExact("tencentos")),
					expect("disputed", knownvalue.Bool(true)),
					expect("phase", knownvalue.StringExact("eol")),
				},
			},
		},
	})
}

func TestAccOSLifecycle_policy(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{
			{
				Config: `provider "hardened" {
  allow_extended_support = true
  warn_before_eol_days   = 90
}
data "hardened_os_lifecycle" "test" {
  family  = "debian"
  version = "12"
}
data "hardened_os_lifecycle" "ubuntu" { os_name = "Ubuntu Server 22.04 LTS 64bit UEFI" }
# Per-lookup policy beats the provider's.
data "hardened_os_lifecycle" "strict" {
  os_name                = "Debian 12.4 64位"
  allow_extended_support = false
  warn_before_eol_days   = 365
}
data "hardened_os_lifecycle" "wide" {
  os_name              = "Ubuntu Server 22.04 LTS 64bit UEFI"
  warn_before_eol_days = 130
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("phase", knownvalue.StringExact("extended")),
					expect("is_supported", knownvalue.Bool(true)),
					expect("allow_extended_support", knownvalue.Bool(true)),
					expect("warn_before_eol_days", knownvalue.Int64Exact(90)),
					statecheck.ExpectKnownValue("data.hardened_os_lifecycle.ubuntu", tfjsonpath.New("phase"), knownvalue.StringExact("supported")),
					statecheck.ExpectKnownValue("data.hardened_os_lifecycle.strict", tfjsonpath.New("is_supported"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.hardened_os_lifecycle.strict", tfjsonpath.New("warn_before_eol_days"), knownvalue.Int64Exact(365)),
					statecheck.ExpectKnownValue("data.hardened_os_lifecycle.wide", tfjsonpath.New("phase"), knownvalue.StringExact("approaching_eol")),
				},
			},
			{
				Config: `provider "hardened" {
  lifecycle_overrides = [
    { family = "TencentOS Server", version = "4", eol_standard = "2035-06-30", source = "support contract 42" },
    { family = "ubuntu", version = "28.04", eol_standard = "2033-05-31", successor = "-" },
  ]
}
data "hardened_os_lifecycle" "test" { os_name = "TencentOS Server 4 for x86_64" }
data "hardened_os_lifecycle" "added" {
  family  = "ubuntu"
  version = "28.04"
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expect("phase", knownvalue.StringExact("supported")),
					expect("eol_standard", knownvalue.StringExact("2035-06-30")),
					expect("sources", knownvalue.MapPartial(map[string]knownvalue.Check{
						"eol_standard": knownvalue.StringExact("support contract 42"),
					})),
					statecheck.ExpectKnownValue("data.hardened_os_lifecycle.added", tfjsonpath.New("known"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.hardened_os_lifecycle.added", tfjsonpath.New("phase"), knownvalue.StringExact("supported")),
				},
			},
		},
	})
}

// TestAccOSLifecycle_refresh serves endoflife.date-shaped data locally: a
// refreshed date replaces the embedded one (with the URL as its source), an
// override still wins over it, and a failing source falls back.
func TestAccOSLifecycle_refresh(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/products/ubuntu/releases/22.04":
			fmt.Fprint(w, `{"schema_version":"1.2.0","result":{"name":"22.04","isLts":true,"eolFrom":"2027-07-01","eoesFrom":"2032-04-09"}}`)
		case "/api/v1/products/rocky-linux/releases/9":
			fmt.Fprint(w, `{"result":{"name":"9","eolFrom":"2031-01-01"}}`)
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(WithHTTPClient(srv.Client())),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "hardened" {
  lifecycle_source_url = %q
  lifecycle_overrides  = [{ family = "rocky", version = "9", eol_standard = "2032-05-31", source = "pinned" }]
}
data "hardened_os_lifecycle" "test" { os_name = "Ubuntu Server 22.04 LTS 64bit UEFI" }
data "hardened_os_lifecycle" "rocky" { os_name = "Rocky Linux 9.3 64位" }
data "hardened_os_lifecycle" "debian" { os_name = "Debian 12.4 64位" }`, srv.URL),
			ConfigStateChecks: []statecheck.StateCheck{
				expect("eol_standard", knownvalue.StringExact("2027-07-01")),
				expect("phase", knownvalue.StringExact("supported")), // 220 days > 180
				expect("sources", knownvalue.MapPartial(map[string]knownvalue.Check{
					"eol_standard": knownvalue.StringExact(srv.URL + "/api/v1/products/ubuntu/releases/22.04"),
				})),
				statecheck.ExpectKnownValue("data.hardened_os_lifecycle.rocky", tfjsonpath.New("eol_standard"), knownvalue.StringExact("2032-05-31")),
				statecheck.ExpectKnownValue("data.hardened_os_lifecycle.rocky", tfjsonpath.New("sources").AtMapKey("eol_standard"), knownvalue.StringExact("pinned")),
				statecheck.ExpectKnownValue("data.hardened_os_lifecycle.debian", tfjsonpath.New("eol_standard"), knownvalue.StringExact("2026-07-11")),
			},
		}},
	})
}

func TestAccOSLifecycle_badInput(t *testing.T) {
	requireAcc(t)
	steps := []struct {
		config string
		err    []string
	}{
		{`data "hardened_os_lifecycle" "test" {
  family  = "suse"
  version = "15"
}`, []string{"Invalid family", `family: "suse" is not a known OS family; use one of ubuntu, debian, centos`}},
		{`data "hardened_os_lifecycle" "test" {
  family  = "ubuntu"
  version = "22"
}`, []string{"Invalid version", `version: malformed version "22" for ubuntu: expected YY.MM such as "22.04"`}},
		{`data "hardened_os_lifecycle" "test" {
  family  = "ubuntu"
  version = "22.04"
  os_name = "Ubuntu Server 22.04 LTS 64bit UEFI"
}`, []string{`These attributes cannot be configured together: [version,os_name]`}},
		{`data "hardened_os_lifecycle" "test" {}`, []string{"Missing Attribute Configuration", `Exactly one of these attributes must be configured: [family,os_name]`}},
		{`data "hardened_os_lifecycle" "test" { family = "debian" }`, []string{`These attributes must be configured together: [family,version]`}},
	}
	for i, s := range steps {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps:                    []resource.TestStep{{Config: s.config, ExpectError: errRe(s.err...)}},
			})
		})
	}
}
