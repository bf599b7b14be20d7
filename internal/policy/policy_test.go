package policy

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/lifecycle"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

var today = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func input(t testing.TB, cat *lifecycle.Catalog, id, osName string, lp lifecycle.Policy) Input {
	t.Helper()
	rel, os, _ := cat.Parse(osName, "")
	return Input{Image: Image{ID: id, OsName: osName}, OS: os, Status: cat.Evaluate(rel, today, lp)}
}

// signedTags are the provenance tags of a clean Debian 13 build signed by
// key; edits change the record before it is signed.
// catalogKeyRing gives a test the embedded lifecycle catalog, a fresh signing key and the
// key ring that trusts it.
func catalogKeyRing(t *testing.T) (*lifecycle.Catalog, ed25519.PrivateKey, *provenance.KeyRing) {
	t.Helper()
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	ring, err := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return cat, key, ring
}

func signedTags(t *testing.T, key ed25519.PrivateKey, edits ...func(*provenance.Record)) map[string]string {
	t.Helper()
	rec := provenance.Record{
		ProfileID: "debian-13", ProfileVersion: "1", Pass: 120, Fail: 0,
		BaseImageID: "img-abcdefgh", BaseOsName: "Debian 13.1 64位",
		BuildTime: today.Add(-48 * time.Hour), BuilderVersion: "packer-plugin-hardened 0.1.0", BundleVersion: "0.1.0",
	}
	for _, edit := range edits {
		edit(&rec)
	}
	s, err := provenance.Sign(rec, key)
	if err != nil {
		t.Fatal(err)
	}
	return s.Tags()
}

