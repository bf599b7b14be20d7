package cis

import (
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestConfigPrepare(t *testing.T) {
	tests := []struct {
		name string
		raw  map[string]interface{}
		want string // "" = valid
	}{
		{"defaults", map[string]interface{}{}, ""},
		{"waiver", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "ssh-permit-root-login", "reason": "bastion image"}}}, ""},
		{"waiver without reason", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "ssh-permit-root-login"}}}, "waiver[0].reason is required"},
		{"waiver without id", map[string]interface{}{"waiver": []map[string]interface{}{{"reason": "x"}}}, "waiver[0].id is required"},
		{"waiver twice", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "x"}, {"id": "a", "reason": "y"}}}, "waived twice"},
		{"waiver with expiry", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "x", "expires": "2027-01-31"}}}, ""},
		{"waiver on its last day", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "x", "expires": "2026-11-23"}}}, ""},
		{"waiver expired", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "legacy app", "expires": "2026-11-22"}}},
			`waiver[0] for rule "a" (reason: legacy app) expired on 2026-11-22: fix the rule or renew waiver[0].expires`},
		{"waiver expiry not a date", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "x", "expires": "31.12.2026"}}},
			`waiver[0].expires "31.12.2026" is not a date: want YYYY-MM-DD`},
		{"waiver date in reason", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "x@2027-01-01"}}},
			"put the date in waiver[0].expires"},
		{"waiver reason with comma", map[string]interface{}{"waiver": []map[string]interface{}{{"id": "a", "reason": "x, y"}}}, "without ','"},
		{"bad profile", map[string]interface{}{"profile": "Debian 13!"}, "profile \"Debian 13!\""},
		{"relative provenance path", map[string]interface{}{"provenance_path": "prov.json"}, "provenance_path"},
		{"remove root", map[string]interface{}{"remove_users": []string{"root"}}, "remove_users[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{now: func() time.Time { return time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC) }}
			err := c.Prepare(tc.raw)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Profile != "auto" || !*c.Update || !*c.FailOnAudit || !*c.CleanupImage || c.RemoteDir != "/var/lib/hardened" {
					t.Errorf("defaults: %+v", c)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSelectionArgsAreShellSafe(t *testing.T) {
	p := Provisioner{config: Config{Profile: "debian-13", Waivers: []Waiver{
		{ID: "z-rule", Reason: "it's `needed` $(reboot)"}, {ID: "a-rule", Reason: "ok", Expires: "2027-01-31"}}}}
	args := p.selectionArgs()
	want := []string{"--profile", "debian-13", "--waive", "a-rule=ok@2027-01-31", "--waive", "z-rule=it's `needed` $(reboot)"}
	if strings.Join(args, "|") != strings.Join(want, "|") {
		t.Fatalf("args %q", args)
	}
	// The joined command line must reach the program unchanged through sh.
	out, err := exec.Command("sh", "-c", "printf '%s|' "+shjoin(args)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != strings.Join(want, "|")+"|" {
		t.Fatalf("through sh: %q", out)
	}
}

func TestBundleSelection(t *testing.T) {
	fsys := fstest.MapFS{"bundle/harden-linux-amd64": {Data: []byte("ELF")}}
	if b, from, err := bundleFor("amd64", "", fsys); err != nil || string(b) != "ELF" || !strings.Contains(from, "embedded") {
		t.Fatalf("%q %q %v", b, from, err)
	}
	if _, _, err := bundleFor("arm64", "", fsys); err == nil || !strings.Contains(err.Error(), "bundle_path") {
		t.Fatalf("missing arch: %v", err)
	}
	if _, _, err := bundleFor("amd64", "/nonexistent/harden", fsys); err == nil || !strings.Contains(err.Error(), "bundle_path") {
		t.Fatalf("bad bundle_path: %v", err)
	}
	for in, want := range map[string]string{"x86_64\n": "amd64", "aarch64": "arm64"} {
		if got, err := Arch(in); err != nil || got != want {
			t.Errorf("Arch(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := Arch("riscv64"); err == nil {
		t.Error("riscv64 accepted")
	}
}

func TestSummarize(t *testing.T) {
	s, err := summarize([]byte(`{"profile":"debian-13","summary":{"pass":2,"fail":1,"not_applicable":4},
		"rules":[{"id":"a","status":"pass"},{"id":"b","status":"fail"},{"id":"c","status":"error"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.problems(10), ","); got != "b,c" {
		t.Fatalf("problems %q", got)
	}
	if l := s.lines(); !strings.Contains(l[0], "2 pass, 1 fail") || !strings.Contains(l[0], "4 not applicable") {
		t.Fatalf("lines %q", l)
	}
	if _, err := summarize([]byte("not json")); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestLineWriter(t *testing.T) {
	var got []string
	w := &lineWriter{emit: func(s string) { got = append(got, s) }}
	for _, chunk := range []string{"one\ntw", "o\r\n", "three"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if strings.Join(got, "|") != "one|two|three" {
		t.Fatalf("%q", got)
	}
}
