package cvm

import (
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	hcommon "github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/common"
)

// TestCreateSignedImageAndCopy: the image carries provenance that verifies,
// copies land in the other region, image and copies are shared with
// share_accounts, and a cancelled build withdraws the shares and removes the images.
func TestCreateSignedImageAndCopy(t *testing.T) {
	srv, cl, state := testState(t)
	ctx := context.Background()
	img := findImage(t, cl, "Debian 13.1 64位")
	pol := testPolicy(t)
	cand := pol.Evaluate(img)
	state.Put(stateSource, cand)
	id, err := cl.RunInstance(ctx, tencent.RunInstanceInput{Zone: testRegion + "-3", ImageID: img.ID, InstanceType: "S5.MEDIUM2", Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := cl.WaitInstanceState(ctx, id, "RUNNING", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	state.Put(stateInstance, inst)
	in, err := hcommon.ParseProvenanceInput([]byte(`{"profile":"debian-13","tool":"harden","version":"0.1.0",
		"summary":{"pass":221,"fail":0,"waived":1,"manual":0},"packages":{"sha256":"0123abcd"}}`))
	if err != nil {
		t.Fatal(err)
	}
	state.Put(stateProvInput, in)
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	ci := &stepCreateImage{Config: &Config{ImageName: "signed", ImageTags: map[string]string{"team": "x"}, StateTimeout: time.Minute},
		SigningKey: key, Now: func() time.Time { return fixedTime }}
	mustContinue(t, ci.Run(ctx, state), state)
	imageID := state.Get(stateImageID).(string)
	got, err := cl.GetImage(ctx, imageID)
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	p, err := provenance.VerifyTags(got.Tags, ring)
	if err != nil {
		t.Fatalf("provenance of %s: %v", imageID, err)
	}
	want := provenance.Record{ProfileID: "debian-13", Pass: 221, Waived: 1, BaseImageID: img.ID, BaseOsName: img.OsName,
		BaseEOL: cand.EOLDate(), BuildTime: fixedTime, BuilderVersion: p.BuilderVersion, BundleVersion: "harden 0.1.0",
		PackageSetHash: "sha256:0123abcd"}
	if p.Record != want || got.Tags["team"] != "x" {
		t.Fatalf("provenance %+v\nwant %+v", p.Record, want)
	}

	cp := &stepCopyImage{Regions: []string{"ap-shanghai"}, Timeout: time.Minute}
	mustContinue(t, cp.Run(ctx, state), state)
	copies := state.Get(stateCopies).(map[string][]string)
	if len(copies["ap-shanghai"]) != 1 {
		t.Fatalf("copies %v", copies)
	}
	if n := len(srv.Resources("ap-shanghai").PrivateImages); n != 1 {
		t.Fatalf("%d images in ap-shanghai", n)
	}

	// share_accounts: the image and its copy, each through its own region (DescribeImageSharePermission).
	accounts := []string{"100012345678", "200012345678"}
	sh := &stepShareImage{Accounts: accounts}
	mustContinue(t, sh.Run(ctx, state), state)
	shanghai, err := cl.ForRegion("ap-shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cl *tencent.Client
		id string
	}{{cl, imageID}, {shanghai, copies["ap-shanghai"][0]}} {
		if got, err := tc.cl.ImageShares(ctx, tc.id); err != nil || strings.Join(got, ",") != strings.Join(accounts, ",") {
			t.Fatalf("shares of %s in %s: %v %v", tc.id, tc.cl.Region(), got, err)
		}
	}
	a := &Artifact{ImageID: imageID, Region: testRegion, Copies: copies, SharedAccounts: state.Get(stateShares).([]string)}
	if str := a.String(); !strings.Contains(str, "Image and copies shared with: 100012345678, 200012345678") {
		t.Errorf("artifact String() does not list the shares:\n%s", str)
	}

	// A cancelled build withdraws the shares first: tcsim (like the API) refuses to delete a shared image.
	state.Put(multistep.StateCancelled, true)
	sh.Cleanup(state)
	cp.Cleanup(state)
	ci.Cleanup(state)
	if n := len(srv.Resources("ap-shanghai").PrivateImages) + len(srv.Resources(testRegion).PrivateImages); n != 0 {
		t.Fatalf("%d images left after a cancelled build", n)
	}
}
