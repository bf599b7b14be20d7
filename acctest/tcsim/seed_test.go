package tcsim

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeedImageSources loads testdata/image-sources.json (shared, marketplace, creating and failed
// images) and checks DescribeImages reports them with the real API's fields, the image-type filter
// finds them, and orphan checks leave them out.
func TestSeedImageSources(t *testing.T) {
	srv := StartForTest(t, WithOptions(func(o *Options) { o.SeedFile = filepath.Join("testdata", "image-sources.json") }))
	want := map[string]struct{ typ, state, creator, created string }{
		"img-sh4r3d01": {"SHARED_IMAGE", "NORMAL", "200000000002", "2026-11-10T03:00:00Z"},
		"img-mkt00001": {"MARKET_IMAGE", "NORMAL", "300000000003", "2026-09-01T00:00:00Z"},
		"img-cr3at1ng": {"PRIVATE_IMAGE", "CREATING", "100000000001", "2026-11-22T10:00:00Z"},
		"img-fa1led01": {"PRIVATE_IMAGE", "CREATEFAILED", "100000000001", "2026-11-21T10:00:00Z"},
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	got := mustCall(t, srv, "cvm", "DescribeImages", map[string]any{"ImageIds": ids})
	set := got["ImageSet"].([]any)
	if len(set) != len(want) {
		t.Fatalf("DescribeImages returned %d images, want %d: %v", len(set), len(want), got)
	}
	for _, raw := range set {
		im := raw.(map[string]any)
		w := want[im["ImageId"].(string)]
		if im["ImageType"] != w.typ || im["ImageState"] != w.state || im["ImageCreator"] != w.creator || im["CreatedTime"] != w.created ||
			im["ImageSource"] != "CREATE_IMAGE" {
			t.Errorf("%v: got %v", im["ImageId"], im)
		}
	}
	market := mustCall(t, srv, "cvm", "DescribeImages", map[string]any{"Filters": []map[string]any{{"Name": "image-type", "Values": []string{"MARKET_IMAGE"}}}})
	if market["TotalCount"].(float64) != 2 {
		t.Errorf("MARKET_IMAGE filter: %v images, want 2", market["TotalCount"])
	}
	if res := srv.Resources("ap-guangzhou"); len(res.PrivateImages) != 0 {
		t.Errorf("seeded images count as created resources: %v", res.PrivateImages)
	}
	// Public images stay official with a null creator and creation time.
	pub := mustCall(t, srv, "cvm", "DescribeImages", map[string]any{"Filters": []map[string]any{{"Name": "image-type", "Values": []string{"PUBLIC_IMAGE"}}}, "Limit": 1})
	if im := pub["ImageSet"].([]any)[0].(map[string]any); im["ImageSource"] != "OFFICIAL" || im["ImageCreator"] != nil || im["CreatedTime"] != nil {
		t.Errorf("public image: %v", im)
	}
}

func TestSeedImageOriginErrors(t *testing.T) {
	dir := t.TempDir()
	for body, want := range map[string]string{
		`{"Images":[{"OsName":"x","Platform":"Linux","ImageType":"OWN_IMAGE"}]}`:                           "ImageType \"OWN_IMAGE\" is not one of",
		`{"Images":[{"OsName":"x","Platform":"Linux","ImageState":"READY"}]}`:                              "ImageState \"READY\" is not one of",
		`{"Images":[{"OsName":"x","Platform":"Linux","ImageSource":"MARKET"}]}`:                            "ImageSource \"MARKET\"",
		`{"Images":[{"OsName":"x","Platform":"Linux","ImageType":"MARKET_IMAGE"}]}`:                        "needs the account id",
		`{"Images":[{"OsName":"x","Platform":"Linux","ImageType":"SHARED_IMAGE","ImageCreator":"acme"}]}`:  "needs the account id",
		`{"Images":[{"OsName":"x","Platform":"Linux","ImageType":"PRIVATE_IMAGE","CreatedTime":"today"}]}`: "not an RFC 3339 time",
	} {
		bad := filepath.Join(dir, "bad.json")
		writeFile(t, bad, body)
		_, err := Start(context.Background(), Options{Credentials: map[string]string{"a": "b"}, SeedFile: bad})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Images[0]") {
			t.Errorf("seed %s: err = %v, want %q", body, err, want)
		}
	}
}
