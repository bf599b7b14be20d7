package catalog

import (
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// TestCoverageCountsOnlyOwnChecks: a control met through a precondition
// rule, or whose rule the profile waives by default, is not "automated".
func TestCoverageCountsOnlyOwnChecks(t *testing.T) {
	inv := "# CIS Test Linux 1 Benchmark v1.0.0, Level 1 Server.\n" +
		"1.1\town check\tL1\tautomated\trule\tkmod-cramfs-disabled\n" +
		"1.7.2\tgdm banner\tL1\tautomated\tprecondition\tpkg-gdm-absent\n" +
		"1.7.3\tgdm lock\tL1\tautomated\tprecondition\tpkg-gdm-absent\n" +
		"5.1.4\tsshd AllowGroups\tL1\tautomated\trule\tssh-access-restricted\n" +
		"5.1.5\twaived and own rule\tL1\tautomated\trule\tssh-access-restricted,ssh-max-auth-tries\n" +
		"4.1\tnftables\tL1\tautomated\talt\tufw chosen\n" +
		"1.4.1\tgrub password\tL1\tautomated\tmanual\tsite secret\n" +
		"6.1\treview logs\tL1\tmanual\tmanual\tneeds a person\n"
	b, err := parseInventory([]byte(inv), "test.tsv")
	if err != nil {
		t.Fatal(err)
	}
	b.Platform = engine.Platform{Family: "debian", Version: "12"}
	got := b.Coverage()
	want := Coverage{Controls: 8, Automatable: 6, Alternative: 1, Covered: 2, Precondition: 2, WaivedByDefault: 1, Manual: 2}
	if got.Controls != want.Controls || got.Automatable != want.Automatable || got.Alternative != want.Alternative || got.Covered != want.Covered ||
		got.Precondition != want.Precondition || got.WaivedByDefault != want.WaivedByDefault || got.Manual != want.Manual {
		t.Errorf("coverage = %+v, want %+v", got, want)
	}
	if len(got.Uncovered) != 1 || got.Uncovered[0].ID != "1.4.1" {
		t.Errorf("uncovered = %v, want 1.4.1 only", got.Uncovered)
	}
	if s, ps := got.Share(), got.PreconditionShare(); s > 33.4 || s < 33.3 || ps > 66.7 || ps < 66.6 {
		t.Errorf("share %.2f%% (want 2/6), with preconditions %.2f%% (want 4/6)", s, ps)
	}
	if _, err := parseInventory([]byte("# CIS Test Linux 1 Benchmark v1.0.0, x\n1.7.2\tgdm\tL1\tautomated\tprecondition\t\n"), "test.tsv"); err == nil {
		t.Error("a precondition row without a rule was accepted")
	}
}
