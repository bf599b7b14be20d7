package lifecycle

import (
	"strings"
	"testing"
	"time"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestComputeEmbedded(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	today := date(t, "2026-11-23")
	tests := []struct {
		family, version string
		policy          Policy
		phase           Phase
		supported       bool
		daysToEOL       int
		successor       string
	}{
		// Today's facts from DESIGN.md.
		{"debian", "12", DefaultPolicy(), PhaseExtended, false, -135, "debian 13"},
		{"debian", "12", Policy{WarnDays: 180, AllowExtended: true}, PhaseExtended, true, -135, "debian 13"},
		{"ubuntu", "22.04", DefaultPolicy(), PhaseApproachingEOL, true, 129, "ubuntu 24.04"},
		{"ubuntu", "22.04", Policy{WarnDays: 90}, PhaseSupported, true, 129, "ubuntu 24.04"},
		{"centos", "7", DefaultPolicy(), PhaseEOL, false, -876, "rocky 9"},
		{"debian", "13", DefaultPolicy(), PhaseSupported, true, 625, ""},
		{"debian", "11", DefaultPolicy(), PhaseEOL, false, -831, "debian 12"},
		{"windows-server", "2012r2", Policy{AllowExtended: true}, PhaseEOL, false, -1140, "windows-server 2022"},
		{"tencentos", "2", DefaultPolicy(), PhaseEOL, false, -692, "tencentos 3"},
	}
	for _, tt := range tests {
		r, ok := c.Lookup(tt.family, tt.version)
		if !ok {
			t.Fatalf("Lookup(%s, %s) failed", tt.family, tt.version)
		}
		s := Compute(r, today, tt.policy)
		if s.Phase != tt.phase || s.Supported != tt.supported || s.DaysToEOL == nil || *s.DaysToEOL != tt.daysToEOL || s.Successor != tt.successor {
			t.Errorf("%s %s %+v: got phase=%s supported=%v days=%v successor=%q; want %s %v %d %q",
				tt.family, tt.version, tt.policy, s.Phase, s.Supported, deref(s.DaysToEOL), s.Successor,
				tt.phase, tt.supported, tt.daysToEOL, tt.successor)
		}
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestComputeBoundaries(t *testing.T) {
	r := Release{
		Family: "ubuntu", Version: "22.04", Successor: "ubuntu 24.04",
		EOLStandard: date(t, "2027-04-01"), EOLExtended: date(t, "2032-04-09"),
	}
	p := Policy{WarnDays: 180}
	tests := []struct {
		today string
		phase Phase
	}{
		{"2026-10-02", PhaseSupported},      // 181 days left
		{"2026-10-03", PhaseApproachingEOL}, // exactly 180: inside the window
		{"2027-03-31", PhaseApproachingEOL}, // last supported day
		{"2027-04-01", PhaseExtended},       // the EOL date itself is past standard support
		{"2032-04-08", PhaseExtended},
		{"2032-04-09", PhaseEOL},
	}
	for _, tt := range tests {
		// A late-evening, non-UTC clock must still count calendar days in UTC.
		now := date(t, tt.today).Add(23 * time.Hour)
		if got := Compute(r, now, p).Phase; got != tt.phase {
			t.Errorf("today %s: phase %s, want %s", tt.today, got, tt.phase)
		}
	}
}

func TestComputeUnknown(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	today := date(t, "2026-11-23")
	// Not in the catalog at all.
	if s := Compute(Release{}, today, DefaultPolicy()); s.Phase != PhaseUnknown || s.Supported {
		t.Errorf("zero release: %+v", s)
	}
	// In the catalog without dates: unknown, never supported, even with
	// extended support allowed and a huge window.
	for _, k := range [][2]string{{"tencentos", "4"}, {"opencloudos", "9"}} {
		r, ok := c.Lookup(k[0], k[1])
		if !ok {
			t.Fatalf("%v missing", k)
		}
		s := Compute(r, today, Policy{WarnDays: 10000, AllowExtended: true})
		if s.Phase != PhaseUnknown || s.Supported || s.DaysToEOL != nil {
			t.Errorf("%v: %+v", k, s)
		}
		if !strings.Contains(s.Reason(), "unknown") {
			t.Errorf("%v reason %q", k, s.Reason())
		}
	}
}

func TestComputeReasonNamesDateAndSuccessor(t *testing.T) {
	c, _ := Embedded()
	r, _, ok := c.Parse("CentOS 7.9 64位", "")
	if !ok {
		t.Fatal("parse failed")
	}
	s := Compute(r, date(t, "2026-11-23"), DefaultPolicy())
	for _, want := range []string{"CentOS 7", "2024-06-30", "Rocky Linux 9"} {
		if !strings.Contains(s.Reason(), want) {
			t.Errorf("reason %q lacks %q", s.Reason(), want)
		}
	}
}

func TestClockFromString(t *testing.T) {
	c, err := ClockFromString("2026-11-23")
	if err != nil || !c().Equal(date(t, "2026-11-23")) {
		t.Fatalf("fixed clock: %v %v", c, err)
	}
	if _, err := ClockFromString("23.11.2026"); err == nil || !strings.Contains(err.Error(), TodayEnv) {
		t.Fatalf("bad date error %v should name %s", err, TodayEnv)
	}
	sys, err := ClockFromString("")
	if err != nil || time.Since(sys()) > time.Minute {
		t.Fatalf("system clock: %v", err)
	}
}

func TestEvaluateRecommends(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	today := date(t, "2026-11-23")
	tests := []struct {
		family, version string
		policy          Policy
		recommended     string
	}{
		{"ubuntu", "18.04", DefaultPolicy(), "ubuntu 24.04"},                      // 22.04 is approaching_eol
		{"ubuntu", "20.04", DefaultPolicy(), "ubuntu 24.04"},                      // direct successor fine
		{"debian", "11", DefaultPolicy(), "debian 13"},                            // 12 is extended
		{"debian", "11", Policy{WarnDays: 180, AllowExtended: true}, "debian 13"}, // still prefer plain supported
		{"centos", "7", DefaultPolicy(), "rocky 9"},
		{"ubuntu", "22.04", DefaultPolicy(), "ubuntu 24.04"}, // approaching: recommend too
		{"debian", "13", DefaultPolicy(), ""},                // supported: nothing to recommend
		{"windows-server", "2012r2", DefaultPolicy(), "windows-server 2022"},
		{"centos-stream", "9", Policy{WarnDays: 365}, "centos-stream 10"},
	}
	for _, tt := range tests {
		r, _ := c.Lookup(tt.family, tt.version)
		if got := c.Evaluate(r, today, tt.policy).Recommended; got != tt.recommended {
			t.Errorf("%s %s: recommended %q, want %q", tt.family, tt.version, got, tt.recommended)
		}
	}
	// Non-LTS releases also name the first supported LTS release of their
	// chain; interim steps are skipped, LTS releases get none.
	lts := []struct{ family, version, want string }{
		{"ubuntu", "25.10", "ubuntu 26.04"},
		{"ubuntu", "23.10", "ubuntu 24.04"}, // its direct successor is LTS and supported
		{"centos-stream", "9", ""},          // its chain has no LTS release
		{"ubuntu", "24.04", ""},             // LTS itself
	}
	for _, tt := range lts {
		r, _ := c.Lookup(tt.family, tt.version)
		if got := c.Evaluate(r, today, DefaultPolicy()).RecommendedLTS; got != tt.want {
			t.Errorf("%s %s: recommended LTS %q, want %q", tt.family, tt.version, got, tt.want)
		}
	}
	r, _ := c.Lookup("ubuntu", "18.04")
	if reason := c.Evaluate(r, today, DefaultPolicy()).Reason(); !strings.Contains(reason, "successor: Ubuntu 22.04 (recommended: Ubuntu 24.04") {
		t.Errorf("reason %q", reason)
	}
	// Only approaching successors: fall back to the first that is supported.
	only, err := New(
		Release{Family: "ubuntu", Version: "20.04", EOLStandard: date(t, "2020-01-01"), Successor: "ubuntu 22.04"},
		Release{Family: "ubuntu", Version: "22.04", EOLStandard: date(t, "2027-01-01"), Successor: "ubuntu 20.04"}, // cycle
	)
	if err != nil {
		t.Fatal(err)
	}
	r, _ = only.Lookup("ubuntu", "20.04")
	if rec, ok := only.Recommend(r, today, DefaultPolicy()); !ok || rec.Version != "22.04" {
		t.Errorf("fallback recommendation: %+v %v", rec, ok)
	}
	r, _ = only.Lookup("ubuntu", "22.04")
	if rec, ok := only.Recommend(r, date(t, "2030-01-01"), DefaultPolicy()); ok {
		t.Errorf("cycle of EOL releases recommended %+v", rec)
	}
}
