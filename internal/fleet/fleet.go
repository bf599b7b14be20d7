// Package fleet builds the fleet report: every CVM instance of one or more
// regions and every image they run (and, with Options.Products, every
// Lighthouse instance and blueprint), each judged by the lifecycle catalog and
// the image policy, grouped by support status and by image, with the release
// to move to. The Terraform data source hardened_fleet_report and the
// hardened-report CLI are thin adapters over Collect.
//
// It imports no Terraform or Packer SDK.
package fleet

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Report groups, in report order (worst first). An instance is in exactly
// one group: its lifecycle phase decides first; a supported image the policy
// still rejects (not hardened, OS not allowed, too old) is "unapproved".
const (
	GroupEOL         = "eol"
	GroupExtended    = "extended"
	GroupUnknown     = "unknown"
	GroupUnapproved  = "unapproved"
	GroupApproaching = "approaching_eol"
	GroupOK          = "ok"
)

// Groups lists every group in report order.
func Groups() []string {
	return []string{GroupEOL, GroupExtended, GroupUnknown, GroupUnapproved, GroupApproaching, GroupOK}
}

func groupRank(g string) int {
	for i, x := range Groups() {
		if x == g {
			return i
		}
	}
	return len(Groups())
}

// Source is the part of one region's Tencent Cloud client the report reads;
// *tencent.Client implements it.
type Source interface {
	Region() string
	ListInstancesProgress(ctx context.Context, filters []tencent.Filter, progress func(read, total int)) ([]tencent.Instance, error)
	DescribeImagesByID(ctx context.Context, ids []string) (map[string]tencent.Image, error)
	// ListImages is only called for the families of deprecated images (one
	// call per family), to name the image that superseded them.
	ListImages(ctx context.Context, filters []tencent.Filter) ([]tencent.Image, error)
}

// Verdict is what a Judge says about one image.
type Verdict struct {
	OS       lifecycle.OSID
	Status   lifecycle.Status
	Prov     policy.Provenance
	Decision policy.Decision
	// OutOfSLA lists the fixable vulnerabilities the image's provenance
	// records whose fix is older than the policy's vulnerability_sla_days.
	OutOfSLA []policy.SLABreach
}

// Judge evaluates img; osName is the OsName to judge by (an instance whose
// image was deleted still reports its own OsName).
type Judge func(ctx context.Context, img tencent.Image, osName string) Verdict

// Options of Collect.
type Options struct {
	Judge Judge // required
	// Progress, when set, is called after every page of instances read in a
	// region (calls may come from several goroutines, one per region).
	Progress func(region string, read, total int)
	// Parallel is how many regions are read at once; default 4.
	Parallel int
	// Products are what to report on (Products()); empty: CVM only.
	// Lighthouse needs JudgeBlueprint and sources that are LighthouseSources.
	Products       []string
	JudgeBlueprint BlueprintJudge
}

// Finding is the judgement of one image, shared by its instance rows.
type Finding struct {
	OsName     string
	Group      string
	Phase      string
	EOLDate    string // end of standard support, YYYY-MM-DD; "" when unknown
	DaysToEOL  *int   // nil when unknown
	Successor  string // release to move to; "" when none is needed or known
	Allowed    bool
	Codes      []string // policy reason codes
	Reasons    []string // policy reason messages
	Provenance string   // "verified …", "unverified: …", "unsigned …" or "none"
	// SupersededBy is the image to move to when this one is deprecated and
	// a newer image of its family is not (code CodeImageSuperseded).
	SupersededBy string
	// OutOfSLA lists the image's fixable vulnerabilities past their
	// vulnerability_sla_days, oldest fix first (Verdict.OutOfSLA).
	OutOfSLA []policy.SLABreach
	// Vulns is the vulnerability summary of the image's signed provenance
	// (nil without provenance or scan), kept for the KPI report (VulnKPIs).
	Vulns *provenance.Vulns
}

// CodeImageSuperseded is the finding code of an instance on a deprecated
// image that a newer image of the same image family replaces (the Packer
// builder's deprecate_previous).
const CodeImageSuperseded = "image_superseded"

// Instance is one row per instance. Product is ProductCVM or
// ProductLighthouse; a Lighthouse instance's ImageID is its blueprint id.
type Instance struct {
	Product                                string
	Region, ID, Name, State, Zone, ImageID string
	Finding
}

// Image is one row per distinct image (per region) instances run; for
// Product lighthouse, one blueprint (Type is its BlueprintType).
type Image struct {
	Product                string
	Region, ID, Name, Type string
	Missing                bool // the image no longer exists; judged by the instances' OsName
	Instances              []string
	Finding
}

