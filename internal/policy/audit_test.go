package policy

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

func auditTags(t *testing.T, key ed25519.PrivateKey, fail int, scan *provenance.ScanResult) map[string]string {
	t.Helper()
	return signedTags(t, key, func(r *provenance.Record) {
		r.ProfileVersion, r.Fail, r.Independent = "1.2.0", fail, scan
	})
}

func TestAuditFindings(t *testing.T) {
	cat, key, ring := catalogKeyRing(t)
	three, zero := 3, 0
	scan := &provenance.ScanResult{Scanner: "openscap 1.3.12 ssg-debian13-ds", Pass: 190, Fail: 5}
	tests := []struct {
		name     string
		tags     map[string]string
		trusted  *provenance.KeyRing
		policy   Policy
		allowed  bool
		codes    []string
		contains []string
	}{
		{name: "clean audit", tags: auditTags(t, key, 0, nil), trusted: ring, allowed: true},
		{name: "failed own audit refused by default", tags: auditTags(t, key, 2, nil), trusted: ring, allowed: false,
			codes: []string{CodeAuditFailed}, contains: []string{"img-00000001 (Debian 13.1 64位)", "profile debian-13 1.2.0", "failed 2 rules", "max_audit_failures = 0"}},
		{name: "within max_audit_failures", tags: auditTags(t, key, 2, nil), trusted: ring, policy: Policy{MaxAuditFailures: 2}, allowed: true},
		{name: "unverified record saying failed still refused", tags: auditTags(t, key, 1, nil), allowed: false,
			codes: []string{CodeAuditFailed}, contains: []string{"which is not verified"}},
		{name: "independent scan not checked without a limit", tags: auditTags(t, key, 0, scan), trusted: ring, allowed: true},
		{name: "independent scan over the limit", tags: auditTags(t, key, 0, scan), trusted: ring, policy: Policy{MaxIndependentFailures: &three},
			allowed: false, codes: []string{CodeIndependentFailed}, contains: []string{"openscap 1.3.12", "failed 5 of 195 rules", "max_independent_failures = 3"}},
		{name: "both over their limits", tags: auditTags(t, key, 1, scan), trusted: ring, policy: Policy{MaxIndependentFailures: &zero},
			allowed: false, codes: []string{CodeAuditFailed, CodeIndependentFailed}},
		{name: "limit without a recorded scan", tags: auditTags(t, key, 0, nil), trusted: ring, policy: Policy{MaxIndependentFailures: &zero}, allowed: true},
		{name: "warn mode reports, allows use", tags: auditTags(t, key, 4, nil), trusted: ring, policy: Policy{Mode: ModeWarn},
			allowed: false, codes: []string{CodeAuditFailed}},
		{name: "no provenance: nothing to judge", tags: nil, allowed: true},
		{name: "undecodable record: no audit finding", tags: map[string]string{provenance.TagPrefix + "scheme": "bogus"}, allowed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.policy
			p.Lifecycle = lifecycle.DefaultPolicy()
			in := input(t, cat, "img-00000001", "Debian 13.1 64位", p.Lifecycle)
			in.Provenance = CheckProvenance(tc.tags, tc.trusted)
			d := Evaluate(in, p, today)
			var got []string
			for _, r := range d.Reasons {
				got = append(got, r.Code)
			}
			if d.Allowed != tc.allowed || strings.Join(got, ",") != strings.Join(tc.codes, ",") {
				t.Fatalf("Allowed=%v codes=%v, want %v %v\n%s", d.Allowed, got, tc.allowed, tc.codes, d.Summary())
			}
			for _, s := range tc.contains {
				if !strings.Contains(d.Summary(), s) {
					t.Errorf("summary lacks %q:\n%s", s, d.Summary())
				}
			}
		})
	}
}
