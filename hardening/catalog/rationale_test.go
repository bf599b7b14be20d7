package catalog

import (
	"strings"
	"testing"
	"time"
)

// TestEveryRuleHasRationale: the reports show each rule's rationale, so a
// rule without one (or with one that says nothing specific) fails here.
func TestEveryRuleHasRationale(t *testing.T) {
	const maxLen = 200 // one line in a report
	seen := map[string]string{}
	for _, r := range Rules(time.Now) {
		why := r.Rationale
		switch {
		case strings.TrimSpace(why) == "":
			t.Errorf("rule %s has no rationale: wrap it as why(rule(...), \"what it protects against\") (hardening/doc.go, Writing a rule)", r.ID)
		case strings.ContainsAny(why, "\n\r"):
			t.Errorf("rule %s: rationale must be one line, got %q", r.ID, why)
		case len(why) > maxLen:
			t.Errorf("rule %s: rationale is %d characters, keep it under %d: %q", r.ID, len(why), maxLen, why)
		case strings.EqualFold(strings.TrimSpace(why), strings.TrimSpace(r.Title)):
			t.Errorf("rule %s: rationale repeats the title; say what the rule protects against", r.ID)
		case seen[why] != "":
			t.Errorf("rules %s and %s share the rationale %q; say what each one protects against", seen[why], r.ID, why)
		}
		seen[why] = r.ID
	}
}
