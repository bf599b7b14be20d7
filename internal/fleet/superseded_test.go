package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// ListImages answers the image-family filter from f.images.
func (f *fakeSource) ListImages(_ context.Context, filters []tencent.Filter) ([]tencent.Image, error) {
	var out []tencent.Image
	for _, img := range f.images {
		ok := true
		for _, fl := range filters {
			if fl.Name == "image-family" && (len(fl.Values) != 1 || img.Family != fl.Values[0]) {
				ok = false
			}
		}
		if ok {
			out = append(out, img)
		}
	}
	return out, nil
}

// countingSource counts ListImages calls.
type countingSource struct {
	*fakeSource
	lists int
}

func (c *countingSource) ListImages(ctx context.Context, filters []tencent.Filter) ([]tencent.Image, error) {
	c.lists++
	return c.fakeSource.ListImages(ctx, filters)
}

func custom(id, name, family string, created time.Time, deprecated bool, state string) tencent.Image {
	return tencent.Image{ID: id, Name: name, OsName: "Debian 13.1 64位", Type: "PRIVATE_IMAGE", Platform: "Debian",
		Family: family, CreatedTime: &created, Deprecated: deprecated, State: state}
}

// TestCollectSupersededImages: instances on a deprecated image of a family
// get image_superseded naming the newest NORMAL, not deprecated image of the
// family; a deprecated image without a family, or whose family has no
// successor, gets no such finding; one ListImages per family.
func TestCollectSupersededImages(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	src := &countingSource{fakeSource: &fakeSource{region: "ap-guangzhou",
		instances: []tencent.Instance{
			{ID: "ins-old1", ImageID: "img-cis00001"}, {ID: "ins-old2", ImageID: "img-cis00001"},
			{ID: "ins-mid", ImageID: "img-cis00002"},
			{ID: "ins-new", ImageID: "img-cis00004"},
			{ID: "ins-lone", ImageID: "img-lone0001"},
			{ID: "ins-nofam", ImageID: "img-nofam001"},
		},
		images: map[string]tencent.Image{
			"img-cis00001": custom("img-cis00001", "cis-1", "debian13-cis", day(1), true, "NORMAL"),
			"img-cis00002": custom("img-cis00002", "cis-2", "debian13-cis", day(2), true, "NORMAL"),
			"img-cis00003": custom("img-cis00003", "cis-3", "debian13-cis", day(4), false, "CREATING"), // not usable yet
			"img-cis00004": custom("img-cis00004", "cis-4", "debian13-cis", day(3), false, "NORMAL"),
			"img-lone0001": custom("img-lone0001", "lone-1", "lone", day(1), true, "NORMAL"),
			"img-nofam001": custom("img-nofam001", "nofam", "", day(1), true, "NORMAL"),
		},
	}}
	rep, err := Collect(context.Background(), []Source{src}, Options{Judge: evaluator(t, policy.Policy{})})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ins-old1": "img-cis00004", "ins-old2": "img-cis00004", "ins-mid": "img-cis00004",
		"ins-new": "", "ins-lone": "", "ins-nofam": ""}
	for _, in := range rep.Instances {
		hasCode := strings.Contains(strings.Join(in.Codes, ","), CodeImageSuperseded)
		if in.SupersededBy != want[in.ID] || hasCode != (want[in.ID] != "") {
			t.Errorf("%s on %s: superseded_by %q codes %v, want %q", in.ID, in.ImageID, in.SupersededBy, in.Codes, want[in.ID])
		}
		if in.ID == "ins-old1" && !strings.Contains(strings.Join(in.Reasons, "\n"), "move to img-cis00004") {
			t.Errorf("reasons of %s do not name the successor: %v", in.ID, in.Reasons)
		}
	}
	if src.lists != 2 {
		t.Errorf("%d ListImages calls, want 2 (families debian13-cis and lone)", src.lists)
	}
}
