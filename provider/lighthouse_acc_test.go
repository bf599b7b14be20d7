package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

const lhAddr = "hardened_lighthouse_instance.test"

// blueprint returns the id of the seeded PURE_OS blueprint osName.
func (e *simEnv) blueprint(osName string) string {
	e.t.Helper()
	list, err := e.client.ListBlueprints(e.t.Context(), []tencent.Filter{{Name: "blueprint-type", Values: []string{"PURE_OS"}}})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, b := range list {
		if b.OsName == osName {
			return b.ID
		}
	}
	e.t.Fatalf("tcsim has no PURE_OS blueprint %q", osName)
	return ""
}

// noLighthouseLeft is a CheckDestroy: tcsim must hold no Lighthouse
// instance at all (terminated ones are removed from its state).
func (e *simEnv) noLighthouseLeft(*terraformState) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ins := e.srv.Resources(simRegion).Lighthouse.Instances
		if len(ins) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("lighthouse instances left in tcsim: %v", ins)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Firewalls for lighthouseConfig's extra.
const (
	fwSSH   = `firewall_rules = [{ protocol = "TCP", port = "22", cidr_block = "198.18.0.0/24", action = "ACCEPT", description = "ssh from the office" }]`
	fwHTTPS = `firewall_rules = [{ protocol = "TCP", port = "443", cidr_block = "0.0.0.0/0", action = "ACCEPT" }]`
)

// onlyLighthouseInstance is the id of the one Lighthouse instance in tcsim.
func (e *simEnv) onlyLighthouseInstance() string {
	e.t.Helper()
	for id := range e.srv.Resources(simRegion).Lighthouse.Instances {
		return id
	}
	e.t.Fatal("no lighthouse instance in tcsim")
	return ""
}

func lighthouseConfig(blueprint, extra string) string {
	return fmt.Sprintf(`
resource "hardened_lighthouse_instance" "test" {
  blueprint_id = %s
  bundle_id    = "bundle2022_gen_01"
  zone         = "ap-guangzhou-3"
  name         = "web-1"
  tags         = { owner = "acc-test" }
  timeouts     = { create = "2m", update = "2m", delete = "2m" }
  %s
}
`, blueprint, extra)
}

// TestAccLighthouseInstance_lifecycle: the newest supported Debian
// blueprint found by the data source, created and RUNNING, an empty
// re-plan, import, destroy leaving nothing in tcsim.
func TestAccLighthouseInstance_lifecycle(t *testing.T) {
	e := startSim(t, tcsim.WithDelays(tcsim.UniformDelays(200*time.Millisecond)))
	debian13 := e.blueprint("Debian 13.1 64bit")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noLighthouseLeft,
		Steps: []resource.TestStep{
			{
				Config: e.provider() + `
data "hardened_lighthouse_blueprint" "debian" {
  os_family      = "debian"
  blueprint_type = "PURE_OS"
  allowed_only   = true
  most_recent    = true
}` + lighthouseConfig("data.hardened_lighthouse_blueprint.debian.blueprint_id", fwSSH),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.hardened_lighthouse_blueprint.debian", "blueprint_id", knownvalue.StringExact(debian13)),
					expectAt(lhAddr, "blueprint_id", knownvalue.StringExact(debian13)),
					expectAt(lhAddr, "instance_state", knownvalue.StringExact("RUNNING")),
					expectAt(lhAddr, "os_name", knownvalue.StringExact("Debian 13.1 64bit")),
					expectAt(lhAddr, "phase", knownvalue.StringExact("supported")),
					expectAt(lhAddr, "bundle_id", knownvalue.StringExact("bundle2022_gen_01")),
					expectAt(lhAddr, "zone", knownvalue.StringExact("ap-guangzhou-3")),
					expectAt(lhAddr, "region", knownvalue.StringExact(simRegion)),
					statecheck.ExpectKnownValue(lhAddr, tfjsonpath.New("firewall_rules"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"protocol": knownvalue.StringExact("TCP"), "port": knownvalue.StringExact("22"),
							"cidr_block": knownvalue.StringExact("198.18.0.0/24"), "action": knownvalue.StringExact("ACCEPT"),
							"description": knownvalue.StringExact("ssh from the office")}),
					})),
					statecheck.ExpectKnownValue(lhAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"owner": knownvalue.StringExact("acc-test")})),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraformState) error {
					if n := len(e.srv.Resources(simRegion).Lighthouse.Instances); n != 1 {
						return fmt.Errorf("%d lighthouse instances in tcsim, want 1", n)
					}
					return nil
				},
			},
			{
				ResourceName: lhAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{ // the firewall changes in place
				Config: e.provider() + fmt.Sprintf(`data "hardened_lighthouse_blueprint" "debian" { blueprint_id = %q }`, debian13) +
					lighthouseConfig("data.hardened_lighthouse_blueprint.debian.blueprint_id", fwHTTPS),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(lhAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(lhAddr, tfjsonpath.New("firewall_rules"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"port": knownvalue.StringExact("443"), "action": knownvalue.StringExact("ACCEPT")}),
					})),
				},
				Check: func(*terraformState) error {
					rules, err := e.client.LighthouseFirewallRules(t.Context(), e.onlyLighthouseInstance())
					if err != nil || len(rules) != 1 || rules[0].Port != "443" || rules[0].CIDR != "0.0.0.0/0" {
						return fmt.Errorf("tcsim firewall %+v (%v), want only TCP 443 from 0.0.0.0/0", rules, err)
					}
					return nil
				},
			},
		},
	})
}

