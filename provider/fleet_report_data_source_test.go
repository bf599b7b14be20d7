package provider

import (
	"context"
	"fmt"
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