// Counts is the number of instances per group.
type Counts struct {
	Total    int
	ByGroup  map[string]int
	ByRegion map[string]int
	// OutOfSLA counts the instances on an image with a vulnerability past
	// its vulnerability_sla_days, whatever their group.
	OutOfSLA int
}

// Report is the whole fleet.
type Report struct {
	Regions   []string
	Instances []Instance // ordered by group, region, instance id
	Images    []Image    // ordered by group, region, image id
	Counts    Counts
}

// Collect reads every instance of every source and describes their images in
// batches (one DescribeImages per 100 distinct images per region), so a
// region with N instances on M images costs ⌈N/100⌉ + ⌈M/100⌉ calls.
func Collect(ctx context.Context, sources []Source, opt Options) (*Report, error) {
	if opt.Judge == nil {
		return nil, fmt.Errorf("fleet report: no judge configured")
	}
	if err := CheckProducts(opt.Products); err != nil {
		return nil, fmt.Errorf("fleet report: %w", err)
	}
	if slices.Contains(opt.Products, ProductLighthouse) && opt.JudgeBlueprint == nil {
		return nil, fmt.Errorf("fleet report: products include lighthouse but no blueprint judge is configured")
	}
	par := opt.Parallel
	if par <= 0 {
		par = 4
	}
	parts := make([]*Report, len(sources))
	errs := make([]error, len(sources))
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	for i, s := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			parts[i], errs[i] = collectProducts(ctx, s, opt)
		}()
	}
	wg.Wait()
	out := &Report{Counts: Counts{ByGroup: map[string]int{}, ByRegion: map[string]int{}}}
	for _, g := range Groups() {
		out.Counts.ByGroup[g] = 0
	}
	for i, p := range parts {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out.Regions = append(out.Regions, sources[i].Region())
		out.Instances = append(out.Instances, p.Instances...)
		out.Images = append(out.Images, p.Images...)
		out.Counts.ByRegion[sources[i].Region()] = len(p.Instances)
	}
	for _, in := range out.Instances {
		out.Counts.Total++
		out.Counts.ByGroup[in.Group]++
		if len(in.OutOfSLA) > 0 {
			out.Counts.OutOfSLA++
		}
	}
	sort.SliceStable(out.Instances, func(i, j int) bool {
		a, b := out.Instances[i], out.Instances[j]
		return less(a.Group, b.Group, a.Region, b.Region, a.ID, b.ID)
	})
	sort.SliceStable(out.Images, func(i, j int) bool {
		a, b := out.Images[i], out.Images[j]
		return less(a.Group, b.Group, a.Region, b.Region, a.ID, b.ID)
	})
	return out, nil
}

func less(ga, gb, ra, rb, ia, ib string) bool {
	if x, y := groupRank(ga), groupRank(gb); x != y {
		return x < y
	}
	if ra != rb {
		return ra < rb
	}
	return ia < ib
}

// collectProducts reads one region's products (CVM when none are named).
func collectProducts(ctx context.Context, s Source, opt Options) (*Report, error) {
	products := opt.Products
	if len(products) == 0 {
		products = []string{ProductCVM}
	}
	out := &Report{}
	for _, p := range Products() {
		if !slices.Contains(products, p) {
			continue
		}
		read := collectRegion
		if p == ProductLighthouse {
			read = collectLighthouse
		}
		part, err := read(ctx, s, opt)
		if err != nil {
			return nil, err
		}
		out.Instances = append(out.Instances, part.Instances...)
		out.Images = append(out.Images, part.Images...)
	}
	return out, nil
}

