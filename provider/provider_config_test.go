package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

const anyDS = `
data "hardened_os_lifecycle" "test" { os_name = "Debian 13.1 64位" }`

func TestAccProviderConfig_validation(t *testing.T) {
	requireAcc(t)
	key := "ed25519:" + "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=" // 44 bytes: wrong length
	cases := []struct {
		name, body string
		want       []string
	}{
		{"mode", `mode = "strict"`, []string{"Invalid Attribute Value Match", `Attribute mode value must be one of: ["enforce" "warn" "audit"], got: "strict"`}},
		{"warn days", `warn_before_eol_days = -1`, []string{"Attribute warn_before_eol_days value must be between 0 and 3650, got: -1"}},
		{"max age", `max_image_age_days = 0`, []string{"Attribute max_image_age_days value must be at least 1, got: 0"}},
		{"image id", `exceptions = [{ image_id = "ami-123", reason = "ticket 1", expires = "2027-01-01" }]`,
			[]string{"Invalid image_id", `exceptions[0].image_id: "ami-123" is not a Tencent Cloud image id`}},
		{"expires format", `exceptions = [{ image_id = "img-9qrfy1xt", reason = "ticket 1", expires = "next year" }]`,
			[]string{"Invalid expires", `exceptions[0].expires: "next year" is not a date; use YYYY-MM-DD`}},
		{"trusted key", fmt.Sprintf(`trusted_keys = [%q]`, key), []string{"Invalid trusted_keys", "is not an ed25519 public key; use PEM (BEGIN PUBLIC KEY)"}},
		{"require hardened", `require_hardened = true`, []string{"Missing trusted_keys", "require_hardened = true needs at least one key in trusted_keys"}},
		{"allowed_os family", `allowed_os = ["debian", "gentoo"]`, []string{"Invalid allowed_os", `allowed_os[1]: no known OS family in "gentoo"; use "<family>" or "<family> <version>"`}},
		{"allowed_os version", `allowed_os = ["ubuntu 24"]`, []string{"Invalid allowed_os", `malformed version "24" for ubuntu`}},
		{"source url", `lifecycle_source_url = "endoflife.date"`, []string{"Invalid lifecycle_source_url", "is not an absolute http(s) URL"}},
		{"override family", `lifecycle_overrides = [{ family = "suse", version = "15" }]`,
			[]string{"Invalid family", `lifecycle_overrides[0].family: "suse" is not a known OS family`}},
		{"override date", `lifecycle_overrides = [{ family = "ubuntu", version = "22.04", eol_standard = "2027-4-1" }]`,
			[]string{"Invalid eol_standard", `lifecycle_overrides[0].eol_standard: "2027-4-1" is not a date`}},
		{"override version", `lifecycle_overrides = [{ family = "debian", version = "13" }, { family = "ubuntu", version = "22" }]`,
			[]string{"Invalid lifecycle override version", `lifecycle_overrides[1].version: malformed version "22" for ubuntu`}},
		{"override order", `lifecycle_overrides = [{ family = "ubuntu", version = "22.04", eol_extended = "2026-01-01" }]`,
			[]string{"Invalid lifecycle override eol_extended", "extended support cannot end before standard support"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config:      "provider \"hardened\" {\n  " + c.body + "\n}\n" + anyDS,
					ExpectError: errRe(c.want...),
				}},
			})
		})
	}
}

func TestAccProviderConfig_valid(t *testing.T) {
	_, pemKey, sshForm := testKey(t)
	sshKey := strings.TrimSpace(sshForm) + " ci-signer"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`provider "hardened" {
  warn_before_eol_days   = 30
  allow_extended_support = false
  require_hardened       = true
  trusted_keys = [
    "ed25519:GxxS/3fd3L35KQKyJE+p6kBpPVbc8BpyLE3k2CvHzrE=",
    %q,
    <<-EOT
%sEOT
  ]
  max_image_age_days     = 90
  allowed_os             = ["debian 13", "Rocky Linux", "windows-server 2012 R2"]
  mode                   = "warn"
  exceptions             = [{ image_id = "img-9qrfy1xt", reason = "CHG-1234 legacy app", expires = "2026-11-23" }]
}`, sshKey, pemKey) + anyDS,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hardened_os_lifecycle.test", tfjsonpath.New("warn_before_eol_days"), knownvalue.Int64Exact(30)),
			},
		}},
	})
}

