package fleet

import (
	"context"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Lighthouse BlueprintType values (DescribeBlueprints).
const (
	BlueprintAppOS   = "APP_OS"  // Tencent's system blueprint with an application stack
	BlueprintPureOS  = "PURE_OS" // Tencent's plain OS system blueprint
	BlueprintDocker  = "DOCKER"  // Tencent's system blueprint with Docker
	BlueprintPrivate = "PRIVATE" // custom blueprint of this account (CreateBlueprint)
	BlueprintShared  = "SHARED"  // custom blueprint another account shared
)

// BlueprintImageType maps a BlueprintType onto the image type the policy's
// source check (allowed_image_sources) understands: system blueprints are
// Tencent's own (official), PRIVATE ones this account's, SHARED ones
// another account's. An unknown type maps to "" and skips the source check,
// as an unknown ImageType does.
func BlueprintImageType(blueprintType string) string {
	switch blueprintType {
	case BlueprintAppOS, BlueprintPureOS, BlueprintDocker:
		return "PUBLIC_IMAGE"
	case BlueprintPrivate:
		return "PRIVATE_IMAGE"
	case BlueprintShared:
		return "SHARED_IMAGE"
	}
	return ""
}

// JudgeBlueprint judges a blueprint like an image: the same catalog,
// policy, finding codes and texts, with "blueprint <id>" in the messages.
// Only custom blueprints have a creation time that max_image_age_days
// judges, as only custom images do.
func (e Evaluator) JudgeBlueprint(ctx context.Context, b tencent.Blueprint) Verdict {
	typ := BlueprintImageType(b.Type)
	created := b.CreatedTime
	if typ == "PUBLIC_IMAGE" {
		created = nil
	}
	pi := policy.Image{ID: b.ID, OsName: b.OsName, CreatedTime: created, Type: typ, Kind: policy.KindBlueprint}
	return e.JudgeAs(ctx, pi, b.Platform, b.Tags)
}
