package lighthouse

import (
	"context"
	"fmt"

	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// Artifact is a hardened custom Lighthouse blueprint.
type Artifact struct {
	BlueprintID       string
	Region            string
	SourceBlueprintID string
	SourceOsName      string
	Provenance        *provenance.Signed
	StateData         map[string]interface{}

	client *tencent.Client
}

func (a *Artifact) BuilderId() string { return BuilderID }
func (a *Artifact) Files() []string   { return nil }

// Id is "region:lhbp-…" like other cloud builders.
func (a *Artifact) Id() string { return a.Region + ":" + a.BlueprintID }

func (a *Artifact) String() string {
	s := fmt.Sprintf("Hardened Lighthouse blueprint %s in %s (from %s, %s)", a.BlueprintID, a.Region, a.SourceBlueprintID, a.SourceOsName)
	if a.Provenance != nil {
		s += "\nProvenance: " + a.Provenance.Summary()
	}
	return s
}

// State answers HCP Packer's metadata query and generated data.
func (a *Artifact) State(name string) interface{} {
	if name == registryimage.ArtifactStateURI {
		labels := map[string]interface{}{"source_os_name": a.SourceOsName, "product": "lighthouse"}
		if p := a.Provenance; p != nil {
			labels["profile"] = p.ProfileID
			labels["base-eol"] = ""
			if !p.BaseEOL.IsZero() {
				labels["base-eol"] = p.BaseEOL.Format("2006-01-02")
			}
			labels["signed"] = fmt.Sprint(p.IsSigned())
		}
		img, err := registryimage.FromArtifact(a, registryimage.WithProvider("tencentcloud-lighthouse"),
			registryimage.WithID(a.BlueprintID), registryimage.WithSourceID(a.SourceBlueprintID),
			registryimage.WithRegion(a.Region), registryimage.SetLabels(labels))
		if err != nil {
			return nil
		}
		return []*registryimage.Image{img}
	}
	return a.StateData[name]
}

// Destroy deletes the blueprint.
func (a *Artifact) Destroy() error {
	if a.client == nil {
		return fmt.Errorf("artifact %s has no client to delete it with", a.BlueprintID)
	}
	if err := a.client.DeleteBlueprints(context.Background(), a.BlueprintID); err != nil {
		return fmt.Errorf("artifact %s: %w", a.Id(), err)
	}
	return nil
}
