package catalog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

const (
	pwqPAM      = "password requisite pam_pwquality.so retry=3\npassword [success=1 default=ignore] pam_unix.so obscure use_authtok yescrypt\n"
	faillockPAM = "auth requisite pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\nauth [default=die] pam_faillock.so authfail\n"
)

// TestPAMConfSetting runs the pwquality and faillock settings through the
// cases of the CIS audit procedure (Debian 12 v1.1 5.3.3.1.1-2 and
// 5.3.3.2.x): the value may come from pwquality.conf or a .d drop-in, the
// last one read wins, and no PAM module argument may set a weaker value.
// Each case audits, fixes a failure, audits again and requires a second
// fix to change nothing.
func TestPAMConfSetting(t *testing.T) {
	minlen := pamConfSetting{Conf: []string{pwqualityDropIn, pwqualityConf}, Main: pwqualityConf, PAM: pamPasswordDeb,
		Type: "password", Module: "pam_pwquality.so", Key: "minlen", Value: "14", Accept: atLeast(14)}
	deny := pamConfSetting{Conf: []string{faillockConf}, Main: faillockConf, PAM: pamAuthDeb,
		Type: "auth", Module: "pam_faillock.so", Key: "deny", Value: "5", Accept: between(1, 5)}
	unlock := deny
	unlock.Key, unlock.Value, unlock.Accept = "unlock_time", "900", func(s string) bool { return s == "0" || atLeast(900)(s) }
	cases := []struct {
		name  string
		check pamConfSetting
		files map[string]string
		fail  string            // "" = passes as found
		after map[string]string // file → substring required after the fix
	}{
		{name: "pwquality.conf sets it", check: minlen,
			files: map[string]string{pwqualityConf: "minlen = 14\n", pamPasswordDeb[0]: pwqPAM}},
		{name: "a drop-in sets it", check: minlen,
			files: map[string]string{pwqualityConf: "# minlen = 8\n", "/etc/security/pwquality.conf.d/50-cis.conf": "minlen=15\n", pamPasswordDeb[0]: pwqPAM}},
		{name: "not set anywhere", check: minlen,
			files: map[string]string{pwqualityConf: "# minlen = 14\n", pamPasswordDeb[0]: pwqPAM},
			fail:  "minlen is not set", after: map[string]string{pwqualityConf: "# minlen = 14\nminlen = 14\n"}},
		{name: "pwquality.conf is read after the drop-ins and overrides them", check: minlen,
			files: map[string]string{pwqualityConf: "minlen = 8\n", "/etc/security/pwquality.conf.d/50-cis.conf": "minlen = 14\n", pamPasswordDeb[0]: pwqPAM},
			fail:  "pwquality.conf line 1: minlen = 8, want 14 (overrides minlen = 14 in /etc/security/pwquality.conf.d/50-cis.conf line 1)",
			after: map[string]string{pwqualityConf: "minlen = 14\n"}},
		{name: "a later drop-in overrides an earlier one", check: minlen,
			files: map[string]string{"/etc/security/pwquality.conf.d/10-a.conf": "minlen = 14\n", "/etc/security/pwquality.conf.d/20-b.conf": "minlen = 6\n", pamPasswordDeb[0]: pwqPAM},
			fail:  "20-b.conf line 1: minlen = 6, want 14 (overrides minlen = 14 in /etc/security/pwquality.conf.d/10-a.conf",
			after: map[string]string{"/etc/security/pwquality.conf.d/20-b.conf": "# harden: minlen = 6\n", pwqualityConf: "minlen = 14\n"}},
		{name: "a weaker pam_pwquality argument wins over the file", check: minlen,
			files: map[string]string{pwqualityConf: "minlen = 14\n", pamPasswordDeb[0]: "password requisite pam_pwquality.so retry=3 minlen=8\n"},
			fail:  "common-password line 1: pam_pwquality.so minlen=8 overrides the configuration files",
			after: map[string]string{pamPasswordDeb[0]: "password requisite pam_pwquality.so retry=3 minlen=14\n"}},
		{name: "a stronger argument is fine", check: minlen,
			files: map[string]string{pwqualityConf: "minlen = 14\n", pamPasswordDeb[0]: "password requisite pam_pwquality.so minlen=16 retry=3\n"}},
		{name: "a commented-out PAM line does not count", check: minlen,
			files: map[string]string{pwqualityConf: "minlen = 14\n", pamPasswordDeb[0]: "#password requisite pam_pwquality.so minlen=8\n" + pwqPAM}},
		{name: "faillock.conf sets deny", check: deny,
			files: map[string]string{faillockConf: "deny = 4\n", pamAuthDeb[0]: faillockPAM}},
		{name: "pam_faillock deny= argument overrides faillock.conf", check: deny,
			files: map[string]string{faillockConf: "deny = 5\n", pamAuthDeb[0]: strings.Replace(faillockPAM, "authfail", "authfail deny=10", 1)},
			fail:  "common-auth line 3: pam_faillock.so deny=10 overrides",
			after: map[string]string{pamAuthDeb[0]: "pam_faillock.so authfail deny=5\n"}},
		{name: "deny=0 never locks", check: deny,
			files: map[string]string{faillockConf: "deny = 0\n", pamAuthDeb[0]: faillockPAM},
			fail:  "deny = 0, want 5", after: map[string]string{faillockConf: "deny = 5\n"}},
		{name: "a short unlock_time argument", check: unlock,
			files: map[string]string{faillockConf: "unlock_time = 900\n", pamAuthDeb[0]: strings.Replace(faillockPAM, "preauth", "preauth unlock_time=600", 1)},
			fail:  "pam_faillock.so unlock_time=600 overrides",
			after: map[string]string{pamAuthDeb[0]: "pam_faillock.so preauth unlock_time=900\n"}},
		{name: "unlock_time=0 (permanent lock) is accepted", check: unlock,
			files: map[string]string{faillockConf: "unlock_time = 0\n", pamAuthDeb[0]: strings.Replace(faillockPAM, "preauth", "preauth unlock_time=0", 1)}},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for p, c := range tc.files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, p), []byte(c), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := &engine.Rule{ID: "t", Title: "t", Section: "5", Level: 1, Checks: []engine.Check{tc.check}}
			opts := engine.RunOptions{Exec: fixtureExec}
			st := engine.Audit(ctx, openTarget(t, root), []*engine.Rule{r}, opts)[0]
			if tc.fail == "" {
				if st.Status != engine.StatusPass {
					t.Fatalf("want pass, got %s: %s", st.Status, st.Detail)
				}
				return
			}
			if st.Status != engine.StatusFail || !strings.Contains(st.Detail, tc.fail) {
				t.Fatalf("want fail with %q, got %s: %s", tc.fail, st.Status, st.Detail)
			}
			ar := engine.Apply(ctx, openTarget(t, root), []*engine.Rule{r}, opts)
			if ar.Err != nil || ar.After[0].Status != engine.StatusFixed {
				t.Fatalf("fix: err %v, %s: %s", ar.Err, ar.After[0].Status, ar.After[0].Detail)
			}
			for p, want := range tc.after {
				b, err := os.ReadFile(filepath.Join(root, p))
				if err != nil || !strings.Contains(string(b), want) {
					t.Errorf("%s after the fix = %q (%v), want it to contain %q", p, b, err, want)
				}
			}
			again := engine.Apply(ctx, openTarget(t, root), []*engine.Rule{r}, opts)
			if again.Err != nil || len(again.Planned) > 0 || again.After[0].Status != engine.StatusPass {
				t.Errorf("second fix not a no-op: planned %v err %v %s", again.Planned, again.Err, again.After[0].Status)
			}
		})
	}
}
