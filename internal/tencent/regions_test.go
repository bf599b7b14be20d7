package tencent

import (
	"slices"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func TestListRegionsAndInstanceProgress(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithOptions(func(o *tcsim.Options) { o.Regions = []string{"ap-shanghai", "ap-guangzhou"} }))
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	regions, err := c.ListRegions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ap-guangzhou", "ap-shanghai"}; !slices.Equal(regions, want) {
		t.Fatalf("ListRegions = %v, want %v (sorted)", regions, want)
	}
	imgs, err := c.ListImages(ctx, []Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil || len(imgs) == 0 {
		t.Fatalf("list images: %v (%d)", err, len(imgs))
	}
	for range 150 {
		if _, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-3", ImageID: imgs[0].ID, InstanceType: "S5.MEDIUM2"}); err != nil {
			t.Fatal(err)
		}
	}
	var calls [][2]int
	insts, err := c.ListInstancesProgress(ctx, nil, func(read, total int) { calls = append(calls, [2]int{read, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if want := [][2]int{{100, 150}, {150, 150}}; len(insts) != 150 || !slices.Equal(calls, want) {
		t.Fatalf("got %d instances, progress %v; want 150 and %v (one call per page)", len(insts), calls, want)
	}
}
