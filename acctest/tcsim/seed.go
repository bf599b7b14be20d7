package tcsim

import (
	"fmt"
	"time"
)

// imageStates are the ImageState values of the CVM API (models.go of the SDK).
var imageStates = []string{"CREATING", "NORMAL", "CREATEFAILED", "USING", "SYNCING", "IMPORTING", "IMPORTFAILED"}

// A seed image's origin fields let tests hold images a real account sees besides the official
// catalog: custom images of the account (PRIVATE_IMAGE), images other accounts share with it
// (SHARED_IMAGE, ImageCreator = the sharing account), marketplace images (MARKET_IMAGE,
// ImageCreator = the publisher's account), and images that are still CREATING or failed
// (CREATEFAILED).

func validateOrigin(o SeedImage) error {
	if o.ImageType != "" && !contains(imageTypes, o.ImageType) {
		return fmt.Errorf("ImageType %q is not one of %v", o.ImageType, imageTypes)
	}
	if o.ImageState != "" && !contains(imageStates, o.ImageState) {
		return fmt.Errorf("ImageState %q is not one of %v", o.ImageState, imageStates)
	}
	if o.ImageSource != "" && !contains([]string{"OFFICIAL", "CREATE_IMAGE", "EXTERNAL_IMPORT"}, o.ImageSource) {
		return fmt.Errorf("ImageSource %q is not one of OFFICIAL, CREATE_IMAGE, EXTERNAL_IMPORT", o.ImageSource)
	}
	if (o.ImageType == "SHARED_IMAGE" || o.ImageType == "MARKET_IMAGE") && !validUin(o.ImageCreator) {
		return fmt.Errorf("ImageCreator %q: a %s needs the account id (digits) of its owner or publisher", o.ImageCreator, o.ImageType)
	}
	if o.CreatedTime != "" {
		if _, err := time.Parse(time.RFC3339, o.CreatedTime); err != nil {
			return fmt.Errorf("CreatedTime %q is not an RFC 3339 time (2026-11-01T08:00:00Z)", o.CreatedTime)
		}
	}
	return nil
}

// applyOrigin sets the origin of o on a record built as an official public image.
func applyOrigin(o SeedImage, im *imageRec) {
	if o.ImageState != "" {
		im.ImageState = o.ImageState
		if o.ImageState != "NORMAL" {
			im.SyncPercent = 0
		}
	}
	if o.ImageType == "" || o.ImageType == "PUBLIC_IMAGE" {
		if o.ImageSource != "" {
			im.ImageSource = o.ImageSource
		}
		return
	}
	im.ImageType, im.ImageSource, im.Seeded = o.ImageType, "CREATE_IMAGE", true
	if o.ImageSource != "" {
		im.ImageSource = o.ImageSource
	}
	if o.ImageCreator != "" {
		im.ImageCreator = sp(o.ImageCreator)
	}
	if o.CreatedTime != "" {
		im.CreatedTime = sp(o.CreatedTime)
	}
}

func validUin(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
