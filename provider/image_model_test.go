package provider

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestSortNewestFirst: the order is total and independent of input order:
// OS release first (public images have no creation time), then creation
// time where present, then id.
func TestSortNewestFirst(t *testing.T) {
	at := func(d int) *time.Time { v := testToday.AddDate(0, 0, -d); return &v }
	mk := func(id, osName string, created *time.Time) verdict {
		_, os, _ := lifecycleCatalog(t).Parse(osName, "")
		return verdict{Image: tencent.Image{ID: id, OsName: osName, CreatedTime: created}, OS: os}
	}
	want := []string{
		"img-custom02", // Debian 13.1, created 1 day ago
		"img-custom01", // Debian 13.1, created 5 days ago
		"img-public02", // Debian 13.1, no time, higher id
		"img-public01", // Debian 13.1, no time
		"img-public00", // Debian 13.0
		"img-debian12", // Debian 12.4
		"img-debian9a", // Debian 9.13 (numeric, not lexical, order)
	}
	in := []verdict{
		mk("img-debian9a", "Debian 9.13 64位", nil),
		mk("img-public01", "Debian 13.1 64位", nil),
		mk("img-debian12", "Debian 12.4 64位", nil),
		mk("img-custom01", "Debian 13.1 64位", at(5)),
		mk("img-public00", "Debian 13.0 64位", nil),
		mk("img-public02", "Debian 13.1 64位", nil),
		mk("img-custom02", "Debian 13.1 64位", at(1)),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		sortNewestFirst(in)
		got := make([]string, len(in))
		for i, v := range in {
			got[i] = v.Image.ID
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("order = %v\nwant    %v", got, want)
		}
	}
}

func lifecycleCatalog(t *testing.T) *lifecycle.Catalog {
	t.Helper()
	c, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
