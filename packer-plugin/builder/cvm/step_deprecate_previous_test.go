package cvm

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestDeprecatePrevious: the earlier NORMAL images of the family are
// deprecated in the build region and in each copy region; other families,
// already deprecated images and the new images are left alone; a cancelled
// build restores what it deprecated.
func TestDeprecatePrevious(t *testing.T) {
	_, cl, state := testState(t)
	ctx := context.Background()
	img := findImage(t, cl, "Debian 13.1 64位")
	id, err := cl.RunInstance(ctx, tencent.RunInstanceInput{Zone: testRegion + "-3", ImageID: img.ID, InstanceType: "S5.MEDIUM2", Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.WaitInstanceState(ctx, id, "RUNNING", time.Minute); err != nil {
		t.Fatal(err)
	}
	mk := func(name, family string) string {
		t.Helper()
		iid, err := cl.CreateImage(ctx, tencent.CreateImageInput{InstanceID: id, Name: name, Family: family})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cl.WaitImageNormal(ctx, iid, time.Minute); err != nil {
			t.Fatal(err)
		}
		return iid
	}
	old, other, newer := mk("cis-1", "debian13-cis"), mk("web-1", "debian13-web"), mk("cis-2", "debian13-cis")
	copies, err := cl.SyncImages(ctx, []string{old, newer}, []string{"ap-shanghai"})
	if err != nil || len(copies["ap-shanghai"]) != 2 {
		t.Fatalf("copies %v %v", copies, err)
	}
	shanghai, _ := cl.ForRegion("ap-shanghai")
	oldCopy, newCopy := copies["ap-shanghai"][0], copies["ap-shanghai"][1]
	for _, c := range copies["ap-shanghai"] {
		if _, err := shanghai.WaitImageNormal(ctx, c, time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	state.Put(stateImageID, newer)
	state.Put(stateCopies, map[string][]string{"ap-shanghai": {newCopy}})

	deprecated := func(c *tencent.Client, id string) bool {
		t.Helper()
		// ForRegion gives a client with its own cache, so the step's changes are seen
		// (in the build region the step used cl itself, whose cache ModifyImage updates).
		fresh, err := cl.ForRegion(c.Region())
		if err != nil {
			t.Fatal(err)
		}
		im, err := fresh.GetImage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return im.Deprecated
	}
	s := &stepDeprecatePrevious{Family: "debian13-cis"}
	mustContinue(t, s.Run(ctx, state), state)
	for _, tc := range []struct {
		c    *tencent.Client
		id   string
		want bool
	}{{cl, old, true}, {shanghai, oldCopy, true}, {cl, other, false}, {cl, newer, false}, {shanghai, newCopy, false}} {
		if got := deprecated(tc.c, tc.id); got != tc.want {
			t.Errorf("%s in %s: deprecated = %v, want %v", tc.id, tc.c.Region(), got, tc.want)
		}
	}
	got := state.Get(stateDeprecated).(map[string][]string)
	if len(got[testRegion]) != 1 || got[testRegion][0] != old || len(got["ap-shanghai"]) != 1 || got["ap-shanghai"][0] != oldCopy {
		t.Fatalf("recorded %v", got)
	}

	// A second run (the next build) does not touch the already deprecated image again.
	again := &stepDeprecatePrevious{Family: "debian13-cis"}
	mustContinue(t, again.Run(ctx, state), state)
	if n := len(again.deprecated[testRegion]) + len(again.deprecated["ap-shanghai"]); n != 0 {
		t.Fatalf("second run deprecated %v", again.deprecated)
	}

	state.Put(multistep.StateCancelled, true)
	s.Cleanup(state)
	if deprecated(cl, old) || deprecated(shanghai, oldCopy) {
		t.Fatal("a cancelled build left the previous images deprecated")
	}
}
