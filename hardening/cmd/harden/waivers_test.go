package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
)

func TestWaiverFlagParsing(t *testing.T) {
	w := waiverFlag{}
	for _, v := range []string{"a-rule=legacy app, see TICKET-1,b-rule=router@2027-03-31", "c-rule=x=y", " d-rule = spaced ",
		"e-rule=ask ops@corp.example"} {
		if err := w.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]engine.Waiver{
		"a-rule": {RuleID: "a-rule", Reason: "legacy app, see TICKET-1"},
		"b-rule": {RuleID: "b-rule", Reason: "router", Expires: "2027-03-31"},
		"c-rule": {RuleID: "c-rule", Reason: "x=y"},
		"d-rule": {RuleID: "d-rule", Reason: "spaced"},
		"e-rule": {RuleID: "e-rule", Reason: "ask ops@corp.example"},
	}
	if len(w) != len(want) {
		t.Errorf("got %v", w)
	}
	for k, v := range want {
		if w[k] != v {
			t.Errorf("%s = %+v, want %+v", k, w[k], v)
		}
	}
}

func TestWaiverFlagRejects(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"a-rule", "waiver a-rule has no reason: write a-rule=reason[@YYYY-MM-DD]"},
		{"a-rule=", "waiver a-rule has no reason"},
		{"a-rule=  @2027-01-01", "waiver a-rule has no reason"},
		{"a-rule=ok,b-rule", "waiver b-rule has no reason"},
		{"a-rule=legacy@31.12.2026", `expiry "31.12.2026" is not a date: write RULE=reason@YYYY-MM-DD`},
		{"a-rule=legacy@2026-02-30", `expiry "2026-02-30" is not a date`},
	} {
		err := waiverFlag{}.Set(tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--waive %q: err %v, want %q", tc.value, err, tc.want)
		}
	}
}

// runAt runs the CLI with the clock at now.
func runAt(t *testing.T, now time.Time, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		catalog: testCatalog, now: func() time.Time { return now }, packages: enginetest.FixtureBackend{}})
	return code, out.String(), errb.String()
}

func TestWaiverExpiryAndReasonInRuns(t *testing.T) {
	root := fixtureRoot(t)
	file := filepath.Join(t.TempDir(), "waivers")
	if err := os.WriteFile(file, []byte("# comment\nbanner approved by security team @2027-01-31\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noReason := filepath.Join(t.TempDir(), "waivers")
	if err := os.WriteFile(noReason, []byte("banner @2027-01-31\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		now    time.Time
		args   []string
		code   int
		stderr string
	}{
		{"valid on its last day", day, []string{"audit", "--root", root, "--waive", "pkg-telnet-absent=legacy app@2027-01-31"}, exitFailures, ""},
		{"expired the day after", day.AddDate(0, 0, 1), []string{"audit", "--root", root, "--waive", "pkg-telnet-absent=legacy app@2027-01-31"},
			exitUsage, "waiver for rule pkg-telnet-absent (reason: legacy app) expired on 2027-01-31"},
		{"expired apply changes nothing", day.AddDate(0, 1, 0), []string{"apply", "--root", root, "--no-update", "--waive", "pkg-telnet-absent=legacy app@2027-01-31"},
			exitUsage, "expired on 2027-01-31; fix the rule, or renew the waiver"},
		{"missing reason", day, []string{"audit", "--root", root, "--waive", "pkg-telnet-absent"}, exitUsage,
			"-waive: waiver pkg-telnet-absent has no reason"},
		{"unknown rule", day, []string{"audit", "--root", root, "--waive", "no-such-rule=x@2027-12-31"}, exitUsage,
			`"no-such-rule" is not a rule`},
		{"file with expiry", day, []string{"audit", "--root", root, "--waivers", file}, exitFailures, ""},
		{"file expired", day.AddDate(1, 0, 0), []string{"audit", "--root", root, "--waivers", file}, exitUsage,
			"waiver for rule banner (reason: approved by security team) expired on 2027-01-31"},
		{"file without reason", day, []string{"audit", "--root", root, "--waivers", noReason}, exitUsage,
			"line 1: waiver banner has no reason"},
	}
	for _, tc := range cases {
		code, _, stderr := runAt(t, tc.now, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s: exit %d, want %d; stderr %q, want %q", tc.name, code, tc.code, stderr, tc.stderr)
		}
	}
	// The refused apply wrote nothing: the sysctl fix is not there.
	if _, err := os.Stat(filepath.Join(root, "etc/sysctl.d/99-zz-hardened-cis.conf")); !os.IsNotExist(err) {
		t.Errorf("apply with an expired waiver changed the root: %v", err)
	}
	code, out, _ := runAt(t, day, "audit", "--root", root, "--format", "json", "--waivers", file)
	if code != exitFailures || !strings.Contains(out, `"waiver_reason": "approved by security team"`) || !strings.Contains(out, `"waiver_expires": "2027-01-31"`) {
		t.Errorf("json report lacks the waiver from the file (exit %d):\n%s", code, out)
	}
}
