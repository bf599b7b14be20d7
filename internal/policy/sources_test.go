package policy

import (
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

func TestSourceFindings(t *testing.T) {
	cat, key, ring := catalogKeyRing(t)
	verified := CheckProvenance(signedTags(t, key), ring)
	strict := Sources{Restricted: true, Official: true, Own: true, SharedAccounts: []string{"200000000002"}, MarketPublishers: []string{"300000000003"}}
	tests := []struct {
		name      string
		typ, from string
		prov      Provenance
		sources   Sources
		allowed   bool
		contains  []string
	}{
		{name: "official by default", typ: "PUBLIC_IMAGE", allowed: true},
		{name: "own by default", typ: "PRIVATE_IMAGE", from: "100000000001", allowed: true},
		{name: "shared from any account by default", typ: "SHARED_IMAGE", from: "200000000099", allowed: true},
		{name: "marketplace refused by default", typ: "MARKET_IMAGE", from: "300000000003", allowed: false,
			contains: []string{"third-party marketplace image", "第三方非认证镜像", "publisher 300000000003", "market_publishers (none)"}},
		{name: "listed publisher", typ: "MARKET_IMAGE", from: "300000000003", sources: strict, allowed: true},
		{name: "unlisted publisher", typ: "MARKET_IMAGE", from: "300000000004", sources: strict, allowed: false,
			contains: []string{"publisher 300000000004", "market_publishers (300000000003)"}},
		{name: "listed sharing account", typ: "SHARED_IMAGE", from: "200000000002", sources: strict, allowed: true},
		{name: "unlisted sharing account", typ: "SHARED_IMAGE", from: "200000000099", sources: strict, allowed: false,
			contains: []string{"shared by account 200000000099", "shared_accounts (200000000002)"}},
		{name: "official not listed", typ: "PUBLIC_IMAGE", sources: Sources{Restricted: true, Own: true}, allowed: false,
			contains: []string{"official Tencent Cloud public image", "official = true"}},
		{name: "own not listed", typ: "PRIVATE_IMAGE", sources: Sources{Restricted: true, Official: true}, allowed: false,
			contains: []string{"custom image of this account", "own = true"}},
		{name: "own without provenance, verified only", typ: "PRIVATE_IMAGE", sources: Sources{OwnVerifiedOnly: true}, allowed: false,
			contains: []string{"without verified provenance (it carries no hardened provenance tags)", "own_verified_only"}},
		{name: "own verified, verified only", typ: "PRIVATE_IMAGE", prov: verified, sources: Sources{OwnVerifiedOnly: true}, allowed: true},
		{name: "unknown type skipped", typ: "", sources: Sources{Restricted: true}, allowed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input(t, cat, "img-00000001", "Debian 13.1 64位", lifecycle.DefaultPolicy())
			in.Image.Type, in.Image.Owner, in.Provenance = tc.typ, tc.from, tc.prov
			d := Evaluate(in, Policy{Lifecycle: lifecycle.DefaultPolicy(), Sources: tc.sources}, today)
			var codes []string
			for _, r := range d.Reasons {
				codes = append(codes, r.Code)
			}
			want := ""
			if !tc.allowed {
				want = CodeSourceNotAllowed
			}
			if d.Allowed != tc.allowed || strings.Join(codes, ",") != want {
				t.Fatalf("Allowed=%v codes=%v, want %v %q\n%s", d.Allowed, codes, tc.allowed, want, d.Summary())
			}
			for _, s := range append(tc.contains, "img-00000001 (Debian 13.1 64位)") {
				if !tc.allowed && !strings.Contains(d.Summary(), s) {
					t.Errorf("summary lacks %q:\n%s", s, d.Summary())
				}
			}
		})
	}
	if SourceOf("MARKET_IMAGE") != SourceMarket || SourceOf("X") != "" {
		t.Error("SourceOf")
	}
}

func TestParseFileImageSources(t *testing.T) {
	f, err := ParseFile("p.hcl", []byte(`allowed_image_sources = { official = true, own = true, shared_accounts = ["200000000002"], market_publishers = ["300000000003"] }`))
	if err != nil {
		t.Fatal(err)
	}
	want := Sources{Restricted: true, Official: true, Own: true, SharedAccounts: []string{"200000000002"}, MarketPublishers: []string{"300000000003"}}
	if s := f.Policy.Sources; s.Restricted != want.Restricted || s.Official != want.Official || s.Own != want.Own ||
		strings.Join(s.SharedAccounts, ",") != "200000000002" || strings.Join(s.MarketPublishers, ",") != "300000000003" {
		t.Errorf("sources = %+v, want %+v", s, want)
	}
	for src, msg := range map[string]string{
		`allowed_image_sources = { public = true }`:                        `p.hcl:1: allowed_image_sources.public: unknown attribute; allowed: official`,
		`allowed_image_sources = { market_publishers = ["acme"] }`:         `allowed_image_sources.market_publishers: [0]: "acme" is not a Tencent Cloud account id`,
		`allowed_image_sources = { own = "yes" }`:                          `allowed_image_sources.own: must be true or false`,
		`allowed_image_sources = ["official"]`:                             `allowed_image_sources: must be an object`,
		`allowed_image_sources = { own = true, own_verified_only = true }`: `own_verified_only = true needs at least one key in trusted_keys`,
	} {
		if _, err := ParseFile("p.hcl", []byte(src)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: err = %v, want %q", src, err, msg)
		}
	}
}
