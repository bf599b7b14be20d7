package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Acceptance tests for the bugs of issue #12 found trying the provider as a
// new user would.

// imageDS looks one image up by id.
func imageDS(id string) string {
	return fmt.Sprintf("data \"hardened_image\" \"test\" {\n  image_id = %q\n}\n", id)
}

const imageDSAddr = "data.hardened_image.test"

// TestAccNewUser_expiredException: an expired exception is a finding of
// the image it names only. It does not block configure, plans of other
// images, or destroy; for its own image it is an error in enforce, a
// warning in warn and recorded in audit.
func TestAccNewUser_expiredException(t *testing.T) {
	e := startSim(t)
	centos, debian13 := e.id("CentOS 7.9 64位"), e.id("Debian 13.1 64位")
	expired := fmt.Sprintf(`exceptions = [{ image_id = %q, reason = "CHG-7 legacy ERP", expires = "2026-11-22" }]`, centos)
	codes := func(want ...string) statecheck.StateCheck {
		c := make([]knownvalue.Check, len(want))
		for i, w := range want {
			c[i] = knownvalue.StringExact(w)
		}
		return expectPath(imageDSAddr, tfjsonpath.New("policy").AtMapKey("codes"), knownvalue.ListExact(c))
	}
	severity := func(s string) statecheck.StateCheck {
		return expectPath(imageDSAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact(s))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{ // Its own image, enforce: the plan fails naming image, OS, date and reason.
				Config: e.provider(expired) + pinConfig(centos), PlanOnly: true,
				ExpectError: errRe("Image "+centos+" is not approved", "CentOS 7.9", "CHG-7 legacy ERP", "expired on 2026-11-22", "today is 2026-11-23"),
			},
			{ // warn: a warning, the plan goes ahead.
				Config:            e.provider(expired, `mode = "warn"`) + imageDS(centos),
				ConfigStateChecks: []statecheck.StateCheck{severity("warning"), codes("eol", "exception_expired")},
			},
			{ // audit: recorded only.
				Config:            e.provider(expired, `mode = "audit"`) + imageDS(centos),
				ConfigStateChecks: []statecheck.StateCheck{severity("info"), codes("eol", "exception_expired")},
			},
			{ // Enforce, an unrelated resource and data source: plan, apply and
				// the final destroy all succeed.
				Config: e.provider(expired) + imageDS(debian13) + pinConfig(debian13) + anyDS,
				ConfigStateChecks: []statecheck.StateCheck{severity("none"), codes(),
					expectAt(pinAddr, "phase", knownvalue.StringExact("supported"))},
			},
		},
	})
}

// providerWith renders a tcsim provider block with some connection
// attributes replaced (key → raw HCL value).
func (e *simEnv) providerWith(repl map[string]string, extra ...string) string {
	out := e.provider(extra...)
	for k, v := range repl {
		re := regexp.MustCompile(`(?m)^(\s*` + regexp.QuoteMeta(k) + `\s*=\s*).*$`)
		if !re.MatchString(out) {
			e.t.Fatalf("provider block has no %s", k)
		}
		out = re.ReplaceAllString(out, "${1}"+strings.ReplaceAll(v, "$", "$$"))
	}
	return out
}

// TestAccNewUser_lookupErrorCauses: a failed image lookup is titled by its
// cause and names the attribute to fix, not "Image not found".
func TestAccNewUser_lookupErrorCauses(t *testing.T) {
	e := startSim(t)
	debian13 := e.id("Debian 13.1 64位")
	search := "data \"hardened_images\" \"test\" {\n  os_family = \"debian\"\n}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.providerWith(map[string]string{"secret_key": `"not-the-key"`}) + imageDS(debian13),
				ExpectError: errRe("Tencent Cloud credentials rejected: signature does not verify", "image_id "+debian13,
					"AuthFailure.SignatureFailure", "set secret_key (or TENCENTCLOUD_SECRET_KEY)"),
			},
			{
				Config:      e.providerWith(map[string]string{"secret_key": `"not-the-key"`}) + pinConfig(debian13),
				ExpectError: errRe("Tencent Cloud credentials rejected", "secret_key (or TENCENTCLOUD_SECRET_KEY)"),
			},
			{
				Config:      e.providerWith(map[string]string{"secret_key": `"not-the-key"`}) + search,
				ExpectError: errRe("Tencent Cloud credentials rejected", "secret_key (or TENCENTCLOUD_SECRET_KEY)"),
			},
			{
				Config:      e.providerWith(map[string]string{"secret_id": `"AKIDunknown"`}) + imageDS(debian13),
				ExpectError: errRe("unknown SecretId", "AuthFailure.SecretIdNotFound", "Set secret_id (or TENCENTCLOUD_SECRET_ID)"),
			},
			{
				Config: e.providerWith(map[string]string{"region": `"xx-nowhere"`}) + imageDS(debian13),
				ExpectError: errRe(`Unsupported region "xx-nowhere"`, "UnsupportedRegion",
					"Set region (or TENCENTCLOUD_REGION) to a Tencent Cloud region that offers CVM"),
			},
			{ // A real not-found stays "Image not found", on image_id.
				Config:      e.provider() + imageDS("img-00000000"),
				ExpectError: errRe("Image not found", "image_id img-00000000 does not exist in ap-guangzhou"),
			},
		},
	})
}

