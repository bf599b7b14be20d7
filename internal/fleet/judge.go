package fleet

import (
	"context"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Evaluator judges images with one catalog under one policy on one day. It
// is the one place an image becomes a policy.Input: the provider (with
// Resolve, its online refresh) and the CLI both judge through it, so an
// image gets the same verdict from a plan and from hardened-report.
type Evaluator struct {
	Catalog *lifecycle.Catalog
	Policy  policy.Policy
	Today   time.Time
	// Resolve, when set, returns a catalog with one release refreshed; on
	// error the Catalog is used as it is.
	Resolve func(ctx context.Context, family, version string) (*lifecycle.Catalog, error)
}

// Judge implements Judge (the OsName's platform is the image's).
func (e Evaluator) Judge(ctx context.Context, img tencent.Image, osName string) Verdict {
	return e.JudgeOn(ctx, img, osName, img.Platform)
}

// JudgeOn judges img as running osName on platform (an instance whose image
// is gone reports its own OsName).
func (e Evaluator) JudgeOn(ctx context.Context, img tencent.Image, osName, platform string) Verdict {
	pi := policy.Image{ID: img.ID, OsName: osName, CreatedTime: CustomCreated(img), Type: img.Type, Owner: img.Creator}
	return e.JudgeAs(ctx, pi, platform, img.Tags)
}

// JudgeAs judges anything that boots like an image (a CVM image, a
// Lighthouse blueprint: pi.Kind) from its OsName and Platform and the
// provenance in its tags.
func (e Evaluator) JudgeAs(ctx context.Context, pi policy.Image, platform string, tags map[string]string) Verdict {
	today := lifecycle.Day(e.Today)
	cat := e.Catalog
	rel, os, known := cat.Parse(pi.OsName, platform)
	if known && e.Resolve != nil {
		// A failed refresh keeps the configured catalog; the lifecycle data
		// sources report refresh failures, image checks stay quiet.
		if c, err := e.Resolve(ctx, rel.Family, rel.Version); err == nil {
			cat = c
			rel, _ = c.Lookup(rel.Family, rel.Version)
		}
	}
	st := cat.Evaluate(rel, today, e.Policy.Lifecycle)
	prov := policy.CheckProvenance(tags, e.Policy.Trusted)
	in := policy.Input{Image: pi, OS: os, Status: st, Provenance: prov}
	v := Verdict{OS: os, Status: st, Prov: prov, Decision: policy.Evaluate(in, e.Policy, today)}
	if prov.Present {
		// The same breaches the policy's vulnerability_sla reasons name,
		// as data, so that reports can list them per instance.
		v.OutOfSLA = policy.SLABreaches(prov.Record.Vulns, e.Policy.Vulns.SLADays, today)
	}
	return v
}

// CustomCreated is the creation time the age limit looks at: only custom
// images have one (public and marketplace images report none).
func CustomCreated(img tencent.Image) *time.Time {
	if img.Type == "PUBLIC_IMAGE" || img.Type == "MARKET_IMAGE" {
		return nil
	}
	return img.CreatedTime
}
