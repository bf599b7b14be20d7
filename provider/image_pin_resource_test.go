package provider

import (
	"fmt"
	"maps"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

const pinAddr = "hardened_image_pin.test"

func pinConfig(imageID string, extra ...string) string {
	body := fmt.Sprintf("  image_id = %q\n", imageID)
	for _, x := range extra {
		body += "  " + x + "\n"
	}
	return fmt.Sprintf("resource \"hardened_image_pin\" \"test\" {\n%s}\n", body)
}

// TestAccImagePin_eolFailsPlan: the plan error names the image, its OS,
// the date and a supported successor, for each kind of unsupported OS.
func TestAccImagePin_eolFailsPlan(t *testing.T) {
	e := startSim(t)
	cases := []struct{ osName, release, date, successor string }{
		{"CentOS 7.9 64位", "CentOS 7", "2024-06-30", "Rocky Linux 9"},
		{"Ubuntu Server 18.04.1 LTS 64位", "Ubuntu 18.04", "2023-05-31", "Ubuntu 24.04"},
		{"Debian 10.13 64位", "Debian 10", "", "Debian 13"},
		{"Debian 12.4 64位", "Debian 12", "", "Debian 13"},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		id := e.id(c.osName)
		parts := []string{"Image " + id + " is not approved", id, c.osName, c.release}
		if c.date != "" {
			parts = append(parts, c.date)
		}
		parts = append(parts, "Move to "+c.successor+", which is supported")
		steps = append(steps, resource.TestStep{
			Config: e.provider() + pinConfig(id), PlanOnly: true, ExpectError: errRe(parts...),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: e.provider() + pinConfig(e.id("FreeBSD 14.0 64位")), PlanOnly: true,
		ExpectError: errRe(e.id("FreeBSD 14.0 64位"), "not one of the families", "support status is unknown", "add an exception for the image"),
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
}

// TestAccImagePin_supported creates, re-plans (empty), imports and
// overrides the policy per resource.
func TestAccImagePin_supported(t *testing.T) {
	e := startSim(t)
	debian13 := e.id("Debian 13.1 64位")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:      e.provider() + pinConfig("img-00000000"),
				ExpectError: errRe("Image not found", "img-00000000"), PlanOnly: true,
			},
			{
				Config:      e.provider() + pinConfig("ami-1234"),
				ExpectError: errRe("Invalid image_id", "expected \"img-\""), PlanOnly: true,
			},
			{
				Config: e.provider() + pinConfig(debian13, `reason = "CHG-1 golden image"`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "pinned_image_id", knownvalue.StringExact(debian13)),
					expectAt(pinAddr, "os_name", knownvalue.StringExact("Debian 13.1 64位")),
					expectAt(pinAddr, "family", knownvalue.StringExact("debian")),
					expectAt(pinAddr, "version", knownvalue.StringExact("13")),
					expectAt(pinAddr, "phase", knownvalue.StringExact("supported")),
					expectAt(pinAddr, "eol_date", knownvalue.StringRegexp(regexp.MustCompile(`^20\d\d-\d\d-\d\d$`))),
					expectAt(pinAddr, "provenance_verified", knownvalue.Bool(false)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: pinAddr, ImportState: true, ImportStateId: debian13, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"reason"},
			},
			{ // Debian 12 is in Debian LTS: allowed only with the per-resource override.
				Config: e.provider() + pinConfig(e.id("Debian 12.4 64位"), "allow_extended_support = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "phase", knownvalue.StringExact("extended")),
				},
			},
		},
	})
}

// TestAccImagePin_modesAndExceptions: warn and audit let an EOL image
// through; a valid exception allows it, an expired one fails.
func TestAccImagePin_modesAndExceptions(t *testing.T) {
	e := startSim(t)
	centos := e.id("CentOS 7.9 64位")
	exception := func(expires string) string {
		return fmt.Sprintf(`exceptions = [{ image_id = %q, reason = "CHG-7 legacy ERP until migration", expires = %q }]`, centos, expires)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:      e.provider(exception("2026-11-22")) + pinConfig(centos),
				ExpectError: errRe("Image "+centos+" is not approved", "expired on 2026-11-22", "today is 2026-11-23"), PlanOnly: true,
			},
			{
				Config:            e.provider(`mode = "warn"`) + pinConfig(centos),
				ConfigStateChecks: []statecheck.StateCheck{expectAt(pinAddr, "phase", knownvalue.StringExact("eol"))},
			},
			{
				Config:            e.provider() + pinConfig(centos, `mode = "audit"`),
				ConfigStateChecks: []statecheck.StateCheck{expectAt(pinAddr, "mode", knownvalue.StringExact("audit"))},
			},
			{
				Config: e.provider(exception("2026-12-31")) + pinConfig(centos),
			},
		},
	})
}

// TestAccImagePin_requireHardened verifies signed provenance on a custom
// image: trusted → pass; fields changed after signing → fail; signed by
// another key → fail; no provenance → fail.
func TestAccImagePin_requireHardened(t *testing.T) {
	e := startSim(t)
	base := e.id("Debian 13.1 64位")
	tags, pub := signedProvenance(t, base)
	good := e.customImage("Debian 13.1 64位", "hardened-debian13-good", tags)
	tampered := maps.Clone(tags)
	tampered[provenance.TagPrefix+provenance.FieldAuditFail] = "0"
	tampered[provenance.TagPrefix+provenance.FieldAuditPass] = "999"
	bad := e.customImage("Debian 13.1 64位", "hardened-debian13-tampered", tampered)
	otherTags, _ := signedProvenance(t, base)
	other := e.customImage("Debian 13.1 64位", "hardened-debian13-other", otherTags)
	plain := e.customImage("Debian 13.1 64位", "plain-debian13", nil)
	cfg := func(id string) string {
		return e.provider("require_hardened = true", fmt.Sprintf("trusted_keys = [%q]", pub)) + pinConfig(id)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg(good),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(pinAddr, "provenance_verified", knownvalue.Bool(true)),
					expectAt(pinAddr, "phase", knownvalue.StringExact("supported")),
				},
			},
			{Config: cfg(bad), ExpectError: errRe("Image "+bad+" is not approved", "provenance does not verify", "signature does not match")},
			{Config: cfg(other), ExpectError: errRe("Image "+other+" is not approved", "not in trusted_keys")},
			{Config: cfg(plain), ExpectError: errRe("Image "+plain+" is not approved", "no hardened provenance tags")},
			{
				Config: e.provider("require_hardened = true", fmt.Sprintf("trusted_keys = [%q]", pub)) + `
data "hardened_image" "test" {
  image_type  = "PRIVATE_IMAGE"
  tags        = { "hardened:profile" = "debian-13" }
  allowed_only = true
  most_recent = true
}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.hardened_image.test", "image_id", knownvalue.StringExact(good)),
					expectPath("data.hardened_image.test", tfjsonpathNew("provenance", "verified"), knownvalue.Bool(true)),
					expectPath("data.hardened_image.test", tfjsonpathNew("provenance", "audit_pass"), knownvalue.Int64Exact(187)),
					expectPath("data.hardened_image.test", tfjsonpathNew("provenance", "profile"), knownvalue.StringExact("debian-13")),
					expectAt("data.hardened_image.test", "created_time", knownvalue.NotNull()),
				},
			},
		},
	})
}
