package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

const insAddr = "hardened_instance.test"

func instanceConfig(imageID, change, name string) string {
	return fmt.Sprintf(`
resource "hardened_instance" "test" {
  image_id      = %q
  image_change  = %q
  instance_type = "S5.MEDIUM2"
  zone          = "ap-guangzhou-3"
  name          = %q
  tags          = { owner = "acc-test" }
  user_data     = "#cloud-config\\nhostname: web"
  keep_image_login = true
  timeouts      = { create = "2m", update = "2m", delete = "2m" }
}
`, imageID, change, name)
}

// TestAccInstance_lifecycle: create, empty re-plan, import, rename in place,
// reset to another image in place (same id), replace (new id), destroy.
func TestAccInstance_lifecycle(t *testing.T) {
	e := startSim(t, tcsim.WithDelays(tcsim.UniformDelays(200e6)))
	debian13 := e.id("Debian 13.1 64位")
	ubuntu24 := e.id("Ubuntu Server 24.04 LTS 64位")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{
			{
				Config: e.provider() + instanceConfig(debian13, "reset", "web-1"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(insAddr, tfjsonpath.New("id")),
					expectAt(insAddr, "instance_state", knownvalue.StringExact("RUNNING")),
					expectAt(insAddr, "os_name", knownvalue.StringExact("Debian 13.1 64位")),
					expectAt(insAddr, "phase", knownvalue.StringExact("supported")),
					expectAt(insAddr, "image_id", knownvalue.StringExact(debian13)),
					expectAt(insAddr, "private_ip", knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName: insAddr, ImportState: true, ImportStateVerify: true,
				// Not reported by DescribeInstances: adopted from configuration after an import.
				ImportStateVerifyIgnore: []string{"timeouts", "image_change", "user_data", "keep_image_login"},
			},
			{
				Config: e.provider() + instanceConfig(debian13, "reset", "web-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(insAddr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(insAddr, tfjsonpath.New("id")),
					expectAt(insAddr, "name", knownvalue.StringExact("web-renamed")),
				},
			},
			{ // reset: in place, same instance id, new OS
				Config: e.provider() + instanceConfig(ubuntu24, "reset", "web-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(insAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(insAddr, tfjsonpath.New("id")),
					expectAt(insAddr, "os_name", knownvalue.StringExact("Ubuntu Server 24.04 LTS 64位")),
					expectAt(insAddr, "image_id", knownvalue.StringExact(ubuntu24)),
					expectAt(insAddr, "instance_state", knownvalue.StringExact("RUNNING")),
				},
			},
			{ // replace: new instance
				Config: e.provider() + instanceConfig(debian13, "replace", "web-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(insAddr, plancheck.ResourceActionDestroyBeforeCreate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(insAddr, "image_id", knownvalue.StringExact(debian13)),
				},
			},
		},
	})
}

