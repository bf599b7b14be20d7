package provider

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestAccImageLookupsShareOneClient: a data source, a pin and an instance
// of the same image cost one DescribeImages call per Terraform command
// (every command configures the provider once: one client, one cache).
func TestAccImageLookupsShareOneClient(t *testing.T) {
	e := startSim(t)
	var configures atomic.Int64
	count := WithTencentConfig(func(c *tencent.Config) { fastClient(c); configures.Add(1) })
	debian13 := e.id("Debian 13.1 64位")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(count),
		CheckDestroy:             e.noInstancesLeft,
		Steps: []resource.TestStep{{
			PreConfig: func() { e.srv.ResetStats(); configures.Store(0) },
			Config: e.provider() + fmt.Sprintf(`
data "hardened_image" "d" { image_id = %q }
resource "hardened_image_pin" "p" { image_id = data.hardened_image.d.image_id }
resource "hardened_instance" "i" {
  image_id      = hardened_image_pin.p.pinned_image_id
  instance_type = "S5.MEDIUM2"
  zone          = "ap-guangzhou-3"
}`, debian13),
			Check: func(*terraformState) error {
				calls, cmds := e.srv.Stats().Actions["DescribeImages"], configures.Load()
				t.Logf("%d DescribeImages calls over %d provider configurations", calls, cmds)
				if cmds == 0 || calls > cmds {
					return fmt.Errorf("%d DescribeImages calls for %d configurations: lookups are not shared", calls, cmds)
				}
				return nil
			},
		}},
	})
}

// TestAccPinPlanBatchesDistinctImages: a plan of 200 pins over 20 distinct
// images. Terraform plans at most 10 resources at once, so lookups arrive in
// waves and each wave with new ids costs one batched DescribeImages call;
// without batching every distinct image cost its own call.
func TestAccPinPlanBatchesDistinctImages(t *testing.T) {
	e := startSim(t)
	var ids []string
	for _, id := range e.ids {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ids = ids[:20]
	list, _ := json.Marshal(ids)
	config := e.provider(`mode = "audit"`) + fmt.Sprintf(`
locals { ids = %s }
resource "hardened_image_pin" "p" {
  count    = 200
  image_id = local.ids[count.index %% 20]
}`, list)
	// A plan-only step runs no Check, so the next step's PreConfig reads the count. The step
	// runs several terraform commands, each configuring the provider (a fresh cache).
	var configures atomic.Int64
	count := WithTencentConfig(func(c *tencent.Config) { fastClient(c); configures.Add(1) })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(count),
		Steps: []resource.TestStep{
			{PreConfig: func() { e.srv.ResetStats(); configures.Store(0) }, Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
			{PreConfig: func() {
				calls, cmds := e.srv.Stats().Actions["DescribeImages"], configures.Load()
				t.Logf("MEASURE plan of 200 pins over 20 images: %d DescribeImages calls over %d provider configurations", calls, cmds)
				if cmds == 0 || calls >= 20*cmds {
					t.Errorf("%d DescribeImages calls over %d configurations for 20 distinct images: lookups are not batched", calls, cmds)
				}
			}, Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}