// TestAccNewUser_endpointValidation: bad endpoints fail at validate, with
// the attribute that exists (protocol), instead of after the retry budget.
func TestAccNewUser_endpointValidation(t *testing.T) {
	requireAcc(t)
	cases := []struct{ name, cvm, want string }{
		{"scheme", "http://127.0.0.1:8080", `for plain HTTP set protocol = "HTTP" in the provider block`},
		{"port", "127.0.0.1:70000", `"127.0.0.1:70000" has port "70000"; use a port between 1 and 65535`},
		{"path", "127.0.0.1:8080/v3", `without a path ("/v3")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(),
				Steps: []resource.TestStep{{
					Config:      fmt.Sprintf("provider \"hardened\" {\n  endpoints = { cvm = %q }\n}\n", c.cvm) + anyDS,
					ExpectError: errRe("Invalid cvm", "endpoints.cvm:", c.want),
				}},
			})
		})
	}
}

// TestAccNewUser_extendedSupportWarns: an image accepted only through
// allow_extended_support is reported with the end of extended support.
func TestAccNewUser_extendedSupportWarns(t *testing.T) {
	e := startSim(t)
	debian12 := e.id("Debian 12.4 64位")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: e.provider("allow_extended_support = true") + imageDS(debian12),
			ConfigStateChecks: []statecheck.StateCheck{
				expectPath(imageDSAddr, tfjsonpath.New("policy").AtMapKey("allowed"), knownvalue.Bool(true)),
				expectPath(imageDSAddr, tfjsonpath.New("policy").AtMapKey("severity"), knownvalue.StringExact("warning")),
				expectPath(imageDSAddr, tfjsonpath.New("policy").AtMapKey("codes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("extended_support")})),
				expectPath(imageDSAddr, tfjsonpath.New("policy").AtMapKey("messages"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(regexp.MustCompile(`^image ` + debian12 + ` \(Debian 12\.4 64位\) is accepted with allow_extended_support, ` +
						`but only extended \(paid/ESM/LTS\) support is left, which ends on 2028-06-30 \(in \d+ days\)\. Move to Debian 13`)),
				})),
			},
		}},
	})
}

// TestAccNewUser_launchErrorOnce: the launch error says "run instance from
// <image> in <zone>" once, followed directly by the API's answer.
func TestAccNewUser_launchErrorOnce(t *testing.T) {
	e := startSim(t)
	debian13 := e.id("Debian 13.1 64位")
	cfg := strings.Replace(instanceConfig(debian13, "replace", "web"), `"ap-guangzhou-3"`, `"ap-shanghai-2"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      e.provider() + cfg,
			ExpectError: regexp.MustCompile(`Launch instance[\s\S]*\srun instance from ` + debian13 + `\s+in\s+ap-shanghai-2:\s+tencent\s+cloud\s+RunInstances`),
		}},
		CheckDestroy: e.noInstancesLeft,
	})
}

// TestAccNewUser_mostRecentDefaultsToX86: most_recent without architecture
// picks an x86_64 build, never the ARM one of the same release (the tie
// was broken by image id before); architecture = "arm" still selects ARM.
func TestAccNewUser_mostRecentDefaultsToX86(t *testing.T) {
	e := startSim(t)
	ds := func(family, version, extra string) string {
		return fmt.Sprintf("data \"hardened_image\" \"test\" {\n  os_family = %q\n  os_version = %q\n  most_recent = true\n  %s\n}\n", family, version, extra)
	}
	var steps []resource.TestStep
	// Releases tcsim has in both architectures.
	for _, r := range [][2]string{{"debian", "13"}, {"debian", "12"}, {"debian", "11"}, {"ubuntu", "24.04"}, {"ubuntu", "22.04"}, {"ubuntu", "20.04"}} {
		steps = append(steps, resource.TestStep{
			Config:            e.provider() + ds(r[0], r[1], ""),
			ConfigStateChecks: []statecheck.StateCheck{expectAt(imageDSAddr, "architecture", knownvalue.StringExact("x86_64"))},
		})
	}
	steps = append(steps, resource.TestStep{
		Config:            e.provider() + ds("debian", "13", `architecture = "arm"`),
		ConfigStateChecks: []statecheck.StateCheck{expectAt(imageDSAddr, "os_name", knownvalue.StringExact("Debian 13.1 64位 ARM"))},
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
}
