package catalog

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

var testNow = func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }

func mustCatalog(t *testing.T) *engine.Catalog {
	t.Helper()
	c, err := NewWithClock(testNow)
	if err != nil {
		t.Fatalf("build catalog: %v", err)
	}
	return c
}

// TestCoverage computes, per profile, the share of automatable CIS Level 1
// controls implemented by rules, and fails below 95 % or when a control has
// no disposition (the inventory parser rejects unmapped rows).
func TestCoverage(t *testing.T) {
	cat := mustCatalog(t)
	benches, err := Benchmarks()
	if err != nil {
		t.Fatal(err)
	}
	if len(benches) != 6 {
		t.Fatalf("want 6 benchmarks, got %d", len(benches))
	}
	for _, b := range benches {
		cov := b.Coverage()
		res, err := cat.Resolve(b.Profile, engine.Platform{})
		if err != nil {
			t.Fatalf("%s: %v", b.Profile, err)
		}
		t.Logf("%-13s %s v%s: %d L1 controls, %d automatable, %d automated (%.1f%%; %.1f%% counting unchosen alternatives as uncovered), %d covered by precondition (%.1f%% with them), %d waived by default, %d alternative not selected, %d manual, %d not for images; %d rules in profile incl. %s",
			b.Profile, b.ID, b.Version, cov.Controls, cov.Automatable, cov.Covered, cov.Share(), cov.RawShare(), cov.Precondition, cov.PreconditionShare(), cov.WaivedByDefault, cov.Alternative, cov.Manual, cov.Cloud, len(res.Rules), CloudBaseline)
		// The floor is on controls whose own check runs by default; it
		// only ever goes up.
		if cov.Share() < 92.5 {
			var ids []string
			for _, c := range cov.Uncovered {
				ids = append(ids, c.ID)
			}
			t.Errorf("%s: %.1f%% of automatable L1 controls automated, want ≥ 92.5%% (uncovered: %s)", b.Profile, cov.Share(), strings.Join(ids, ", "))
		}
		if cov.Controls < 200 {
			t.Errorf("%s: only %d L1 controls in the inventory: truncated?", b.Profile, cov.Controls)
		}
	}
}

// TestInventoryRulesResolve: every rule an inventory names exists, applies
// to that profile's platform (so Resolve cannot silently drop it) and
// carries the CIS reference back to the control.
func TestInventoryRulesResolve(t *testing.T) {
	cat := mustCatalog(t)
	benches, _ := Benchmarks()
	for _, b := range benches {
		res, err := cat.Resolve(b.Profile, engine.Platform{})
		if err != nil {
			t.Fatal(err)
		}
		inProfile := map[string]bool{}
		for _, r := range res.Rules {
			inProfile[r.ID] = true
		}
		for _, c := range b.Controls {
			for _, id := range c.Rules {
				r, ok := cat.Rule(id)
				if !ok {
					t.Errorf("%s %s: unknown rule %s", b.File, c.ID, id)
					continue
				}
				if !inProfile[id] {
					t.Errorf("%s %s: rule %s does not apply to %s (platforms %v)", b.File, c.ID, id, b.Platform.ID(), r.Platforms)
				}
				found := false
				for _, ref := range r.CISFor(b.ID) {
					found = found || ref.Control == c.ID
				}
				if !found {
					t.Errorf("rule %s lacks CIS reference %s %s", id, b.ID, c.ID)
				}
			}
		}
		p, _ := cat.Profile(b.Profile)
		if len(p.Manual)+len(p.NotForImage) == 0 {
			t.Errorf("%s: no manual or not-for-image controls listed: every benchmark has some", b.Profile)
		}
	}
}

// TestEveryRuleIsReferenced: no orphan rule — each has CIS references or
// belongs to the cloud-baseline layer; each has an MLPS reference except
// login banners, which MLPS does not address.
func TestEveryRuleIsReferenced(t *testing.T) {
	cat := mustCatalog(t)
	for _, r := range cat.Rules() {
		if len(r.CIS) == 0 && r.Section != "cloud" {
			t.Errorf("rule %s has no CIS reference and is not in the cloud baseline", r.ID)
		}
		if len(r.MLPS) == 0 && !strings.HasPrefix(r.ID, "banner-") {
			t.Errorf("rule %s has no MLPS mapping", r.ID)
		}
		if r.Manual == "" && len(r.Checks) == 0 {
			t.Errorf("rule %s has no checks", r.ID)
		}
	}
}

// TestProfileRuleCounts records the rule count per profile and checks the
// layer is included and the platform detection reaches each profile.
func TestProfileRuleCounts(t *testing.T) {
	cat := mustCatalog(t)
	var lines []string
	for _, p := range cat.Profiles() {
		res, err := cat.Resolve(p.ID, engine.Platform{})
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s=%d", p.ID, len(res.Rules)))
		if p.ID == CloudBaseline {
			continue
		}
		if len(res.Rules) < 150 {
			t.Errorf("%s resolves to only %d rules", p.ID, len(res.Rules))
		}
		got, ok := cat.ProfileForPlatform(p.Platform)
		if !ok || got.ID != p.ID {
			t.Errorf("platform %s does not select profile %s", p.Platform.ID(), p.ID)
		}
	}
	sort.Strings(lines)
	t.Logf("rules per profile: %s; catalog total %d", strings.Join(lines, " "), len(cat.Rules()))
}

// TestRuleIDsStable: every published id (rule-ids.txt) still exists, and
// every rule is published, so a rename shows up as a test failure.
func TestRuleIDsStable(t *testing.T) {
	data, err := os.ReadFile("rule-ids.txt")
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			published[l] = true
		}
	}
	cat := mustCatalog(t)
	for id := range published {
		if _, ok := cat.Rule(id); !ok {
			t.Errorf("published rule id %q is gone: ids must never be renamed or removed", id)
		}
	}
	for _, r := range cat.Rules() {
		if !published[r.ID] {
			t.Errorf("rule %q is not in rule-ids.txt: add it (and never rename it afterwards)", r.ID)
		}
	}
}

// TestInventoryTitlesAreOurs guards against pasting benchmark text: our
// titles are short summaries, never the benchmark's "Ensure ..." sentences.
func TestInventoryTitlesAreOurs(t *testing.T) {
	benches, err := Benchmarks()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range benches {
		for _, c := range b.Controls {
			if strings.HasPrefix(strings.ToLower(c.Title), "ensure ") || strings.Contains(c.Title, "(Automated)") || strings.Contains(c.Title, "(Manual)") {
				t.Errorf("%s %s: title %q reads like the benchmark's text; write our own summary", b.File, c.ID, c.Title)
			}
		}
	}
}
