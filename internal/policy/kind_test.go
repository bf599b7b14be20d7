package policy

import (
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
)

// A Lighthouse blueprint gets the findings and codes of a CVM image; only
// the noun and the builder to rebuild with differ, so a plan, a report and
// a policy condition read the same for both products.
func TestEvaluateKind(t *testing.T) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	lp := lifecycle.DefaultPolicy()
	tests := []struct {
		name, kind, id, osName string
		policy                 Policy
		code                   string
		want                   []string
		notWant                string
	}{
		{name: "eol image", kind: KindImage, id: "img-0000eol1", osName: "CentOS 7.9 64位", policy: Policy{Lifecycle: lp},
			code: CodeEOL, want: []string{"image img-0000eol1 (CentOS 7.9 64位) is not allowed", "2024-06-30", "Move to"}, notWant: "blueprint"},
		{name: "eol blueprint", kind: KindBlueprint, id: "lhbp-0000eol1", osName: "CentOS 7.9 64位", policy: Policy{Lifecycle: lp},
			code: CodeEOL, want: []string{"blueprint lhbp-0000eol1 (CentOS 7.9 64位) is not allowed", "2024-06-30", "Move to"}},
		{name: "blueprint without provenance", kind: KindBlueprint, id: "lhbp-00000001", osName: "Debian 13.1 64bit",
			policy: Policy{Lifecycle: lp, RequireHardened: true},
			code:   CodeNotHardened, want: []string{"blueprint lhbp-00000001 (Debian 13.1 64bit)", "hardened-lighthouse Packer builder"}, notWant: "hardened-cvm"},
		{name: "image without provenance", kind: KindImage, id: "img-00000001", osName: "Debian 13.1 64bit",
			policy: Policy{Lifecycle: lp, RequireHardened: true},
			code:   CodeNotHardened, want: []string{"image img-00000001 (Debian 13.1 64bit)", "hardened-cvm Packer builder"}, notWant: "hardened-lighthouse"},
		{name: "blueprint without scan", kind: KindBlueprint, id: "lhbp-00000002", osName: "Debian 13.1 64bit",
			policy: Policy{Lifecycle: lp, Vulns: VulnPolicy{MaxPatchAgeDays: 30}},
			code:   CodePatchesStale, want: []string{"blueprint lhbp-00000002", "hardened-lighthouse builder and the hardened-cis provisioner"}},
		{name: "own blueprint unverified", kind: KindBlueprint, id: "lhbp-00000003", osName: "Debian 13.1 64bit",
			policy: Policy{Lifecycle: lp, Sources: Sources{OwnVerifiedOnly: true}},
			code:   CodeSourceNotAllowed, want: []string{"blueprint lhbp-00000003", "hardened-lighthouse Packer builder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := input(t, cat, tt.id, tt.osName, lp)
			in.Image.Kind, in.Image.Type = tt.kind, "PRIVATE_IMAGE"
			d := Evaluate(in, tt.policy, today)
			if d.Allowed {
				t.Fatalf("allowed; want a %s finding: %s", tt.code, d.Summary())
			}
			var msg string
			for _, r := range d.Reasons {
				if r.Code == tt.code {
					msg = r.Message
				}
			}
			if msg == "" {
				t.Fatalf("no %s finding in %q", tt.code, d.Summary())
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%s message %q lacks %q", tt.code, msg, w)
				}
			}
			if tt.notWant != "" && strings.Contains(d.Summary(), tt.notWant) {
				t.Errorf("findings %q name %q", d.Summary(), tt.notWant)
			}
		})
	}
}
