package tencent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// TestAllPages: the pager asks for each page at the offset reached so far, stops at the
// total or at an empty page, reports progress after every page, and on a failed page
// returns that page's offset.
func TestAllPages(t *testing.T) {
	c, _ := newTestClient(t, tcsim.StartForTest(t), nil)
	boom := errors.New("connection reset")
	for _, tc := range []struct {
		name      string
		pages     [][]int // the items of each page, in order
		total     int     // the TotalCount every page reports
		failAt    int     // index of the page that fails; -1 for none
		want      []int
		offsets   []int // the offsets asked for
		progress  []string
		errOffset int
	}{
		{"to the total", [][]int{{1, 2}, {3, 4}, {5}}, 5, -1, []int{1, 2, 3, 4, 5}, []int{0, 2, 4}, []string{"2/5", "4/5", "5/5"}, 5},
		{"empty page ends a short total", [][]int{{1, 2}, {}}, 9, -1, []int{1, 2}, []int{0, 2}, []string{"2/9", "2/9"}, 2},
		{"no total ends after one page", [][]int{{1, 2}, {3}}, 0, -1, []int{1, 2}, []int{0}, []string{"2/0"}, 2},
		{"failed page", [][]int{{1, 2}, {3}}, 3, 1, nil, []int{0, 2}, []string{"2/3"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var offsets []int
			var progress []string
			got, offset, err := allPages(ctxT(t), c, "DescribeTest", func(_ context.Context, offset int) ([]int, int, error) {
				i := len(offsets)
				offsets = append(offsets, offset)
				if i == tc.failAt {
					return nil, 0, boom
				}
				return tc.pages[i], tc.total, nil
			}, func(read, total int) { progress = append(progress, fmt.Sprintf("%d/%d", read, total)) })
			if (tc.failAt >= 0) != errors.Is(err, boom) {
				t.Fatalf("err = %v, want failure %v", err, tc.failAt >= 0)
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(offsets, tc.offsets) || !slices.Equal(progress, tc.progress) || offset != tc.errOffset {
				t.Errorf("items %v offsets %v progress %v offset %d; want %v %v %v %d",
					got, offsets, progress, offset, tc.want, tc.offsets, tc.progress, tc.errOffset)
			}
		})
	}
}
