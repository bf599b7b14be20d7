package cvm

import (
	"context"
	"fmt"
	"strings"

	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Artifact is a hardened custom image (and its copies in other regions).
type Artifact struct {
	ImageID       string
	Region        string
	SourceImageID string
	SourceOsName  string
	Copies        map[string][]string // region → image ids
	// SharedAccounts the image and every copy are shared with (share_accounts).
	SharedAccounts []string
	// Superseded is region → earlier images of the family this build deprecated (deprecate_previous).
	Superseded map[string][]string
	Provenance *provenance.Signed
	StateData  map[string]interface{}

	client *tencent.Client
}

func (a *Artifact) BuilderId() string { return BuilderID }
func (a *Artifact) Files() []string   { return nil }

// Id is "region:img-…[,region:img-…]" like other cloud builders.
func (a *Artifact) Id() string {
	parts := []string{a.Region + ":" + a.ImageID}
	for _, r := range a.regions() {
		for _, id := range a.Copies[r] {
			parts = append(parts, r+":"+id)
		}
	}
	return strings.Join(parts, ",")
}

func (a *Artifact) regions() []string { return sortedRegions(a.Copies) }

func (a *Artifact) String() string {
	s := fmt.Sprintf("Hardened image %s in %s (from %s, %s)", a.ImageID, a.Region, a.SourceImageID, a.SourceOsName)
	if a.Provenance != nil {
		s += "\nProvenance: " + a.Provenance.Summary()
	}
	for _, r := range a.regions() {
		s += fmt.Sprintf("\nCopy in %s: %s", r, strings.Join(a.Copies[r], ", "))
	}
	if len(a.SharedAccounts) > 0 {
		what := "Image"
		if len(a.Copies) > 0 {
			what = "Image and copies"
		}
		s += fmt.Sprintf("\n%s shared with: %s", what, strings.Join(a.SharedAccounts, ", "))
	}
	for _, r := range sortedRegions(a.Superseded) {
		s += fmt.Sprintf("\nSuperseded (now deprecated) in %s: %s", r, strings.Join(a.Superseded[r], ", "))
	}
	return s
}

// State answers HCP Packer's metadata query and generated data.
func (a *Artifact) State(name string) interface{} {
	if name == registryimage.ArtifactStateURI {
		return a.registryImages()
	}
	return a.StateData[name]
}

func (a *Artifact) labels() map[string]interface{} {
	l := map[string]interface{}{"source_os_name": a.SourceOsName}
	if len(a.SharedAccounts) > 0 {
		l["shared_accounts"] = strings.Join(a.SharedAccounts, ",")
	}
	if p := a.Provenance; p != nil {
		for k, v := range p.Tags() {
			if !strings.HasPrefix(k, provenance.TagPrefix+"sig-") {
				l[strings.TrimPrefix(k, provenance.TagPrefix)] = v
			}
		}
	}
	return l
}

func (a *Artifact) registryImages() []*registryimage.Image {
	mk := func(region, id string) *registryimage.Image {
		img, err := registryimage.FromArtifact(a,
			registryimage.WithProvider("tencentcloud"), registryimage.WithID(id),
			registryimage.WithSourceID(a.SourceImageID), registryimage.WithRegion(region),
			registryimage.SetLabels(a.labels()))
		if err != nil {
			return nil
		}
		return img
	}
	out := []*registryimage.Image{mk(a.Region, a.ImageID)}
	for _, r := range a.regions() {
		for _, id := range a.Copies[r] {
			out = append(out, mk(r, id))
		}
	}
	return out
}

// Destroy deletes the image and its copies.
func (a *Artifact) Destroy() error {
	if a.client == nil {
		return fmt.Errorf("artifact %s has no client to delete it with", a.ImageID)
	}
	ctx := context.Background()
	// A shared image cannot be deleted (InvalidImageId.InShared): withdraw the shares first.
	if len(a.SharedAccounts) > 0 {
		if err := a.client.ShareImage(ctx, a.ImageID, a.SharedAccounts, false); err != nil {
			return fmt.Errorf("delete image %s in %s: %w", a.ImageID, a.Region, err)
		}
	}
	if err := a.client.DeleteImages(ctx, a.ImageID); err != nil {
		return fmt.Errorf("delete image %s in %s: %w", a.ImageID, a.Region, err)
	}
	for _, r := range a.regions() {
		rc, err := a.client.ForRegion(r)
		if err != nil {
			return err
		}
		for _, id := range a.Copies[r] {
			if len(a.SharedAccounts) == 0 {
				continue
			}
			if err := rc.ShareImage(ctx, id, a.SharedAccounts, false); err != nil {
				return fmt.Errorf("delete image copy %s in %s: %w", id, r, err)
			}
		}
		if err := rc.DeleteImages(ctx, a.Copies[r]...); err != nil {
			return fmt.Errorf("delete image copies in %s: %w", r, err)
		}
	}
	return nil
}
