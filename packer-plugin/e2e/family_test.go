package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestBuildFamilyTwice builds one image family twice with real packer: each
// build's image and its copy are shared with share_accounts, and the second
// build deprecates the first one in both regions, which the artifact lists.
func TestBuildFamilyTwice(t *testing.T) {
	requireAcc(t)
	requireSandbox(t)
	srv := sandboxServer(t)
	e := newEnv(t, srv)
	ctx := context.Background()
	tmpl := filepath.Join(repoRoot(t), "packer-plugin", "e2e", "testdata", "family.pkr.hcl")
	build := func(name string) (string, string) {
		t.Helper()
		before := srv.Resources(region).PrivateImages
		out, err := e.packer(ctx, nil, "build", "-var", "image_name="+name, "-var", "endpoint="+srv.Endpoint(), tmpl)
		if err != nil {
			t.Fatalf("packer build %s: %v", name, err)
		}
		assertNoOrphans(t, srv, true)
		for id := range srv.Resources(region).PrivateImages {
			if _, old := before[id]; !old {
				return id, out
			}
		}
		t.Fatalf("build %s made no image", name)
		return "", ""
	}
	cl := tcClient(t, srv)
	first, out1 := build("debian13-e2e-1")
	second, out2 := build("debian13-e2e-2")
	if strings.Contains(out1, "Deprecating image") {
		t.Errorf("the first build of the family deprecated something")
	}
	if !strings.Contains(out2, "Superseded (now deprecated) in "+region+": "+first) {
		t.Errorf("the artifact of the second build does not list %s as superseded", first)
	}

	// Fresh clients: every lookup below must see the API's current answer.
	check := func(c *tencent.Client, id string, wantDeprecated bool) {
		t.Helper()
		fresh, err := c.ForRegion(c.Region())
		if err != nil {
			t.Fatal(err)
		}
		im, err := fresh.GetImage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if im.Family != "debian13-e2e" || im.State != "NORMAL" || im.Deprecated != wantDeprecated {
			t.Errorf("%s in %s: family %q state %s deprecated %v, want deprecated %v", id, c.Region(), im.Family, im.State, im.Deprecated, wantDeprecated)
		}
		if got, err := fresh.ImageShares(ctx, id); err != nil || strings.Join(got, ",") != "100012345678" {
			t.Errorf("shares of %s in %s: %v %v", id, c.Region(), got, err)
		}
	}
	check(cl, first, true)
	check(cl, second, false)
	shanghai, err := cl.ForRegion("ap-shanghai")
	if err != nil {
		t.Fatal(err)
	}
	copies, err := shanghai.ListImages(ctx, []tencent.Filter{{Name: "image-type", Values: []string{"PRIVATE_IMAGE"}}})
	if err != nil || len(copies) != 2 {
		t.Fatalf("copies in ap-shanghai: %v %v", copies, err)
	}
	for _, c := range copies {
		check(shanghai, c.ID, c.Name == "debian13-e2e-1")
	}

	for _, pair := range []struct {
		c   *tencent.Client
		ids []string
	}{{cl, []string{first, second}}, {shanghai, []string{copies[0].ID, copies[1].ID}}} {
		for _, id := range pair.ids {
			if err := pair.c.ShareImage(ctx, id, []string{"100012345678"}, false); err != nil {
				t.Error(err)
			}
		}
		if err := pair.c.DeleteImages(ctx, pair.ids...); err != nil {
			t.Error(err)
		}
	}
}
