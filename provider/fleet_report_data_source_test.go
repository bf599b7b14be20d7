package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestAccFleetReport groups instances launched outside Terraform and
// checks that all their images are described in one batched call per read.
func TestAccFleetReport(t *testing.T) {
	e := startSim(t)
	launch := map[string]int{
		"CentOS 7.9 64位":              2, // eol
		"Ubuntu Server 22.04 LTS 64位": 1, // approaching_eol
		"Debian 12.4 64位":             1, // extended
		"FreeBSD 14.0 64位":            1, // unknown
		"Rocky Linux 9.4 64位":         1, // supported but not in allowed_os → unapproved
		"Debian 13.1 64位":             3, // ok
	}
	ctx := t.Context()
	var ids []string
	for osName, n := range launch {
		for range n {
			id, err := e.client.RunInstance(ctx, tencent.RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: e.id(osName), InstanceType: "S5.MEDIUM2"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
	}
	t.Cleanup(func() {
		if err := e.client.TerminateInstances(context.Background(), ids...); err != nil {
			t.Error(err)
		}
	})
	for _, id := range ids {
		if _, err := e.client.WaitInstanceState(ctx, id, "RUNNING", time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	const addr = "data.hardened_fleet_report.r"
	count := func(group string, n int64) statecheck.StateCheck {
		return expectPath(addr, tfjsonpath.New("counts").AtMapKey(group), knownvalue.Int64Exact(n))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			PreConfig: e.srv.ResetStats,
			Config:    e.provider(`allowed_os = ["debian", "ubuntu", "centos"]`) + `data "hardened_fleet_report" "r" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				count("total", 9), count("eol", 2), count("approaching_eol", 1), count("extended", 1),
				count("unknown", 1), count("unapproved", 1), count("ok", 3),
				expectAt(addr, "region", knownvalue.StringExact("ap-guangzhou")),
				expectPath(addr, tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("group"), knownvalue.StringExact("eol")),
				expectPath(addr, tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("recommended"), knownvalue.StringExact("rocky 9")),
				expectPath(addr, tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("eol_date"), knownvalue.StringExact("2024-06-30")),
				expectPath(addr, tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("allowed"), knownvalue.Bool(false)),
			},
			Check: func(*terraformState) error {
				st := e.srv.Stats()
				reads, described := st.Actions["DescribeInstances"], st.Actions["DescribeImages"]
				t.Logf("fleet report: %d DescribeInstances, %d DescribeImages calls for %d instances on %d images", reads, described, len(ids), len(launch))
				if reads == 0 || described != reads {
					return fmt.Errorf("want one batched DescribeImages per report read, got %d DescribeImages for %d reads", described, reads)
				}
				return nil
			},
		}},
	})
}

// launchIn starts n instances of osName in region and terminates them when
// the test ends.
func (e *simEnv) launchIn(t *testing.T, region, osName string, n int) []string {
	t.Helper()
	ctx := t.Context()
	c, err := e.client.ForRegion(region)
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := c.ListImages(ctx, []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		t.Fatal(err)
	}
	var image string
	for _, img := range imgs {
		if img.OsName == osName && img.Architecture == "x86_64" {
			image = img.ID
		}
	}
	if image == "" {
		t.Fatalf("tcsim has no x86_64 image %q in %s", osName, region)
	}
	var ids []string
	for range n {
		id, err := c.RunInstance(ctx, tencent.RunInstanceInput{Zone: region + "-3", ImageID: image, InstanceType: "S5.MEDIUM2"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	t.Cleanup(func() {
		if err := c.TerminateInstances(context.Background(), ids...); err != nil {
			t.Error(err)
		}
	})
	return ids
}

// TestAccFleetReportRegions reports two regions in one data source, then
// every region DescribeRegions lists, grouped by status and by image.
func TestAccFleetReportRegions(t *testing.T) {
	e := startSim(t)
	gz := e.launchIn(t, "ap-guangzhou", "CentOS 7.9 64位", 2)
	sh := e.launchIn(t, "ap-shanghai", "CentOS 7.9 64位", 1)
	e.launchIn(t, "ap-shanghai", "Debian 13.1 64位", 2)
	e.launchIn(t, "ap-beijing", "Debian 13.1 64位", 1)
	const addr = "data.hardened_fleet_report.r"
	count := func(group string, n int64) statecheck.StateCheck {
		return expectPath(addr, tfjsonpath.New("counts").AtMapKey(group), knownvalue.Int64Exact(n))
	}
	image := func(i int, attr string, v knownvalue.Check) statecheck.StateCheck {
		return expectPath(addr, tfjsonpath.New("images").AtSliceIndex(i).AtMapKey(attr), v)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      e.provider() + "data \"hardened_fleet_report\" \"r\" {\n  regions = [\"ap-shanghai\"]\n  region  = \"ap-guangzhou\"\n}",
			ExpectError: regexp.MustCompile(`(?s)Attribute "region" cannot be specified when "regions" is specified`),
		}, {
			Config:      e.provider() + `data "hardened_fleet_report" "r" { regions = ["Shanghai"] }`,
			ExpectError: regexp.MustCompile(`(?s)regions.*must be a region name such as ap-guangzhou`),
		}, {
			PreConfig: e.srv.ResetStats,
			Config:    e.provider() + `data "hardened_fleet_report" "r" { regions = ["ap-shanghai", "ap-guangzhou"] }`,
			// Per read and region: one page of instances, one batch of images.
			Check: func(*terraformState) error {
				st := e.srv.Stats()
				reads, described := st.Actions["DescribeInstances"], st.Actions["DescribeImages"]
				if reads == 0 || reads%2 != 0 || described != reads {
					return fmt.Errorf("want one DescribeInstances and one DescribeImages per region and read, got %v", st.Actions)
				}
				return nil
			},
			ConfigStateChecks: []statecheck.StateCheck{
				count("total", 5), count("eol", 3), count("ok", 2),
				expectAt(addr, "region", knownvalue.Null()),
				expectAt(addr, "regions", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("ap-shanghai"), knownvalue.StringExact("ap-guangzhou")})),
				expectAt(addr, "by_region", knownvalue.MapExact(map[string]knownvalue.Check{
					"ap-guangzhou": knownvalue.Int64Exact(2), "ap-shanghai": knownvalue.Int64Exact(3)})),
				expectPath(addr, tfjsonpath.New("groups").AtMapKey("eol"), knownvalue.ListSizeExact(3)),
				expectPath(addr, tfjsonpath.New("groups").AtMapKey("unknown"), knownvalue.ListSizeExact(0)),
				expectPath(addr, tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey("region"), knownvalue.StringExact("ap-guangzhou")),
				// Images: the CentOS image of each region (eol, guangzhou first), then Debian 13.
				expectAt(addr, "images", knownvalue.ListSizeExact(3)),
				image(0, "region", knownvalue.StringExact("ap-guangzhou")),
				image(0, "group", knownvalue.StringExact("eol")),
				image(0, "recommended", knownvalue.StringExact("rocky 9")),
				image(0, "instance_ids", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact(gz[0]), knownvalue.StringExact(gz[1])})),
				image(1, "region", knownvalue.StringExact("ap-shanghai")),
				image(1, "instance_ids", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(sh[0])})),
				image(2, "group", knownvalue.StringExact("ok")),
				image(2, "provenance", knownvalue.StringExact("none")),
			},
		}, {
			Config: e.provider() + `data "hardened_fleet_report" "r" { all_regions = true }`,
			ConfigStateChecks: []statecheck.StateCheck{
				count("total", 6), count("eol", 3), count("ok", 3),
				expectAt(addr, "regions", knownvalue.ListSizeExact(10)),
				expectPath(addr, tfjsonpath.New("by_region").AtMapKey("ap-beijing"), knownvalue.Int64Exact(1)),
			},
		}},
	})
}
