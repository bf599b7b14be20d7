package catalog

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// TestRuleCases is the table-driven failing/passing test of every rule: on
// each hardened fixture root, for every rule that applies to the platform,
// the root passes the rule (passing case), a planted violation makes it
// fail (failing case), the fix makes it pass again and a second fix
// changes nothing. Every rule of the catalog must get both cases on at
// least one platform.
func TestRuleCases(t *testing.T) {
	requireRoot(t)
	cat := mustCatalog(t)
	ctx := context.Background()
	passing, failing, fixed := map[string][]string{}, map[string][]string{}, map[string][]string{}
	for _, pl := range fixturePlatforms {
		t.Run(pl, func(t *testing.T) {
			hardened, res := hardenFixture(t, cat, pl)
			platform := res.Profile.Platform
			root := filepath.Join(t.TempDir(), "root")
			copyTree(t, hardened, root)
			pristine := statTree(t, root)
			first := true
			for _, r := range cat.Rules() {
				if !r.AppliesTo(platform) || r.Manual != "" {
					continue
				}
				if !first {
					resetTree(t, hardened, root, pristine)
				}
				first = false
				tg := openTarget(t, root)
				opts := engine.RunOptions{Exec: fixtureExec}
				st := engine.Audit(ctx, tg, []*engine.Rule{r}, opts)[0]
				if st.Status == engine.StatusFail && !r.AuditOnly {
					// Waived by default: not applied by the profile run.
					if ar := engine.Apply(ctx, tg, []*engine.Rule{r}, opts); ar.Err != nil || ar.After[0].Status != engine.StatusFixed {
						t.Errorf("%s: cannot bring to a passing state: %v %s", r.ID, ar.Err, ar.After[0].Detail)
						continue
					}
					st = engine.Audit(ctx, tg, []*engine.Rule{r}, opts)[0]
				}
				switch st.Status {
				case engine.StatusPass:
					passing[r.ID] = append(passing[r.ID], pl)
				case engine.StatusNotApplicable:
				default:
					t.Errorf("%s on hardened %s: %s %s", r.ID, pl, st.Status, st.Detail)
					continue
				}

				b := breaker{t: t, root: root, tg: tg}
				broke := false
				for _, c := range r.Checks {
					broke = b.breakCheck(c) || broke
				}
				if !broke {
					continue
				}
				tg = openTarget(t, root) // fresh caches after planting
				st = engine.Audit(ctx, tg, []*engine.Rule{r}, opts)[0]
				switch st.Status {
				case engine.StatusFail:
					failing[r.ID] = append(failing[r.ID], pl)
				case engine.StatusNotApplicable:
					continue
				default:
					t.Errorf("%s: planted violation not detected on %s: %s %s", r.ID, pl, st.Status, st.Detail)
					continue
				}
				if r.AuditOnly {
					continue
				}
				ar := engine.Apply(ctx, tg, []*engine.Rule{r}, opts)
				if ar.Err != nil || ar.After[0].Status != engine.StatusFixed {
					t.Errorf("%s: fix on %s: err %v, status %s: %s", r.ID, pl, ar.Err, ar.After[0].Status, ar.After[0].Detail)
					continue
				}
				fixed[r.ID] = append(fixed[r.ID], pl)
				passing[r.ID] = append(passing[r.ID], pl+"(fixed)")
				snap := statTree(t, root)
				again := engine.Apply(ctx, openTarget(t, root), []*engine.Rule{r}, opts)
				if again.Err != nil || len(again.Planned) > 0 || again.After[0].Status != engine.StatusPass {
					t.Errorf("%s: second fix on %s not a no-op: planned %v err %v status %s", r.ID, pl, again.Planned, again.Err, again.After[0].Status)
				}
				if d := diffTrees(snap, statTree(t, root)); len(d) > 0 {
					t.Errorf("%s: second fix on %s changed files: %s", r.ID, pl, strings.Join(d, "; "))
				}
			}
		})
	}
	var missing []string
	for _, r := range cat.Rules() {
		if r.Manual != "" {
			continue
		}
		switch {
		case len(failing[r.ID]) == 0:
			missing = append(missing, r.ID+" (no failing case)")
		case len(passing[r.ID]) == 0:
			missing = append(missing, r.ID+" (no passing case)")
		case !r.AuditOnly && len(fixed[r.ID]) == 0:
			missing = append(missing, r.ID+" (never fixed)")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d rules lack fixture cases:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	t.Logf("%d rules: %d with failing cases, %d fixed by apply", len(cat.Rules()), len(failing), len(fixed))
}
