package common

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	imagepolicy "github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

func policy(t *testing.T, allowExtended bool) LifecyclePolicy {
	t.Helper()
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return LifecyclePolicy{Catalog: cat, Today: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		Policy: lifecycle.Policy{WarnDays: 180, AllowExtended: allowExtended}}
}

func img(id, osName, arch string) tencent.Image {
	return tencent.Image{ID: id, OsName: osName, Platform: "Debian", Architecture: arch, Type: "PUBLIC_IMAGE", State: "NORMAL"}
}

func TestSelect(t *testing.T) {
	imgs := []tencent.Image{
		img("img-d10", "Debian 10.13 64位", "x86_64"),
		img("img-d12", "Debian 12.4 64位", "x86_64"),
		img("img-d13a", "Debian 13.1 64位", "x86_64"),
		img("img-d13b", "Debian 13.10 64位", "x86_64"),
		img("img-d13z", "Debian 13.10 64位", "x86_64"), // same release: higher id wins
		img("img-d13u", "Debian 13.10 64bit UEFI", "x86_64"),
		img("img-d13arm", "Debian 13.1 64位 ARM", "arm"),
		{ID: "img-priv", OsName: "Debian 13.11 64位", Architecture: "x86_64", Type: "PRIVATE_IMAGE", State: "NORMAL"},
		{ID: "img-creating", OsName: "Debian 13.12 64位", Architecture: "x86_64", Type: "PUBLIC_IMAGE", State: "CREATING"},
	}
	tests := []struct {
		name    string
		filter  ImageFilter
		extend  bool
		want    string
		wantErr []string
	}{
		{name: "newest point release, deterministic tie", filter: ImageFilter{OSFamily: "debian", OSVersion: "13", Architecture: "x86_64"}, want: "img-d13z"},
		{name: "family only picks newest supported", filter: ImageFilter{OSFamily: "debian", Architecture: "x86_64"}, want: "img-d13z"},
		{name: "arm", filter: ImageFilter{OSFamily: "debian", OSVersion: "13", Architecture: "arm"}, want: "img-d13arm"},
		{name: "extended refused", filter: ImageFilter{OSFamily: "debian", OSVersion: "12", Architecture: "x86_64"},
			wantErr: []string{"img-d12", "allow_extended_support", "Debian 13"}},
		{name: "extended allowed", filter: ImageFilter{OSFamily: "debian", OSVersion: "12", Architecture: "x86_64"}, extend: true, want: "img-d12"},
		{name: "eol refused", filter: ImageFilter{OSFamily: "debian", OSVersion: "10", Architecture: "x86_64"},
			wantErr: []string{"img-d10", "Debian 10.13 64位", "2022-09-10", "Build from Debian 13"}},
		{name: "nothing matches", filter: ImageFilter{OSFamily: "ubuntu", OSVersion: "24.04", Architecture: "x86_64"},
			wantErr: []string{"no official image matches", "Ubuntu 24.04"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Input order must not matter.
			for _, in := range [][]tencent.Image{imgs, reversed(imgs)} {
				c, err := Select(in, tc.filter, policy(t, tc.extend))
				if len(tc.wantErr) > 0 {
					if err == nil {
						t.Fatalf("selected %s, want an error", c.Image.ID)
					}
					for _, w := range tc.wantErr {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error lacks %q: %v", w, err)
						}
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if c.Image.ID != tc.want {
					t.Fatalf("selected %s, want %s", c.Image.ID, tc.want)
				}
			}
		})
	}
	_, err := Select(imgs, ImageFilter{OSFamily: "ubuntu", Architecture: "x86_64"}, policy(t, false))
	if !errors.Is(err, ErrNoImage) {
		t.Errorf("want ErrNoImage, got %v", err)
	}
}

func reversed(in []tencent.Image) []tencent.Image {
	out := make([]tencent.Image, len(in))
	for i, v := range in {
		out[len(in)-1-i] = v
	}
	return out
}

func TestImageFilterPrepare(t *testing.T) {
	f := ImageFilter{OSFamily: "Ubuntu", OSVersion: "22.04.3", Architecture: "amd64"}
	if errs := f.Prepare(""); len(errs) > 0 || f.OSFamily != "ubuntu" || f.OSVersion != "22.04" || f.Architecture != "x86_64" {
		t.Fatalf("%v %+v", errs, f)
	}
	f = ImageFilter{}
	if errs := f.Prepare("x."); len(errs) == 0 || !strings.Contains(errs[0].Error(), "x.os_family is required") {
		t.Fatalf("%v", errs)
	}
}

func TestParseProvenanceInput(t *testing.T) {
	in, err := ParseProvenanceInput([]byte(`{"profile":"debian-13","tool":"harden","version":"0.1.0","benchmark_version":"1.0.0",
		"summary":{"pass":3,"fail":1,"waived":2,"manual":1},"packages":{"sha256":"abc"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if in.BundleVersion != "harden 0.1.0" || in.PackageSetHash != "sha256:abc" || in.Summary.Fail != 1 || in.ProfileVersion != "1.0.0" {
		t.Fatalf("%+v", in)
	}
	if _, err := ParseProvenanceInput([]byte(`{}`)); err == nil {
		t.Fatal("report without profile accepted")
	}
}

// TestGateKindBlueprint: a Lighthouse blueprint is refused with the same
// reasons as an image, but the messages call it a blueprint and name the
// hardened-lighthouse builder where they ask for a rebuild.
func TestGateKindBlueprint(t *testing.T) {
	p := policy(t, false)
	eol := tencent.Image{ID: "lhbp-0000eol1", OsName: "CentOS 7.9 64bit", Platform: "CENTOS", Type: "PUBLIC_IMAGE", State: "NORMAL", Architecture: "x86_64"}
	_, err := p.GateKind(eol, imagepolicy.KindBlueprint)
	var ge *GateError
	if !errors.As(err, &ge) {
		t.Fatalf("EOL blueprint passed the gate: %v", err)
	}
	for _, want := range []string{"base blueprint lhbp-0000eol1 (\"CentOS 7.9 64bit\") is refused", "2024-06-30", "Build from"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("gate error %q lacks %q", err, want)
		}
	}
	if _, err := p.Gate(eol); err == nil || !strings.Contains(err.Error(), "base image lhbp-0000eol1") {
		t.Errorf("Gate of an image: %v", err)
	}
	ok := tencent.Image{ID: "lhbp-deb13", OsName: "Debian 13.1 64bit", Platform: "DEBIAN", Type: "PUBLIC_IMAGE", State: "NORMAL", Architecture: "x86_64"}
	old := ok
	old.ID, old.OsName = "lhbp-deb10", "Debian 10.13 64bit"
	c, err := SelectKind([]tencent.Image{old, ok}, ImageFilter{OSFamily: "debian", Architecture: "x86_64"}, p, imagepolicy.KindBlueprint)
	if err != nil || c.Image.ID != "lhbp-deb13" || c.Kind != imagepolicy.KindBlueprint {
		t.Fatalf("SelectKind: %+v %v", c, err)
	}
	_, err = SelectKind([]tencent.Image{old}, ImageFilter{OSFamily: "debian", OSVersion: "10", Architecture: "x86_64"}, p, imagepolicy.KindBlueprint)
	if err == nil || !strings.Contains(err.Error(), "every official Debian 10 x86_64 system blueprint is refused") || !strings.Contains(err.Error(), "base blueprint lhbp-deb10") {
		t.Fatalf("SelectKind of only EOL blueprints: %v", err)
	}
}
