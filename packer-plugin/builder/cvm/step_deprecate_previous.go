package cvm

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// stepDeprecatePrevious marks the earlier images of image_family superseded
// once the new image (and its copies) are NORMAL. Tencent images cannot be
// re-tagged through the CVM API (tags of an existing image need the Tag
// service), so "superseded" is the image's own ImageDeprecated flag, set with
// ModifyImageAttribute; the successor is the newest image of the family that
// is not deprecated, which is what the provider's hardened_image selects. It runs last, so a failed build never deprecates anything
// it did not replace.
type stepDeprecatePrevious struct {
	Family string

	// deprecated is region → image ids this step deprecated; Cleanup of a
	// cancelled build restores exactly those.
	deprecated map[string][]string
}

func (s *stepDeprecatePrevious) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if s.Family == "" {
		return multistep.ActionContinue
	}
	s.deprecated = map[string][]string{}
	cl := client(state)
	newIDs := map[string][]string{cl.Region(): {state.Get(stateImageID).(string)}}
	if cp, ok := state.GetOk(stateCopies); ok {
		for r, ids := range cp.(map[string][]string) {
			newIDs[r] = append(newIDs[r], ids...)
		}
	}
	yes := true
	for _, region := range sortedRegions(newIDs) {
		rc, err := cl.ForRegion(region)
		if err != nil {
			return halt(state, err)
		}
		prev, err := previousInFamily(ctx, rc, s.Family, newIDs[region])
		if err != nil {
			return halt(state, fmt.Errorf("deprecate_previous: %w", err))
		}
		for _, im := range prev {
			ui(state).Say(fmt.Sprintf("Deprecating image %s (%s) in %s: superseded by %s in family %s",
				im.ID, im.Name, region, newIDs[region][0], s.Family))
			s.deprecated[region] = append(s.deprecated[region], im.ID)
			if err := rc.ModifyImage(ctx, im.ID, tencent.ModifyImageInput{Deprecated: &yes}); err != nil {
				return halt(state, fmt.Errorf("deprecate_previous: %w", err))
			}
		}
	}
	state.Put(stateDeprecated, s.deprecated)
	return multistep.ActionContinue
}

// previousInFamily lists this account's images of family that are NORMAL and
// not yet deprecated, except the new ones.
func previousInFamily(ctx context.Context, c *tencent.Client, family string, except []string) ([]tencent.Image, error) {
	imgs, err := c.ListImages(ctx, []tencent.Filter{
		{Name: "image-type", Values: []string{"PRIVATE_IMAGE"}},
		{Name: "image-family", Values: []string{family}},
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(imgs, func(im tencent.Image) bool {
		return im.Family != family || im.State != "NORMAL" || im.Deprecated || slices.Contains(except, im.ID)
	}), nil
}

// Cleanup un-deprecates what Run deprecated when the build is cancelled after
// it: the new images are deleted then, so the old ones are current again.
func (s *stepDeprecatePrevious) Cleanup(state multistep.StateBag) {
	if len(s.deprecated) == 0 || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	no := false
	for _, region := range sortedRegions(s.deprecated) {
		rc, rerr := client(state).ForRegion(region)
		for _, id := range s.deprecated[region] {
			err := rerr
			if err == nil {
				err = rc.ModifyImage(ctx, id, tencent.ModifyImageInput{Deprecated: &no})
			}
			if err != nil {
				ui(state).Error(fmt.Sprintf("Error restoring image %s in %s (set it not deprecated by hand): %v", id, region, err))
			}
		}
	}
}
