package tencent

import (
	"context"
	"fmt"
	"sort"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// ListRegions returns the names of the regions the account can use
// (DescribeRegions, RegionState AVAILABLE), sorted, so a fleet report can
// cover "every region" without a hard-coded list that goes stale.
func (c *Client) ListRegions(ctx context.Context) ([]string, error) {
	var out []string
	err := c.do(ctx, "DescribeRegions", opIdempotent, nil, func(ctx context.Context) error {
		out = out[:0]
		resp, err := c.cvm.DescribeRegionsWithContext(ctx, cvm.NewDescribeRegionsRequest())
		if err != nil {
			return err
		}
		for _, r := range resp.Response.RegionSet {
			if r == nil || r.Region == nil {
				continue
			}
			if r.RegionState != nil && *r.RegionState != "AVAILABLE" {
				continue
			}
			out = append(out, *r.Region)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list regions: %w", err)
	}
	sort.Strings(out)
	return out, nil
}
