package primitive

import (
	"strconv"
	"strings"
	"testing"
)

const debAuth = `auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
`

func TestPAMModuleEdit(t *testing.T) {
	tests := []struct {
		name string
		m    PAMModule
		in   string
		want []string // lines (whitespace-normalised) the result must contain, in order
		not  []string // substrings the result must not contain
	}{
		{
			name: "insert before pam_deny bumps the pam_unix jump over it",
			m:    PAMModule{Type: "auth", Module: "pam_faillock.so", Discriminator: "authfail", Control: "[default=die]", NewArgs: []string{"authfail"}, Before: "pam_deny.so"},
			in:   debAuth,
			want: []string{"auth [success=2 default=ignore] pam_unix.so nullok", "auth [default=die] pam_faillock.so authfail", "auth requisite pam_deny.so"},
		},
		{
			name: "insert at the top leaves jumps alone",
			m:    PAMModule{Type: "auth", Module: "pam_faillock.so", Discriminator: "preauth", Control: "requisite", NewArgs: []string{"preauth"}, Before: "^"},
			in:   debAuth,
			want: []string{"auth requisite pam_faillock.so preauth", "auth [success=1 default=ignore] pam_unix.so nullok"},
		},
		{
			name: "a jump that landed on the anchor now lands on the inserted gate",
			m:    PAMModule{Type: "auth", Module: "pam_faillock.so", Control: "required", NewArgs: []string{"authfail"}, Before: "pam_permit.so"},
			in:   debAuth,
			want: []string{"auth [success=1 default=ignore] pam_unix.so nullok", "auth requisite pam_deny.so", "auth required pam_faillock.so authfail", "auth required pam_permit.so"},
		},
		{
			name: "forbidden argument removed, required one added",
			m:    PAMModule{Type: "auth", Module: "pam_unix.so", Args: []string{"try_first_pass"}, Forbid: []string{"nullok"}},
			in:   debAuth,
			want: []string{"auth [success=1 default=ignore] pam_unix.so try_first_pass"},
			not:  []string{"nullok"},
		},
		{
			name: "value below the minimum is replaced",
			m: PAMModule{Type: "password", Module: "pam_pwhistory.so", Args: []string{"remember=24"},
				Accept: map[string]func(string) bool{"remember": func(v string) bool { n, err := strconv.Atoi(v); return err == nil && n >= 24 }}},
			in:   "password requisite pam_pwhistory.so remember=5 use_authtok\n",
			want: []string{"password requisite pam_pwhistory.so remember=24 use_authtok"},
		},
		{
			name: "absent module is removed",
			m:    PAMModule{Type: "auth", Module: "pam_permit.so", Absent: true},
			in:   debAuth,
			not:  []string{"pam_permit.so"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.m.edit(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
			var lines []string
			for _, l := range strings.Split(out, "\n") {
				lines = append(lines, norm(l))
			}
			i := 0
			for _, l := range lines {
				if i < len(tc.want) && l == tc.want[i] {
					i++
				}
			}
			if i < len(tc.want) {
				t.Errorf("missing %q (in order) in:\n%s", tc.want[i], out)
			}
			for _, n := range tc.not {
				if strings.Contains(out, n) {
					t.Errorf("still contains %q:\n%s", n, out)
				}
			}
			if !tc.m.Absent && len(parsePAM(strings.Split(out, "\n"))) > 0 {
				for _, l := range parsePAM(strings.Split(out, "\n")) {
					if tc.m.matches(l) && len(tc.m.argProblems(l.args)) > 0 {
						t.Errorf("line %q still has problems %v", lines[l.idx], tc.m.argProblems(l.args))
					}
				}
			}
			again, err := tc.m.edit(out)
			if err != nil || again != out {
				t.Errorf("second edit not a no-op (err %v):\n%s", err, again)
			}
		})
	}
}

func TestPAMModuleEditNeedsControlToInsert(t *testing.T) {
	m := PAMModule{Type: "session", Module: "pam_unix.so", Args: []string{"x"}}
	if _, err := m.edit("auth required pam_permit.so\n"); err == nil {
		t.Fatal("editing a missing line without a Control must fail, not invent a line")
	}
}
