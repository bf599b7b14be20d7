package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

func TestJudgeBlueprint(t *testing.T) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	old := today.AddDate(-2, 0, 0)
	tests := []struct {
		name   string
		b      tencent.Blueprint
		pol    policy.Policy
		group  string
		code   string
		phrase string
	}{
		{name: "eol system blueprint", b: tencent.Blueprint{ID: "lhbp-c7000001", OsName: "CentOS 7.9 64位", Platform: "CENTOS", Type: BlueprintPureOS},
			group: GroupEOL, code: policy.CodeEOL, phrase: "blueprint lhbp-c7000001 (CentOS 7.9 64位) is not allowed"},
		{name: "supported system blueprint", b: tencent.Blueprint{ID: "lhbp-d1300001", OsName: "Debian 13.1 64bit", Platform: "DEBIAN", Type: BlueprintPureOS, CreatedTime: &old},
			pol: policy.Policy{MaxImageAgeDays: 30}, group: GroupOK},
		{name: "old custom blueprint", b: tencent.Blueprint{ID: "lhbp-d1300002", OsName: "Debian 13.1 64bit", Platform: "DEBIAN", Type: BlueprintPrivate, CreatedTime: &old},
			pol: policy.Policy{MaxImageAgeDays: 30}, group: GroupUnapproved, code: policy.CodeTooOld, phrase: "blueprint lhbp-d1300002"},
		{name: "restricted sources refuse system blueprints", b: tencent.Blueprint{ID: "lhbp-d1300003", OsName: "Debian 13.1 64bit", Type: BlueprintAppOS},
			pol: policy.Policy{Sources: policy.Sources{Restricted: true, Own: true}}, group: GroupUnapproved, code: policy.CodeSourceNotAllowed, phrase: "official"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.pol.Lifecycle = lifecycle.DefaultPolicy()
			v := Evaluator{Catalog: cat, Policy: tt.pol, Today: today}.JudgeBlueprint(context.Background(), tt.b)
			if g := GroupOf(v); g != tt.group {
				t.Fatalf("group %s, want %s (%s)", g, tt.group, v.Decision.Summary())
			}
			if tt.code == "" {
				if len(v.Decision.Violations()) > 0 {
					t.Fatalf("violations: %s", v.Decision.Summary())
				}
				return
			}
			for _, r := range v.Decision.Reasons {
				if r.Code == tt.code && strings.Contains(r.Message, tt.phrase) {
					return
				}
			}
			t.Fatalf("no %s finding containing %q in %q", tt.code, tt.phrase, v.Decision.Summary())
		})
	}
}

func TestBlueprintImageType(t *testing.T) {
	for in, want := range map[string]string{
		BlueprintAppOS: "PUBLIC_IMAGE", BlueprintPureOS: "PUBLIC_IMAGE", BlueprintDocker: "PUBLIC_IMAGE",
		BlueprintPrivate: "PRIVATE_IMAGE", BlueprintShared: "SHARED_IMAGE", "": "", "MARKET": "",
	} {
		if got := BlueprintImageType(in); got != want {
			t.Errorf("BlueprintImageType(%q) = %q, want %q", in, got, want)
		}
	}
}
