package common

import (
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// TestGateUsesThePolicy: the gate takes the provider's lifecycle_overrides,
// allow_non_lts and an optional refusal of approaching_eol, and decides
// with the same engine (codes and messages) as the provider.
func TestGateUsesThePolicy(t *testing.T) {
	tos4 := tencent.Image{ID: "img-6n21msk1", OsName: "TencentOS Server 4 for x86_64", Platform: "TencentOS", Architecture: "x86_64", Type: "PUBLIC_IMAGE", State: "NORMAL"}
	stream := tencent.Image{ID: "img-stream09", OsName: "CentOS Stream 9 64位", Platform: "CentOS", Architecture: "x86_64", Type: "PUBLIC_IMAGE", State: "NORMAL"}
	jammy := tencent.Image{ID: "img-7rotv4ux", OsName: "Ubuntu Server 22.04 LTS 64bit UEFI", Platform: "Ubuntu", Architecture: "x86_64", Type: "PUBLIC_IMAGE", State: "NORMAL"}
	market := tencent.Image{ID: "img-mkt00001", OsName: "Ubuntu Server 24.04 LTS 64位", Platform: "Ubuntu", Architecture: "x86_64", Type: "MARKET_IMAGE", Creator: "300000000003", State: "NORMAL"}
	tos4Date := []LifecycleOverride{{Family: "tencentos", Version: "4", EOLStandard: "2034-12-31", Source: "Tencent support case 1"}}
	tests := []struct {
		name    string
		gate    GateConfig
		img     tencent.Image
		wantErr []string // nil: passes
	}{
		{name: "TencentOS 4 has no published EOL", img: tos4,
			wantErr: []string{"img-6n21msk1", "unknown_os", `lifecycle_overrides { family = "tencentos", version = "4", eol_standard`}},
		{name: "TencentOS 4 with an override", img: tos4, gate: GateConfig{LifecycleOverrides: tos4Date}},
		{name: "non-LTS refused", img: stream, wantErr: []string{"img-stream09", "non_lts", "allow_non_lts = true"}},
		{name: "non-LTS with allow_non_lts", img: stream, gate: GateConfig{AllowNonLTS: true}},
		{name: "approaching_eol passes by default", img: jammy},
		{name: "approaching_eol refused on request", img: jammy, gate: GateConfig{RefuseApproachingEOL: true},
			wantErr: []string{"img-7rotv4ux", "refuse_approaching_eol", "2027-04-01"}},
		{name: "third-party marketplace base", img: market, wantErr: []string{"source_not_allowed", "第三方非认证镜像"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.gate
			g.Today = "2026-11-23"
			if errs := g.Prepare(); len(errs) > 0 {
				t.Fatal(errs)
			}
			p, err := g.Policy()
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Gate(tc.img)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("passed, want a refusal")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			// Packer has no policy exceptions: no advice may name them.
			if strings.Contains(err.Error(), "exception") {
				t.Errorf("error advises an exception:\n%v", err)
			}
		})
	}
}

func TestGateOverrideErrorsNameTheBlock(t *testing.T) {
	for _, tc := range []struct {
		ov   LifecycleOverride
		want string
	}{
		{LifecycleOverride{Family: "tencentos", Version: "4", EOLStandard: "31.12.2034"}, "lifecycle_overrides[0].eol_standard"},
		{LifecycleOverride{Family: "plan9", Version: "4", EOLStandard: "2034-12-31"}, "lifecycle_overrides[0].family"},
	} {
		g := GateConfig{Today: "2026-11-23", LifecycleOverrides: []LifecycleOverride{tc.ov}}
		errs := g.Prepare()
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
			t.Errorf("%+v: errors %v, want one naming %s", tc.ov, errs, tc.want)
		}
	}
}
