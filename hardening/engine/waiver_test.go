package engine

import (
	"context"
	"testing"
	"time"
)

func TestWaiverExpired(t *testing.T) {
	day := func(s string) time.Time {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return ts
	}
	for _, tc := range []struct {
		expires, now string
		want         bool
	}{
		{"", "2999-01-01T00:00:00Z", false},
		{"2026-12-31", "2026-12-31T00:00:00Z", false},
		{"2026-12-31", "2026-12-31T23:59:59Z", false},
		{"2026-12-31", "2027-01-01T00:00:00Z", true},
		// The last day is a UTC day: 07:59 on Jan 1 in UTC+8 is still Dec 31 UTC.
		{"2026-12-31", "2027-01-01T07:59:59+08:00", false},
		{"2026-12-31", "2027-01-01T08:00:00+08:00", true},
		{"2026-12-31", "2027-06-01T00:00:00Z", true},
		{"31.12.2026", "2020-01-01T00:00:00Z", true},
	} {
		w := Waiver{RuleID: "r", Reason: "x", Expires: tc.expires}
		if got := w.Expired(day(tc.now)); got != tc.want {
			t.Errorf("expires %q at %s: Expired = %v, want %v", tc.expires, tc.now, got, tc.want)
		}
	}
}

func TestWaivedResultCarriesReasonAndExpiry(t *testing.T) {
	tg, err := NewTarget(t.TempDir(), TargetOptions{Mode: ModeImage})
	must(t, err)
	rules := []*Rule{
		{ID: "a", Title: "a", Section: "1", Level: 1, Checks: []Check{fakeCheck{path: "/etc/a", want: "a"}}},
		{ID: "b", Title: "b", Section: "1", Level: 1, Checks: []Check{fakeCheck{path: "/etc/b", want: "b"}}},
	}
	res := Audit(context.Background(), tg, rules, RunOptions{Waivers: map[string]Waiver{
		"a": {RuleID: "a", Reason: "legacy app, TICKET-1", Expires: "2027-03-31"},
		"b": {RuleID: "b", Reason: "router"},
	}})
	if r := res[0]; r.Status != StatusWaived || r.WaiverReason != "legacy app, TICKET-1" || r.WaiverExpires != "2027-03-31" ||
		r.Detail != "waived: legacy app, TICKET-1 (until 2027-03-31)" {
		t.Errorf("a: %+v", r)
	}
	if r := res[1]; r.Status != StatusWaived || r.WaiverExpires != "" || r.Detail != "waived: router" {
		t.Errorf("b: %+v", r)
	}
}
