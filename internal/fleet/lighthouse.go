package fleet

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Products the report can cover: CVM instances on images, Lighthouse
// instances on blueprints.
const (
	ProductCVM        = "cvm"
	ProductLighthouse = "lighthouse"
)

// Products lists every product in report order.
func Products() []string { return []string{ProductCVM, ProductLighthouse} }

// CheckProducts says which entry of a products list is not a product, or
// returns nil; an empty list means CVM only.
func CheckProducts(products []string) error {
	for i, p := range products {
		if !slices.Contains(Products(), p) {
			return fmt.Errorf("products[%d]: %q is not a product; use %s", i, p, strings.Join(Products(), ", "))
		}
	}
	return nil
}

// ProgressName is the name Options.Progress reports a region's product
// under: the region for CVM, "<region> lighthouse" for Lighthouse.
func ProgressName(region, product string) string {
	if product == ProductCVM {
		return region
	}
	return region + " " + product
}

// LighthouseSource is the Lighthouse part of one region's client the report
// reads; *tencent.Client implements it.
type LighthouseSource interface {
	ListLighthouseInstancesProgress(ctx context.Context, filters []tencent.Filter, progress func(read, total int)) ([]tencent.LighthouseInstance, error)
	DescribeBlueprints(ctx context.Context, ids []string) ([]tencent.Blueprint, error)
}

// BlueprintJudge evaluates one blueprint (Evaluator.JudgeBlueprint).
type BlueprintJudge func(ctx context.Context, b tencent.Blueprint) Verdict

// collectLighthouse reads every Lighthouse instance of one region and
// describes their blueprints in batches of 100, like collectRegion does
// for CVM. Rows carry Product "lighthouse"; a blueprint row's Type is its
// BlueprintType.
func collectLighthouse(ctx context.Context, s Source, opt Options) (*Report, error) {
	region := s.Region()
	ls, ok := s.(LighthouseSource)
	if !ok {
		return nil, fmt.Errorf("lighthouse in %s: the client cannot read Lighthouse (this is a bug)", region)
	}
	var progress func(read, total int)
	if opt.Progress != nil {
		progress = func(read, total int) { opt.Progress(ProgressName(region, ProductLighthouse), read, total) }
	}
	insts, err := ls.ListLighthouseInstancesProgress(ctx, nil, progress)
	if err != nil {
		return nil, fmt.Errorf("list lighthouse instances in %s: %w", region, err)
	}
	var ids []string
	users := map[string][]tencent.LighthouseInstance{}
	for _, in := range insts {
		if _, seen := users[in.BlueprintID]; !seen && in.BlueprintID != "" {
			ids = append(ids, in.BlueprintID)
		}
		users[in.BlueprintID] = append(users[in.BlueprintID], in)
	}
	found, err := ls.DescribeBlueprints(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("describe the %d blueprints of %d lighthouse instances in %s: %w", len(ids), len(insts), region, err)
	}
	bps := make(map[string]tencent.Blueprint, len(found))
	for _, b := range found {
		bps[b.ID] = b
	}
	out := &Report{}
	findings := map[string]Finding{}
	for _, id := range ids {
		b, ok := bps[id]
		if !ok {
			// A deleted custom blueprint: judged by what its instances report.
			first := users[id][0]
			b = tencent.Blueprint{ID: id, OsName: first.OsName, Platform: first.Platform}
		}
		row := Image{Product: ProductLighthouse, Region: region, ID: id, Name: b.Name, Type: b.Type, Missing: !ok,
			Finding: blueprintFinding(ctx, opt.JudgeBlueprint, b)}
		for _, in := range users[id] {
			row.Instances = append(row.Instances, in.ID)
		}
		sort.Strings(row.Instances)
		if ok {
			findings[id] = row.Finding
		}
		out.Images = append(out.Images, row)
	}
	for _, in := range insts {
		f, ok := findings[in.BlueprintID]
		if !ok {
			f = blueprintFinding(ctx, opt.JudgeBlueprint, tencent.Blueprint{ID: in.BlueprintID, OsName: in.OsName, Platform: in.Platform})
		}
		out.Instances = append(out.Instances, Instance{Product: ProductLighthouse, Region: region, ID: in.ID, Name: in.Name,
			State: in.State, Zone: in.Zone, ImageID: in.BlueprintID, Finding: f})
	}
	return out, nil
}

func blueprintFinding(ctx context.Context, j BlueprintJudge, b tencent.Blueprint) Finding {
	return findingOf(b.OsName, j(ctx, b))
}