func collectRegion(ctx context.Context, s Source, opt Options) (*Report, error) {
	region := s.Region()
	var progress func(read, total int)
	if opt.Progress != nil {
		progress = func(read, total int) { opt.Progress(region, read, total) }
	}
	insts, err := s.ListInstancesProgress(ctx, nil, progress)
	if err != nil {
		return nil, fmt.Errorf("list instances in %s: %w", region, err)
	}
	var ids []string
	users := map[string][]tencent.Instance{}
	for _, in := range insts {
		if _, seen := users[in.ImageID]; !seen && in.ImageID != "" {
			ids = append(ids, in.ImageID)
		}
		users[in.ImageID] = append(users[in.ImageID], in)
	}
	images, err := s.DescribeImagesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("describe the %d images of %d instances in %s: %w", len(ids), len(insts), region, err)
	}
	succ, err := successors(ctx, s, images)
	if err != nil {
		return nil, err
	}
	out := &Report{}
	// Instances on a deleted image are judged one by one by their own
	// OsName; every other instance shares its image's finding.
	imageFinding := map[string]Finding{}
	for _, id := range ids {
		img, ok := images[id]
		row := Image{Product: ProductCVM, Region: region, ID: id, Missing: !ok}
		if !ok {
			img = tencent.Image{ID: id, OsName: users[id][0].OsName}
		}
		row.Name, row.Type = img.Name, img.Type
		osName := img.OsName
		if osName == "" {
			osName = users[id][0].OsName // an image without OsName: what its instances report
		}
		row.Finding = judge(ctx, opt.Judge, img, osName)
		if next, ok := succ[img.Family]; ok && img.Deprecated {
			row.SupersededBy = next.ID
			row.Codes = append(row.Codes, CodeImageSuperseded)
			row.Reasons = append(row.Reasons, fmt.Sprintf("image %s (%s) is deprecated: %s (%s) supersedes it in image family %s; move to %s",
				img.ID, img.Name, next.ID, next.Name, img.Family, next.ID))
		}
		for _, in := range users[id] {
			row.Instances = append(row.Instances, in.ID)
		}
		sort.Strings(row.Instances)
		if ok {
			imageFinding[id] = row.Finding
		}
		out.Images = append(out.Images, row)
	}
	for _, in := range insts {
		f, ok := imageFinding[in.ImageID]
		if !ok {
			f = judge(ctx, opt.Judge, tencent.Image{ID: in.ImageID, OsName: in.OsName}, in.OsName)
		}
		out.Instances = append(out.Instances, Instance{
			Product: ProductCVM, Region: region, ID: in.ID, Name: in.Name, State: in.State, Zone: in.Zone, ImageID: in.ImageID, Finding: f,
		})
	}
	return out, nil
}

// successors names, per image family of a deprecated image among images, the
// newest NORMAL image of that family that is not deprecated.
func successors(ctx context.Context, s Source, images map[string]tencent.Image) (map[string]tencent.Image, error) {
	var families []string
	for _, img := range images {
		if img.Deprecated && img.Family != "" && !slices.Contains(families, img.Family) {
			families = append(families, img.Family)
		}
	}
	sort.Strings(families)
	out := map[string]tencent.Image{}
	for _, fam := range families {
		imgs, err := s.ListImages(ctx, []tencent.Filter{{Name: "image-family", Values: []string{fam}}})
		if err != nil {
			return nil, fmt.Errorf("list image family %s in %s: %w", fam, s.Region(), err)
		}
		for _, im := range imgs {
			if im.Family != fam || im.Deprecated || im.State != "NORMAL" {
				continue
			}
			if cur, ok := out[fam]; !ok || newer(im, cur) {
				out[fam] = im
			}
		}
	}
	return out, nil
}

// newer orders images of one family by creation time, then id, so the
// successor does not depend on API order.
func newer(a, b tencent.Image) bool {
	at, bt := a.CreatedTime, b.CreatedTime
	switch {
	case at != nil && bt != nil && !at.Equal(*bt):
		return at.After(*bt)
	case (at != nil) != (bt != nil):
		return at != nil
	}
	return a.ID > b.ID
}

func judge(ctx context.Context, j Judge, img tencent.Image, osName string) Finding {
	return findingOf(osName, j(ctx, img, osName))
}

// findingOf is the report's form of one verdict on something running osName.
func findingOf(osName string, v Verdict) Finding {
	f := Finding{
		OsName: osName, Group: GroupOf(v), Phase: string(v.Status.Phase),
		EOLDate: lifecycle.FormatDate(v.Status.Release.EOLStandard), DaysToEOL: v.Status.DaysToEOL,
		Successor: v.Status.Recommended, Allowed: v.Decision.Allowed, Provenance: ProvenanceText(v.Prov), OutOfSLA: v.OutOfSLA,
	}
	if v.Prov.Present {
		f.Vulns = v.Prov.Record.Vulns
	}
	for _, r := range v.Decision.Reasons {
		f.Codes = append(f.Codes, r.Code)
		f.Reasons = append(f.Reasons, r.Message)
	}
	return f
}

// GroupOf places a verdict in its report group.
func GroupOf(v Verdict) string {
	switch v.Status.Phase {
	case lifecycle.PhaseEOL:
		return GroupEOL
	case lifecycle.PhaseExtended:
		return GroupExtended
	case lifecycle.PhaseUnknown:
		return GroupUnknown
	}
	if !v.Decision.Allowed {
		return GroupUnapproved
	}
	if v.Status.Phase == lifecycle.PhaseApproachingEOL {
		return GroupApproaching
	}
	return GroupOK
}

// ProvenanceText is a one-line summary of an image's provenance for reports.
func ProvenanceText(p policy.Provenance) string {
	switch {
	case !p.Present:
		return "none"
	case p.Verified:
		return fmt.Sprintf("verified: %s, audit %d pass / %d fail, key %s",
			p.Record.ProfileID, p.Record.Pass, p.Record.Fail, p.Record.KeyID)
	case p.Err != nil:
		return "unverified: " + p.Err.Error()
	}
	return "unverified"
}