// TestAccLighthouseInstance_eolBlueprintFailsPlan: an EOL blueprint fails
// the plan naming the blueprint, its OS, the date and the successor, and
// CreateInstances is never sent.
func TestAccLighthouseInstance_eolBlueprintFailsPlan(t *testing.T) {
	e := startSim(t)
	centos := e.blueprint("CentOS 7.9 64bit")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noLighthouseLeft,
		Steps: []resource.TestStep{
			{
				Config: e.provider() + lighthouseConfig(fmt.Sprintf("%q", centos), ""),
				ExpectError: errRe("Blueprint "+centos+" is not approved", "blueprint "+centos+" (CentOS 7.9 64bit) is not allowed",
					"2024-06-30", "Move to Rocky Linux 9"),
			},
			{
				Config: e.provider() + fmt.Sprintf(`data "hardened_lighthouse_blueprint" "c" { blueprint_id = %q }`, centos),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt("data.hardened_lighthouse_blueprint.c", "phase", knownvalue.StringExact("eol")),
					expectAt("data.hardened_lighthouse_blueprint.c", "eol_standard", knownvalue.StringExact("2024-06-30")),
					expectAt("data.hardened_lighthouse_blueprint.c", "recommended", knownvalue.StringExact("rocky 9")),
					statecheck.ExpectKnownValue("data.hardened_lighthouse_blueprint.c", tfjsonpath.New("policy").AtMapKey("codes"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("eol")})),
					statecheck.ExpectKnownValue("data.hardened_lighthouse_blueprint.c", tfjsonpath.New("policy").AtMapKey("allowed"), knownvalue.Bool(false)),
				},
				Check: func(*terraformState) error {
					if n := e.srv.Stats().Actions["CreateInstances"]; n != 0 {
						return fmt.Errorf("CreateInstances called %d times for an EOL blueprint", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccLighthouseBlueprints_search: the list data source reports every
// matching NORMAL blueprint with its status, newest first.
func TestAccLighthouseBlueprints_search(t *testing.T) {
	e := startSim(t)
	const ds = "data.hardened_lighthouse_blueprints.ubuntu"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: e.provider() + `
data "hardened_lighthouse_blueprints" "ubuntu" {
  os_family      = "ubuntu"
  blueprint_type = "PURE_OS"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("blueprints").AtSliceIndex(0).AtMapKey("os_name"),
					knownvalue.StringExact("Ubuntu Server 24.04 LTS 64bit")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("blueprints").AtSliceIndex(0).AtMapKey("phase"), knownvalue.StringExact("supported")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("blueprints").AtSliceIndex(3).AtMapKey("os_name"),
					knownvalue.StringExact("Ubuntu Server 18.04.1 LTS 64bit")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("ids"), knownvalue.ListSizeExact(4)),
			},
		}},
	})
}

// TestAccLighthouseInstance_createTimeoutCleansUp: an instance that does
// not reach RUNNING within the create timeout is terminated again, so
// nothing is left in tcsim.
func TestAccLighthouseInstance_createTimeoutCleansUp(t *testing.T) {
	e := startSim(t, tcsim.WithDelays(tcsim.Delays{Launch: 8 * time.Second}))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noLighthouseLeft,
		Steps: []resource.TestStep{{
			Config: e.provider() + fmt.Sprintf(`
resource "hardened_lighthouse_instance" "test" {
  blueprint_id = %q
  bundle_id    = "bundle2022_gen_01"
  timeouts     = { create = "2s" }
}`, e.blueprint("Debian 13.1 64bit")),
			ExpectError: errRe("did not reach RUNNING"),
		}, {
			PreConfig: func() {
				if err := e.noLighthouseLeft(nil); err != nil {
					t.Error(err)
				}
			},
			Config: e.provider() + `data "hardened_lighthouse_blueprints" "all" {}`,
		}},
	})
}

// TestAccLighthouseInstance_lostCreateAnswers: CreateInstances acted but
// every answer was lost; the failed create finds the instance by its
// launch tag and terminates it.
func TestAccLighthouseInstance_lostCreateAnswers(t *testing.T) {
	e := startSim(t)
	lossy := WithTencentConfig(func(c *tencent.Config) {
		fastClient(c)
		c.MaxRetries = 2
		c.HTTPClient = &http.Client{Transport: lossyTransport{base: http.DefaultTransport, action: "CreateInstances"}}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(lossy),
		CheckDestroy:             e.noLighthouseLeft,
		Steps: []resource.TestStep{{
			Config:      e.provider() + lighthouseConfig(fmt.Sprintf("%q", e.blueprint("Debian 13.1 64bit")), ""),
			ExpectError: errRe("Create Lighthouse instance", "failed after 3 attempts"),
		}, {
			PreConfig: func() {
				if n := e.srv.Stats().Actions["CreateInstances"]; n < 2 {
					t.Errorf("CreateInstances reached the API %d times; the test needs the retries", n)
				}
				if err := e.noLighthouseLeft(nil); err != nil {
					t.Errorf("the half-created instance was left: %v", err)
				}
			},
			Config: e.provider() + `data "hardened_lighthouse_blueprints" "all" {}`,
		}},
	})
}

// TestAccFleetReport_lighthouse: products = ["cvm", "lighthouse"] reports
// Lighthouse instances and their blueprints beside CVM instances, judged
// like images; the default stays CVM only.
func TestAccFleetReport_lighthouse(t *testing.T) {
	e := startSim(t)
	ctx := t.Context()
	cvmID, err := e.client.RunInstance(ctx, tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: e.id("Debian 13.1 64位"), InstanceType: "S5.MEDIUM2"})
	if err != nil {
		t.Fatal(err)
	}
	var lh []string
	for _, osName := range []string{"CentOS 7.9 64bit", "CentOS 7.9 64bit", "Debian 13.1 64bit"} {
		id, err := e.client.CreateLighthouseInstance(ctx, tencent.CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: e.blueprint(osName)})
		if err != nil {
			t.Fatal(err)
		}
		lh = append(lh, id)
	}
	t.Cleanup(func() {
		if err := e.client.TerminateInstances(context.Background(), cvmID); err != nil {
			t.Error(err)
		}
		if err := e.client.TerminateLighthouseInstances(context.Background(), lh...); err != nil {
			t.Error(err)
		}
	})
	for _, id := range lh {
		if _, err := e.client.WaitLighthouseInstanceState(ctx, id, "RUNNING", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	centos := e.blueprint("CentOS 7.9 64bit")
	const addr = "data.hardened_fleet_report.r"
	count := func(group string, n int64) statecheck.StateCheck {
		return expectPath(addr, tfjsonpath.New("counts").AtMapKey(group), knownvalue.Int64Exact(n))
	}
	row := func(list string, i int, key string, want knownvalue.Check) statecheck.StateCheck {
		return expectPath(addr, tfjsonpath.New(list).AtSliceIndex(i).AtMapKey(key), want)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			// First: the post-test destroy uses the last step's configuration.
			Config:      e.provider() + `data "hardened_fleet_report" "r" { products = ["lightsail"] }`,
			ExpectError: regexp.MustCompile(`(?s)products.*value must be one of`),
		}, {
			Config: e.provider() + `data "hardened_fleet_report" "r" { products = ["cvm", "lighthouse"] }`,
			ConfigStateChecks: []statecheck.StateCheck{
				count("total", 4), count("eol", 2), count("ok", 2),
				row("instances", 0, "product", knownvalue.StringExact("lighthouse")),
				row("instances", 0, "image_id", knownvalue.StringExact(centos)),
				row("instances", 0, "eol_date", knownvalue.StringExact("2024-06-30")),
				row("instances", 0, "recommended", knownvalue.StringExact("rocky 9")),
				row("instances", 0, "reasons", knownvalue.ListPartial(map[int]knownvalue.Check{
					0: knownvalue.StringRegexp(regexp.MustCompile(`^blueprint ` + centos + ` \(CentOS 7\.9 64bit\) is not allowed`))})),
				row("images", 0, "image_id", knownvalue.StringExact(centos)),
				row("images", 0, "type", knownvalue.StringExact("PURE_OS")),
				row("images", 0, "instance_ids", knownvalue.ListSizeExact(2)),
			},
		}, {
			Config:            e.provider() + `data "hardened_fleet_report" "r" {}`,
			ConfigStateChecks: []statecheck.StateCheck{count("total", 1), row("instances", 0, "product", knownvalue.StringExact("cvm"))},
		}},
	})
}
