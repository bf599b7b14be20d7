package fleet

import (
	"context"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Evaluator judges images with one catalog under one policy on one day: the
// Judge of callers without the provider's online lifecycle refresh (the
// CLI). The provider passes its own Judge, which refreshes releases first.
type Evaluator struct {
	Catalog *lifecycle.Catalog
	Policy  policy.Policy
	Today   time.Time
}

// Judge implements Judge.
func (e Evaluator) Judge(_ context.Context, img tencent.Image, osName string) Verdict {
	today := lifecycle.Day(e.Today)
	rel, os, _ := e.Catalog.Parse(osName, img.Platform)
	st := e.Catalog.Evaluate(rel, today, e.Policy.Lifecycle)
	prov := policy.CheckProvenance(img.Tags, e.Policy.Trusted)
	in := policy.Input{Image: policy.Image{ID: img.ID, OsName: osName, CreatedTime: CustomCreated(img)}, OS: os, Status: st, Provenance: prov}
	return Verdict{Status: st, Prov: prov, Decision: policy.Evaluate(in, e.Policy, today)}
}

// CustomCreated is the creation time the age limit looks at: only custom
// images have one (public and marketplace images report none).
func CustomCreated(img tencent.Image) *time.Time {
	if img.Type == "PUBLIC_IMAGE" || img.Type == "MARKET_IMAGE" {
		return nil
	}
	return img.CreatedTime
}