func TestEvaluate(t *testing.T) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	_, trustedPriv, _ := ed25519.GenerateKey(nil)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	ring, err := provenance.NewKeyRing(trustedPriv.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	good := signedTags(t, trustedPriv)
	tampered := signedTags(t, trustedPriv)
	tampered[provenance.TagPrefix+provenance.FieldAuditFail] = "0"
	tampered[provenance.TagPrefix+provenance.FieldAuditPass] = "999"
	untrusted := signedTags(t, otherPriv)
	old := today.AddDate(0, 0, -400)
	recent := today.AddDate(0, 0, -10)
	lp := lifecycle.DefaultPolicy()

	tests := []struct {
		name     string
		osName   string
		mutate   func(*Input)
		policy   Policy
		allowed  bool
		severity Severity
		codes    []string
		contains []string
		excludes []string
	}{
		{name: "centos7 eol enforce", osName: "CentOS 7.9 64位", allowed: false, severity: SeverityError,
			codes: []string{CodeEOL}, contains: []string{"img-00000001", "CentOS 7.9 64位", "2024-06-30", "Move to"}},
		{name: "ubuntu 18.04 (ESM only) names supported successor", osName: "Ubuntu Server 18.04.1 LTS 64位", allowed: false,
			severity: SeverityError, codes: []string{CodeExtended}, contains: []string{"Ubuntu 24.04"}},
		{name: "eol warn mode", osName: "CentOS 7.9 64位", policy: Policy{Mode: ModeWarn}, allowed: false,
			severity: SeverityWarning, codes: []string{CodeEOL}},
		{name: "eol audit mode", osName: "CentOS 7.9 64位", policy: Policy{Mode: ModeAudit}, allowed: false,
			severity: SeverityInfo, codes: []string{CodeEOL}},
		{name: "debian 12 extended not allowed", osName: "Debian 12.4 64位", allowed: false, severity: SeverityError,
			codes: []string{CodeExtended}, contains: []string{"allow_extended_support"}},
		{name: "debian 12 extended allowed", osName: "Debian 12.4 64位",
			policy: Policy{Lifecycle: lifecycle.Policy{WarnDays: 180, AllowExtended: true}}, allowed: true, severity: SeverityWarning,
			codes: []string{CodeExtended}, contains: []string{"img-00000001", "accepted with allow_extended_support", "ends on 2028-06-30", "Debian 13"}},
		{name: "ubuntu 22.04 approaching warns", osName: "Ubuntu Server 22.04 LTS 64位", allowed: true,
			severity: SeverityWarning, codes: []string{CodeApproachingEOL}},
		{name: "debian 13 supported", osName: "Debian 13.1 64位", allowed: true, severity: SeverityNone},
		{name: "unknown os family advises an exception, not an override", osName: "Kylin V10 64位", allowed: false, severity: SeverityError,
			codes: []string{CodeUnknownOS}, contains: []string{"not one of the families", "ubuntu", "add an exception"}, excludes: []string{"lifecycle_overrides"}},
		{name: "unknown release of a known family advises an override", osName: "Debian 15.0 64位", allowed: false, severity: SeverityError,
			codes: []string{CodeUnknownOS}, contains: []string{`lifecycle_overrides entry for family "debian", version "15"`, "eol_standard"}},
		{name: "non-LTS refused while supported", osName: "CentOS Stream 9 64位", allowed: false, severity: SeverityError,
			codes: []string{CodeNonLTS}, contains: []string{"img-00000001 (CentOS Stream 9 64位)", "CentOS Stream 9 is not a long-term-support",
				"2027-05-31", "allow_non_lts = true", "No supported LTS release follows it"}},
		{name: "non-LTS accepted with allow_non_lts", osName: "CentOS Stream 9 64位", policy: Policy{AllowNonLTS: true},
			allowed: true, severity: SeverityNone},
		{name: "non-LTS warn mode", osName: "CentOS Stream 9 64位", policy: Policy{Mode: ModeWarn}, allowed: false,
			severity: SeverityWarning, codes: []string{CodeNonLTS}},
		{name: "interim Ubuntu refused while in support, names the LTS successor", osName: "Ubuntu Server 25.10 64位",
			mutate: func(in *Input) {
				in.Status = cat.Evaluate(in.Status.Release, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), lp)
			},
			allowed: false, severity: SeverityError, codes: []string{CodeNonLTS}, contains: []string{"Ubuntu 25.10", "Move to Ubuntu 26.04, an LTS release"}},
		{name: "interim Ubuntu past its end is only eol", osName: "Ubuntu Server 25.10 64位", allowed: false, severity: SeverityError,
			codes: []string{CodeEOL}},
		{name: "non-LTS with allow_non_lts still fails at eol", osName: "Ubuntu Server 24.10 64位", policy: Policy{AllowNonLTS: true},
			allowed: false, severity: SeverityError, codes: []string{CodeEOL}},
		{name: "allowed_os excludes family", osName: "Debian 13.1 64位", policy: Policy{AllowedOS: []Selector{{Family: "ubuntu"}}},
			allowed: false, severity: SeverityError, codes: []string{CodeOSNotAllowed}, contains: []string{"Debian 13", "ubuntu"}},
		{name: "allowed_os version match", osName: "Ubuntu Server 24.04 LTS 64位", policy: Policy{AllowedOS: []Selector{{"ubuntu", "24.04"}}},
			allowed: true, severity: SeverityNone},
		{name: "allowed_os version mismatch", osName: "Ubuntu Server 22.04 LTS 64位", policy: Policy{AllowedOS: []Selector{{"ubuntu", "24.04"}}},
			allowed: false, severity: SeverityError, codes: []string{CodeApproachingEOL, CodeOSNotAllowed}},
		{name: "valid exception allows with warning", osName: "CentOS 7.9 64位",
			policy:  Policy{Exceptions: []Exception{{ImageID: "img-00000001", Reason: "CHG-42 legacy app", Expires: today}}},
			allowed: true, severity: SeverityWarning, codes: []string{CodeEOL, CodeException}, contains: []string{"CHG-42", "2026-11-23"}},
		{name: "expired exception fails", osName: "CentOS 7.9 64位",
			policy:  Policy{Exceptions: []Exception{{ImageID: "img-00000001", Reason: "CHG-42", Expires: today.AddDate(0, 0, -1)}}},
			allowed: false, severity: SeverityError, codes: []string{CodeEOL, CodeExceptionExpired}, contains: []string{"expired on 2026-11-22"}},
		{name: "renewed exception wins over expired", osName: "CentOS 7.9 64位",
			policy: Policy{Exceptions: []Exception{{ImageID: "img-00000001", Reason: "old", Expires: today.AddDate(0, 0, -1)},
				{ImageID: "img-00000001", Reason: "renewed", Expires: today.AddDate(0, 1, 0)}}},
			allowed: true, severity: SeverityWarning, codes: []string{CodeEOL, CodeException}},
		{name: "exception for another image does not apply", osName: "CentOS 7.9 64位",
			policy:  Policy{Exceptions: []Exception{{ImageID: "img-99999999", Reason: "x", Expires: today}}},
			allowed: false, severity: SeverityError, codes: []string{CodeEOL}},
		{name: "exception on a compliant image is silent", osName: "Debian 13.1 64位",
			policy:  Policy{Exceptions: []Exception{{ImageID: "img-00000001", Reason: "x", Expires: today.AddDate(0, 0, -5)}}},
			allowed: true, severity: SeverityNone},
		{name: "require_hardened without provenance", osName: "Debian 13.1 64位", policy: Policy{RequireHardened: true, Trusted: ring},
			allowed: false, severity: SeverityError, codes: []string{CodeNotHardened}},
		{name: "require_hardened verified", osName: "Debian 13.1 64位", policy: Policy{RequireHardened: true, Trusted: ring},
			mutate: func(in *Input) { in.Provenance = CheckProvenance(good, ring) }, allowed: true, severity: SeverityNone},
		{name: "require_hardened tampered", osName: "Debian 13.1 64位", policy: Policy{RequireHardened: true, Trusted: ring},
			mutate: func(in *Input) { in.Provenance = CheckProvenance(tampered, ring) }, allowed: false, severity: SeverityError,
			codes: []string{CodeProvenanceInvalid}, contains: []string{"does not verify"}},
		{name: "require_hardened untrusted key", osName: "Debian 13.1 64位", policy: Policy{RequireHardened: true, Trusted: ring},
			mutate: func(in *Input) { in.Provenance = CheckProvenance(untrusted, ring) }, allowed: false, severity: SeverityError,
			codes: []string{CodeUntrustedKey}, contains: []string{"SHA256:"}},
		{name: "provenance ignored when not required", osName: "Debian 13.1 64位",
			mutate: func(in *Input) { in.Provenance = CheckProvenance(tampered, ring) }, allowed: true, severity: SeverityNone},
		{name: "age limit on old custom image", osName: "Debian 13.1 64位", policy: Policy{MaxImageAgeDays: 90},
			mutate: func(in *Input) { in.Image.CreatedTime = &old }, allowed: false, severity: SeverityError,
			codes: []string{CodeTooOld}, contains: []string{"400 days ago", "max_image_age_days = 90"}},
		{name: "age limit on recent custom image", osName: "Debian 13.1 64位", policy: Policy{MaxImageAgeDays: 90},
			mutate: func(in *Input) { in.Image.CreatedTime = &recent }, allowed: true, severity: SeverityNone},
		{name: "age limit not applicable to public image", osName: "Debian 13.1 64位", policy: Policy{MaxImageAgeDays: 1},
			allowed: true, severity: SeverityNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.policy
			if p.Lifecycle == (lifecycle.Policy{}) {
				p.Lifecycle = lp
			}
			in := input(t, cat, "img-00000001", tc.osName, p.Lifecycle)
			if tc.mutate != nil {
				tc.mutate(&in)
			}
			d := Evaluate(in, p, today)
			if d.Allowed != tc.allowed || d.Severity != tc.severity {
				t.Errorf("Allowed=%v Severity=%v, want %v %v\n%s", d.Allowed, d.Severity, tc.allowed, tc.severity, d.Summary())
			}
			var got []string
			for _, r := range d.Reasons {
				got = append(got, r.Code)
			}
			if strings.Join(got, ",") != strings.Join(tc.codes, ",") {
				t.Errorf("codes = %v, want %v\n%s", got, tc.codes, d.Summary())
			}
			for _, s := range tc.contains {
				if !strings.Contains(d.Summary(), s) {
					t.Errorf("summary lacks %q:\n%s", s, d.Summary())
				}
			}
			for _, s := range tc.excludes {
				if strings.Contains(d.Summary(), s) {
					t.Errorf("summary contains %q:\n%s", s, d.Summary())
				}
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeEnforce, "warn": ModeWarn, "audit": ModeAudit, "enforce": ModeEnforce} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseMode("block"); err == nil || !strings.Contains(err.Error(), "enforce, warn, audit") {
		t.Errorf("ParseMode(block) error = %v", err)
	}
}

// TestAllows: an allowed_os selector without a version admits every
// release of its family. (Moved from the provider, which once kept its own
// copy of this check.)
func TestAllows(t *testing.T) {
	sel := []Selector{{Family: "debian", Version: "13"}, {Family: "rocky"}}
	for _, tc := range []struct {
		family, version string
		want            bool
	}{
		{"debian", "13", true},
		{"debian", "12", false},
		{"rocky", "8", true},
		{"ubuntu", "24.04", false},
	} {
		if got := allows(sel, lifecycle.OSID{Family: tc.family, Version: tc.version}); got != tc.want {
			t.Errorf("allows(%s %s) = %v, want %v", tc.family, tc.version, got, tc.want)
		}
	}
}

// TestExceptionDays: an exception applies through its expiry day whatever
// the time of day, only to its image, and of several for one image the
// one expiring last applies. (Moved from the provider's copy of the
// policy model, whose semantics differed: it ignored an expired exception
// instead of reporting it, and took the first valid match instead of the
// latest-expiring one.)
func TestExceptionDays(t *testing.T) {
	cat, err := lifecycle.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := lifecycle.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	afternoon := func(s string) time.Time { return day(s).Add(15 * time.Hour) }
	one := []Exception{{ImageID: "img-9qrfy1xt", Reason: "CHG-1", Expires: day("2026-11-30")}}
	for _, tc := range []struct {
		name       string
		image      string
		exceptions []Exception
		now        time.Time
		allowed    bool
		reason     string // the exception that applies, "" for none
		codes      []string
	}{
		{"applies on its expiry day", "img-9qrfy1xt", one, afternoon("2026-11-30"), true, "CHG-1", []string{CodeEOL, CodeException}},
		{"expired the day after", "img-9qrfy1xt", one, afternoon("2026-12-01"), false, "", []string{CodeEOL, CodeExceptionExpired}},
		{"another image", "img-00000000", one, afternoon("2026-11-23"), false, "", []string{CodeEOL}},
		{"latest-expiring of two valid ones", "img-9qrfy1xt", []Exception{
			{ImageID: "img-9qrfy1xt", Reason: "first", Expires: day("2026-12-01")},
			{ImageID: "img-9qrfy1xt", Reason: "later", Expires: day("2026-12-31")},
		}, afternoon("2026-11-23"), true, "later", []string{CodeEOL, CodeException}},
		{"no allowed_os admits every OS", "img-00000000", nil, afternoon("2026-11-23"), false, "", []string{CodeEOL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel, os, _ := cat.Parse("CentOS 7.9 64位", "")
			in := Input{Image: Image{ID: tc.image, OsName: "CentOS 7.9 64位"}, OS: os,
				Status: cat.Evaluate(rel, tc.now, lifecycle.DefaultPolicy())}
			d := Evaluate(in, Policy{Lifecycle: lifecycle.DefaultPolicy(), Exceptions: tc.exceptions}, tc.now)
			var codes []string
			for _, r := range d.Reasons {
				codes = append(codes, r.Code)
			}
			if d.Allowed != tc.allowed || strings.Join(codes, ",") != strings.Join(tc.codes, ",") {
				t.Errorf("Allowed=%v codes=%v, want %v %v\n%s", d.Allowed, codes, tc.allowed, tc.codes, d.Summary())
			}
			got := ""
			if d.Exception != nil {
				got = d.Exception.Reason
			}
			if got != tc.reason {
				t.Errorf("exception %q applied, want %q", got, tc.reason)
			}
		})
	}
}