// TestAccInstance_eolImageFailsPlan: nothing is created for an EOL image;
// the error names image, OS, date and successor.
func TestAccInstance_eolImageFailsPlan(t *testing.T) {
	e := startSim(t)
	centos := e.id("CentOS 7.9 64位")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{
			{
				Config:      e.provider() + instanceConfig(centos, "replace", "legacy"),
				ExpectError: errRe("Image "+centos+" is not approved", "CentOS 7.9 64位", "2024-06-30", "Move to Rocky Linux 9"),
			},
			{ // the gate runs in the plan: no RunInstances was ever sent
				Config: e.provider() + `data "hardened_fleet_report" "r" {}`,
				Check: func(*terraformState) error {
					if n := e.srv.Stats().Actions["RunInstances"]; n != 0 {
						return fmt.Errorf("RunInstances called %d times for an EOL image", n)
					}
					return nil
				},
			},
			{ // mode = "warn" on the resource: launched, with a warning
				Config: e.provider() + strings.Replace(instanceConfig(centos, "replace", "legacy"), `name          = "legacy"`,
					`name          = "legacy"`+"\n  mode          = \"warn\"", 1),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(insAddr, "phase", knownvalue.StringExact("eol")),
					expectAt(insAddr, "instance_state", knownvalue.StringExact("RUNNING")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccInstance_throttled: with 30 % of all calls throttled the apply
// and destroy still converge (bounded, jittered retries).
func TestAccInstance_throttled(t *testing.T) {
	faults, err := tcsim.ParseFaultSpec("seed=7,*:throttle=0.3")
	if err != nil {
		t.Fatal(err)
	}
	e := startSim(t)
	debian13 := e.id("Debian 13.1 64位")
	if err := e.srv.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{{
			Config: e.provider() + fmt.Sprintf(`
resource "hardened_image_pin" "p" { image_id = %q }
`, debian13) + `
resource "hardened_instance" "test" {
  image_id      = hardened_image_pin.p.pinned_image_id
  instance_type = "S5.MEDIUM2"
  zone          = "ap-guangzhou-3"
}
data "hardened_fleet_report" "r" { depends_on = [hardened_instance.test] }
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectAt(insAddr, "instance_state", knownvalue.StringExact("RUNNING")),
				expectPath("data.hardened_fleet_report.r", tfjsonpath.New("counts").AtMapKey("ok"), knownvalue.Int64Exact(1)),
			},
			Check: func(*terraformState) error {
				if n := e.srv.Stats().Faults["RunInstances"] + e.srv.Stats().Faults["DescribeImages"] + e.srv.Stats().Faults["DescribeInstances"]; n == 0 {
					return fmt.Errorf("no faults injected: the test did not exercise retries (stats %+v)", e.srv.Stats())
				}
				return nil
			},
		}},
	})
}

// failingBackend refuses every machine, so instances from images with a
// backing ref end in LAUNCH_FAILED.
type failingBackend struct{}

func (failingBackend) Launch(context.Context, tcsim.MachineSpec) (tcsim.Machine, error) {
	return nil, errors.New("no capacity in ap-guangzhou-3 (test)")
}

// TestAccInstance_launchFailureCleansUp: a launch that fails after
// RunInstances leaves nothing behind and reports the API's reason.
func TestAccInstance_launchFailureCleansUp(t *testing.T) {
	e := startSim(t, tcsim.WithBackend(failingBackend{}))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{
			{
				Config:      e.provider() + instanceConfig(e.id("Debian 13.1 64位"), "replace", "doomed"),
				ExpectError: errRe("did not reach RUNNING", "no capacity"),
			},
			{ // the failed instance was terminated during the failed apply
				Config: e.provider() + `data "hardened_fleet_report" "r" {}`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectPath("data.hardened_fleet_report.r", tfjsonpath.New("counts").AtMapKey("total"), knownvalue.Int64Exact(0)),
				},
				Check: func(*terraformState) error {
					if n := e.srv.Stats().Actions["RunInstances"]; n != 1 {
						return fmt.Errorf("RunInstances called %d times, want 1", n)
					}
					if n := e.srv.Stats().Actions["TerminateInstances"]; n < 1 {
						return fmt.Errorf("the failed instance was never terminated")
					}
					return nil
				},
			},
		},
	})
}

// TestAccInstance_network launches into a VPC subnet with a security group
// and swaps the group in place.
func TestAccInstance_network(t *testing.T) {
	e := startSim(t)
	ctx := t.Context()
	vpc, err := e.client.CreateVpc(ctx, "acc", "10.10.0.0/16", nil)
	if err != nil {
		t.Fatal(err)
	}
	subnet, err := e.client.CreateSubnet(ctx, vpc.ID, "acc", "10.10.1.0/24", "ap-guangzhou-3", nil)
	if err != nil {
		t.Fatal(err)
	}
	var sgs []string
	for _, n := range []string{"web", "web-v2"} {
		sg, err := e.client.CreateSecurityGroup(ctx, n, "acc test", nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		sgs = append(sgs, sg.ID)
	}
	t.Cleanup(func() {
		bg := context.Background()
		for _, sg := range sgs {
			if err := e.client.DeleteSecurityGroup(bg, sg); err != nil {
				t.Error(err)
			}
		}
		if err := e.client.DeleteSubnet(bg, subnet.ID); err != nil {
			t.Error(err)
		}
		if err := e.client.DeleteVpc(bg, vpc.ID); err != nil {
			t.Error(err)
		}
	})
	cfg := func(sg string) string {
		return e.provider() + fmt.Sprintf(`
resource "hardened_instance" "test" {
  image_id           = %q
  instance_type      = "S5.MEDIUM2"
  zone               = "ap-guangzhou-3"
  vpc_id             = %q
  subnet_id          = %q
  security_group_ids = [%q]
  system_disk_type   = "CLOUD_PREMIUM"
  system_disk_size   = 50
}`, e.id("Debian 13.1 64位"), vpc.ID, subnet.ID, sg)
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{
			{
				Config: cfg(sgs[0]),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(insAddr, tfjsonpath.New("id")),
					expectAt(insAddr, "vpc_id", knownvalue.StringExact(vpc.ID)),
					expectAt(insAddr, "subnet_id", knownvalue.StringExact(subnet.ID)),
					expectAt(insAddr, "private_ip", knownvalue.StringRegexp(regexp.MustCompile(`^10\.10\.1\.\d+$`))),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: cfg(sgs[1]),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(insAddr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(insAddr, tfjsonpath.New("id")),
					expectAt(insAddr, "security_group_ids", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(sgs[1])})),
				},
			},
			{
				ResourceName: insAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"timeouts", "system_disk_type", "system_disk_size"},
			},
		},
	})
}

// TestAccInstance_importAdopts: an instance launched outside Terraform is
// imported and its configuration (disk settings DescribeInstances does not
// report) adopted in place, not by replacing it.
func TestAccInstance_importAdopts(t *testing.T) {
	e := startSim(t)
	debian13 := e.id("Debian 13.1 64位")
	id, err := e.client.RunInstance(t.Context(), tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: debian13,
		InstanceType: "S5.MEDIUM2", Name: "legacy-web", SystemDiskType: "CLOUD_PREMIUM", SystemDiskSizeGB: 50})
	if err != nil {
		t.Fatal(err)
	}
	cfg := e.provider() + fmt.Sprintf(`
resource "hardened_instance" "test" {
  image_id         = %q
  instance_type    = "S5.MEDIUM2"
  zone             = "ap-guangzhou-3"
  name             = "legacy-web"
  system_disk_type = "CLOUD_PREMIUM"
  system_disk_size = 50
}`, debian13)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if _, err := e.client.WaitInstanceState(t.Context(), id, "RUNNING", time.Minute); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg, ResourceName: insAddr, ImportState: true, ImportStateId: id, ImportStatePersist: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(insAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAt(insAddr, "id", knownvalue.StringExact(id)),
					expectAt(insAddr, "system_disk_size", knownvalue.Int64Exact(50)),
				},
			},
		},
	})
}

// TestAccInstance_createTimeout: a launch slower than timeouts.create is
// abandoned and the instance terminated (after its launch operation ends),
// so nothing is left running.
func TestAccInstance_createTimeout(t *testing.T) {
	e := startSim(t, tcsim.WithDelays(tcsim.Delays{Launch: 3 * time.Second}))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{{
			Config: e.provider() + fmt.Sprintf(`
resource "hardened_instance" "test" {
  image_id      = %q
  instance_type = "S5.MEDIUM2"
  zone          = "ap-guangzhou-3"
  timeouts      = { create = "1s" }
}`, e.id("Debian 13.1 64位")),
			ExpectError: errRe("did not reach RUNNING"),
		}, {
			// Before Terraform runs again: the failed apply itself cleaned up.
			PreConfig: func() {
				if err := e.noInstancesLeft(nil); err != nil {
					t.Error(err)
				}
				if n := e.srv.Stats().Actions["TerminateInstances"]; n == 0 {
					t.Error("the timed-out instance was never terminated")
				}
			},
			Config: e.provider() + `data "hardened_fleet_report" "r" {}`,
		}},
	})
}

// TestAccInstance_otherRegion: region on the resources selects the
// region's client (same credentials, own image cache).
func TestAccInstance_otherRegion(t *testing.T) {
	e := startSim(t)
	const region = "ap-shanghai"
	debian13 := e.id("Debian 13.1 64位") // public image ids are the same in every region
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy: func(*terraformState) error {
			if ins := e.srv.Resources(region).Instances; len(ins) != 0 {
				return fmt.Errorf("instances left in %s: %v", region, ins)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: e.provider() + fmt.Sprintf(`
data "hardened_image" "d" {
  region       = %[1]q
  os_family    = "debian"
  os_version   = "13"
  architecture = "x86_64"
  name_regex   = "64位$"
  most_recent  = true
}
resource "hardened_image_pin" "p" {
  region   = %[1]q
  image_id = data.hardened_image.d.image_id
}
resource "hardened_instance" "test" {
  region        = %[1]q
  image_id      = hardened_image_pin.p.pinned_image_id
  instance_type = "S5.MEDIUM2"
  zone          = "%[1]s-2"
}`, region),
			ConfigStateChecks: []statecheck.StateCheck{
				expectAt("data.hardened_image.d", "image_id", knownvalue.StringExact(debian13)),
				expectAt("hardened_image_pin.p", "region", knownvalue.StringExact(region)),
				expectAt(insAddr, "region", knownvalue.StringExact(region)),
				expectAt(insAddr, "zone", knownvalue.StringExact(region+"-2")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraformState) error {
				if n := len(e.srv.Resources(region).Instances); n != 1 {
					return fmt.Errorf("%d instances in %s, want 1", n, region)
				}
				if n := len(e.srv.Resources(simRegion).Instances); n != 0 {
					return fmt.Errorf("%d instances in the provider's region, want 0", n)
				}
				return nil
			},
		}},
	})
}

// lossyTransport delivers action (default RunInstances) to the API but
// loses every answer, like a connection that drops after the request was
// processed.
type lossyTransport struct {
	base   http.RoundTripper
	action string
}

func (l lossyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	action := l.action
	if action == "" {
		action = "RunInstances"
	}
	resp, err := l.base.RoundTrip(req)
	if err == nil && req.Header.Get("X-TC-Action") == action {
		_ = resp.Body.Close()
		return nil, errors.New("connection reset by peer (test: answer lost)")
	}
	return resp, err
}

// TestAccInstance_lostLaunchAnswers: RunInstances succeeded on the API but
// no answer arrived (retries with the client token replay the same launch);
// the failed create finds the instance by its launch tag and terminates it.
func TestAccInstance_lostLaunchAnswers(t *testing.T) {
	e := startSim(t)
	lossy := WithTencentConfig(func(c *tencent.Config) {
		fastClient(c)
		c.MaxRetries = 2
		c.HTTPClient = &http.Client{Transport: lossyTransport{base: http.DefaultTransport}}
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(lossy),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{
			{
				Config:      e.provider() + instanceConfig(e.id("Debian 13.1 64位"), "replace", "lost"),
				ExpectError: errRe("Launch instance", "failed after 3 attempts"),
			},
			{
				PreConfig: func() {
					if n := e.srv.Stats().Actions["RunInstances"]; n < 2 {
						t.Errorf("RunInstances reached the API %d times; the test needs the retries", n)
					}
					if err := e.noInstancesLeft(nil); err != nil {
						t.Errorf("the half-launched instance was left running: %v", err)
					}
				},
				Config: e.provider() + `data "hardened_fleet_report" "r" {}`,
			},
		},
	})
}
