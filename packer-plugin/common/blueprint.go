package common

import (
	"context"
	"fmt"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/fleet"
	imagepolicy "github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// BlueprintImage reads a Lighthouse blueprint as the image the gate judges:
// the same OsName and Platform, its BlueprintType mapped onto the image type
// the policy's source check knows (system blueprints are official images).
// Lighthouse has no architecture field; its blueprints are x86_64.
func BlueprintImage(b tencent.Blueprint) tencent.Image {
	img := tencent.Image{ID: b.ID, Name: b.Name, OsName: b.OsName, Platform: b.Platform, State: b.State,
		Type: fleet.BlueprintImageType(b.Type), Architecture: "x86_64", Description: b.Description, Tags: b.Tags}
	if img.Type != "PUBLIC_IMAGE" {
		img.CreatedTime = b.CreatedTime
	}
	return img
}

// SelectBaseBlueprint returns the newest system blueprint (PURE_OS, Linux)
// for f that passes the gate, chosen like SelectBaseImage chooses an image.
// Application blueprints (APP_OS, DOCKER) are left out: a hardened base
// should start from the bare OS.
func SelectBaseBlueprint(ctx context.Context, cl *tencent.Client, f ImageFilter, p LifecyclePolicy) (Candidate, error) {
	bps, err := cl.ListBlueprints(ctx, []tencent.Filter{
		{Name: "blueprint-type", Values: []string{fleet.BlueprintPureOS}},
		{Name: "platform-type", Values: []string{"LINUX_UNIX"}},
	})
	if err != nil {
		return Candidate{}, fmt.Errorf("list system blueprints in %s: %w", cl.Region(), err)
	}
	imgs := make([]tencent.Image, 0, len(bps))
	for _, b := range bps {
		if b.Type == fleet.BlueprintPureOS && b.PlatformType != "WINDOWS" {
			imgs = append(imgs, BlueprintImage(b))
		}
	}
	return SelectKind(imgs, f, p, imagepolicy.KindBlueprint)
}
