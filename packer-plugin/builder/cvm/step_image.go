package cvm

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version"
)

// stepReadProvenance downloads the provenance input hardened-cis left on the
// machine (the JSON audit report).
type stepReadProvenance struct {
	Path     string
	Required bool
}

func (s *stepReadProvenance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	comm, ok := state.Get("communicator").(packersdk.Communicator)
	if !ok || comm == nil {
		return halt(state, fmt.Errorf("no communicator to read %s", s.Path))
	}
	var buf bytes.Buffer
	err := comm.Download(s.Path, &buf)
	if err != nil || buf.Len() == 0 {
		if s.Required {
			return halt(state, fmt.Errorf("no provenance input at %s on the instance (%v): add the hardened-cis provisioner, or set require_provenance = false to build an unhardened image", s.Path, err))
		}
		ui(state).Say(fmt.Sprintf("No provenance input at %s: the image gets no hardened provenance tags", s.Path))
		return multistep.ActionContinue
	}
	in, err := hcommon.ParseProvenanceInput(buf.Bytes())
	if err != nil {
		return halt(state, fmt.Errorf("provenance input %s: %w", s.Path, err))
	}
	state.Put(stateProvInput, in)
	return multistep.ActionContinue
}

func (s *stepReadProvenance) Cleanup(multistep.StateBag) {}

// stepStopInstance stops the instance so the image is consistent.
type stepStopInstance struct{ Timeout time.Duration }

func (s *stepStopInstance) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	inst := state.Get(stateInstance).(tencent.Instance)
	cl := client(state)
	ui(state).Say(fmt.Sprintf("Stopping instance %s...", inst.ID))
	if err := cl.StopInstances(ctx, "SOFT_FIRST", inst.ID); err != nil {
		return halt(state, fmt.Errorf("stop instance %s: %w", inst.ID, err))
	}
	if _, err := cl.WaitInstanceState(ctx, inst.ID, "STOPPED", s.Timeout); err != nil {
		return halt(state, fmt.Errorf("instance %s: %w", inst.ID, err))
	}
	return multistep.ActionContinue
}

func (s *stepStopInstance) Cleanup(multistep.StateBag) {}

// stepCreateImage signs the provenance and captures the image.
type stepCreateImage struct {
	Config     *Config
	SigningKey ed25519.PrivateKey
	Now        func() time.Time

	imageID string
}

func (s *stepCreateImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	c := s.Config
	cl := client(state)
	inst := state.Get(stateInstance).(tencent.Instance)
	src := state.Get(stateSource).(hcommon.Candidate)
	tags := maps.Clone(c.ImageTags)
	if tags == nil {
		tags = map[string]string{}
	}
	if v, ok := state.GetOk(stateProvInput); ok {
		in := v.(hcommon.ProvenanceInput)
		rec := provenance.Record{
			ProfileID: in.Profile, ProfileVersion: in.ProfileVersion,
			Pass: in.Summary.Pass, Fail: in.Summary.Fail, Waived: in.Summary.Waived, Manual: in.Summary.Manual,
			BaseImageID: src.Image.ID, BaseOsName: src.Image.OsName, BaseEOL: src.EOLDate(),
			BuildTime: s.Now().UTC().Truncate(time.Second), BuilderVersion: version.String(),
			BundleVersion: in.BundleVersion, PackageSetHash: in.PackageSetHash,
		}
		signed, err := provenance.Sign(rec, s.SigningKey)
		if err != nil {
			return halt(state, fmt.Errorf("provenance: %w", err))
		}
		if signed.IsSigned() {
			ui(state).Say("Provenance signed with key " + signed.KeyID)
		} else {
			ui(state).Error("Provenance is UNSIGNED (no signing_key_file): images that must carry trusted provenance will reject it")
		}
		ui(state).Say("Provenance: " + signed.Summary())
		maps.Copy(tags, signed.Tags())
		state.Put(stateProvenance, signed)
	}
	desc := c.ImageDescription
	if desc == "" {
		desc = fmt.Sprintf("Hardened from %s (%s) by %s", src.Image.ID, src.Image.OsName, version.String())
	}
	ui(state).Say(fmt.Sprintf("Creating image %s from %s...", c.ImageName, inst.ID))
	id, err := cl.CreateImage(ctx, tencent.CreateImageInput{
		InstanceID: inst.ID, Name: c.ImageName, Description: truncate(desc, 280), Family: c.ImageFamily, Tags: tags,
	})
	if err != nil {
		return halt(state, fmt.Errorf("create image %s: %w", c.ImageName, err))
	}
	s.imageID = id
	ui(state).Say(fmt.Sprintf("Waiting for image %s to be NORMAL...", id))
	if _, err := cl.WaitImageNormal(ctx, id, c.StateTimeout); err != nil {
		return halt(state, fmt.Errorf("image %s: %w", id, err))
	}
	state.Put(stateImageID, id)
	ui(state).Say(fmt.Sprintf("Image %s is ready", id))
	return multistep.ActionContinue
}

// Cleanup deletes the image only when the build did not succeed: a half
// made image of a cancelled build must not look like a result.
func (s *stepCreateImage) Cleanup(state multistep.StateBag) {
	if s.imageID == "" || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	ui(state).Say(fmt.Sprintf("Deleting image %s of the failed build...", s.imageID))
	if err := client(state).DeleteImages(ctx, s.imageID); err != nil {
		ui(state).Error(fmt.Sprintf("Error deleting image %s: %v (delete it by hand)", s.imageID, err))
	}
}

// stepCopyImage copies the image to other regions.
type stepCopyImage struct {
	Regions []string
	Timeout time.Duration

	copies map[string][]string
}

func (s *stepCopyImage) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	if len(s.Regions) == 0 {
		return multistep.ActionContinue
	}
	cl := client(state)
	id := state.Get(stateImageID).(string)
	ui(state).Say(fmt.Sprintf("Copying image %s to %s...", id, strings.Join(s.Regions, ", ")))
	copies, err := cl.SyncImages(ctx, []string{id}, s.Regions)
	s.copies = copies
	if err != nil {
		return halt(state, fmt.Errorf("copy image %s to %v: %w", id, s.Regions, err))
	}
	for region, ids := range copies {
		rc, err := cl.ForRegion(region)
		if err != nil {
			return halt(state, err)
		}
		for _, cid := range ids {
			ui(state).Say(fmt.Sprintf("Waiting for copy %s in %s...", cid, region))
			if _, err := rc.WaitImageNormal(ctx, cid, s.Timeout); err != nil {
				return halt(state, fmt.Errorf("image copy %s in %s: %w", cid, region, err))
			}
		}
	}
	state.Put(stateCopies, copies)
	return multistep.ActionContinue
}

func (s *stepCopyImage) Cleanup(state multistep.StateBag) {
	if len(s.copies) == 0 || !failed(state) {
		return
	}
	ctx, cancel := cleanupContext()
	defer cancel()
	for region, ids := range s.copies {
		rc, err := client(state).ForRegion(region)
		if err == nil {
			err = rc.DeleteImages(ctx, ids...)
		}
		if err != nil {
			ui(state).Error(fmt.Sprintf("Error deleting image copies %v in %s: %v", ids, region, err))
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