// TestAccProviderConfig_unknownValues: provider attributes that depend on a
// resource are unknown during the first plan; configuration must fall back
// to defaults instead of failing or crashing.
func TestAccProviderConfig_unknownValues(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps: []resource.TestStep{{
			Config: `resource "terraform_data" "policy" {
  input = { days = 30, mode = "audit", date = "2040-01-01" }
}
provider "hardened" {
  warn_before_eol_days = terraform_data.policy.output.days
  mode                 = terraform_data.policy.output.mode
  lifecycle_overrides  = [{ family = "tencentos", version = "4", eol_standard = terraform_data.policy.output.date }]
}` + anyDS,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hardened_os_lifecycle.test", tfjsonpath.New("phase"), knownvalue.StringExact("supported")),
			},
		}, {
			// Whole lists unknown, not just their elements.
			Config: `resource "terraform_data" "lists" {
  input = {
    exceptions = [{ image_id = "img-9qrfy1xt", reason = "CHG-1", expires = "2027-01-01" }]
    overrides  = [{ family = "tencentos", version = "4", eol_standard = "2040-01-01" }]
    keys       = ["GxxS/3fd3L35KQKyJE+p6kBpPVbc8BpyLE3k2CvHzrE="]
  }
}
provider "hardened" {
  exceptions          = terraform_data.lists.output.exceptions
  lifecycle_overrides = terraform_data.lists.output.overrides
  trusted_keys        = terraform_data.lists.output.keys
  require_hardened    = true
}` + anyDS,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hardened_os_lifecycle.test", tfjsonpath.New("phase"), knownvalue.StringExact("supported")),
			},
		}},
	})
}

// TestTodayFromEnvironment: HARDENED_TODAY pins the clock of a provider
// built without WithClock; WithClock wins over it.
func TestTodayFromEnvironment(t *testing.T) {
	t.Setenv(lifecycle.TodayEnv, "2027-04-01")
	p := New("test")().(*hardenedProvider)
	if p.clockErr != nil || lifecycle.FormatDate(p.clock()) != "2027-04-01" {
		t.Fatalf("clock from env: %v %v", p.clock(), p.clockErr)
	}
	p = New("test", WithClock(lifecycle.FixedClock(testToday)))().(*hardenedProvider)
	if lifecycle.FormatDate(p.clock()) != "2026-11-23" {
		t.Fatalf("WithClock did not win: %v", p.clock())
	}
	t.Setenv(lifecycle.TodayEnv, "")
	p = New("test")().(*hardenedProvider)
	if p.clockErr != nil || time.Since(p.clock()) > time.Minute {
		t.Fatalf("wall clock: %v %v", p.clock(), p.clockErr)
	}
}

// TestAccTodayFromEnvironmentInvalid: a malformed HARDENED_TODAY is a clear
// error at configuration, not a crash at start-up.
func TestAccTodayFromEnvironmentInvalid(t *testing.T) {
	t.Setenv(lifecycle.TodayEnv, "tomorrow")
	bad := map[string]func() (tfprotov6.ProviderServer, error){
		TypeName: providerserver.NewProtocol6WithError(New("test")()),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: bad,
		Steps: []resource.TestStep{{
			Config:      anyDS,
			ExpectError: errRe("Invalid HARDENED_TODAY", `HARDENED_TODAY="tomorrow" is not a date; use YYYY-MM-DD`),
		}},
	})
}
