package provenance

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func testVulns() *Vulns {
	return &Vulns{
		FeedDate:         time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC),
		Fixable:          map[string]int{"high": 1, "low": 1},
		Unfixed:          map[string]int{"medium": 2},
		OldestFixAgeDays: 40,
		Open: []OpenVuln{
			{CVE: "CVE-2026-1111", Package: "openssl", FixedVersion: "3.0.17-1~deb12u3", Severity: "high", FixPublished: time.Date(2026, 10, 14, 0, 0, 0, 0, time.UTC)},
			{CVE: "CVE-2026-2222", Package: "tar", FixedVersion: "1.34+dfsg-1.2+deb12u2", Severity: "low"},
		},
	}
}

func TestVulnsRoundTripAndSignatureCoversThem(t *testing.T) {
	key := testKey(t, 1)
	rec := testRecord()
	rec.Patched = time.Date(2026, 11, 23, 16, 50, 0, 0, time.UTC)
	rec.Vulns = testVulns()
	s, err := Sign(rec, key)
	if err != nil {
		t.Fatal(err)
	}
	tags := s.Tags()
	if tags["hardened:vulns-fixable"] != "critical=0 high=1 medium=0 low=1 unknown=0" {
		t.Errorf("vulns-fixable tag = %q", tags["hardened:vulns-fixable"])
	}
	got, err := VerifyTags(tags, ring(t, key))
	if err != nil {
		t.Fatal(err)
	}
	want := testVulns()
	want.Fixable = map[string]int{"critical": 0, "high": 1, "medium": 0, "low": 1, "unknown": 0}
	want.Unfixed = map[string]int{"critical": 0, "high": 0, "medium": 2, "low": 0, "unknown": 0}
	if !reflect.DeepEqual(got.Vulns, want) || !got.Patched.Equal(rec.Patched) {
		t.Fatalf("decoded vulns = %+v, patched %v; want %+v", got.Vulns, got.Patched, want)
	}
	for _, c := range []struct{ key, value string }{
		{"hardened:vulns-fixable", "critical=0 high=0 medium=0 low=1 unknown=0"},
		{"hardened:vulns-oldest-fix", "1"},
		{"hardened:vulns-open-0", reencodeOpen(t, tags["hardened:vulns-open-0"], "high", "low")},
		{"hardened:patched", "2026-11-30T00:00:00Z"},
	} {
		t.Run(c.key, func(t *testing.T) {
			m := cloneTags(tags)
			m[c.key] = c.value
			if _, err := VerifyTags(m, ring(t, key)); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("changing %s: err = %v, want ErrBadSignature", c.key, err)
			}
		})
	}
}

// A record signed before the vulnerability fields existed (the fixture was
// produced by that version) must still decode and verify.
func TestRecordWithoutVulnsStillVerifies(t *testing.T) {
	b, err := os.ReadFile("testdata/tags-before-vulns.json")
	if err != nil {
		t.Fatal(err)
	}
	var tags map[string]string
	if err := json.Unmarshal(b, &tags); err != nil {
		t.Fatal(err)
	}
	s, err := VerifyTags(tags, ring(t, testKey(t, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Vulns != nil || !s.Patched.IsZero() {
		t.Fatalf("old record decoded with vulns %+v, patched %v", s.Vulns, s.Patched)
	}
}

func TestVulnsOpenSplitAndFit(t *testing.T) {
	v := testVulns()
	v.Open = nil
	for i := 0; i < 200; i++ {
		v.Open = append(v.Open, OpenVuln{
			CVE: fmt.Sprintf("CVE-2026-%05d", i), Package: "linux", FixedVersion: "6.1.158-1",
			Severity: "medium", FixPublished: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 200-i),
		})
	}
	rec := testRecord()
	rec.Vulns = v
	if err := rec.Validate(); err == nil || !strings.Contains(err.Error(), "FitOpen") {
		t.Fatalf("oversized vulns-open: err = %v", err)
	}
	dropped := v.FitOpen()
	if dropped == 0 || len(v.Open)+dropped != 200 {
		t.Fatalf("FitOpen dropped %d of 200, kept %d", dropped, len(v.Open))
	}
	if v.Open[0].CVE != "CVE-2026-00199" {
		t.Fatalf("FitOpen must keep the oldest fix first, got %s", v.Open[0].CVE)
	}
	s, err := Sign(rec, testKey(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	tags := s.Tags()
	parts := 0
	for k, val := range tags {
		if strings.HasPrefix(k, "hardened:vulns-open-") {
			parts++
		}
		if len(val) > MaxTagValueLen {
			t.Errorf("tag %s is %d bytes", k, len(val))
		}
	}
	if parts < 2 || parts > vulnsOpenPartsMax {
		t.Fatalf("vulns-open split over %d tags", parts)
	}
	got, err := VerifyTags(tags, ring(t, testKey(t, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Vulns.Open) != len(v.Open) {
		t.Fatalf("decoded %d open entries, want %d", len(got.Vulns.Open), len(v.Open))
	}
	delete(tags, "hardened:vulns-open-0")
	var mt *MissingTagError
	if _, err := Decode(tags); !errors.As(err, &mt) || mt.Key != "hardened:vulns-open-0" {
		t.Fatalf("gap in vulns-open parts: err = %v", err)
	}
}

func TestVulnsValidateAndDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Vulns)
		field  string
	}{
		{"no feed date", func(v *Vulns) { v.FeedDate = time.Time{} }, FieldVulnsFeed},
		{"negative age", func(v *Vulns) { v.OldestFixAgeDays = -1 }, FieldVulnsOldest},
		{"bad severity", func(v *Vulns) { v.Fixable["urgent"] = 1 }, FieldVulnsFixable},
		{"negative count", func(v *Vulns) { v.Unfixed["low"] = -2 }, FieldVulnsUnfixed},
		{"separator in package", func(v *Vulns) { v.Open[0].Package = "a|b" }, FieldVulnsOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := testRecord()
			rec.Vulns = testVulns()
			tt.mutate(rec.Vulns)
			var fe *FieldError
			if err := rec.Validate(); !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("err = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
	rec := testRecord()
	rec.Vulns = testVulns()
	s, err := Sign(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	decodeTests := []struct {
		name, key, value string
	}{
		{"counts", "hardened:vulns-unfixed", "medium:2"},
		{"age", "hardened:vulns-oldest-fix", "old"},
		{"feed date", "hardened:vulns-feed-date", "yesterday"},
		{"open entry", "hardened:vulns-open-0", base64.StdEncoding.EncodeToString([]byte("CVE-1|pkg"))},
		{"open not base64", "hardened:vulns-open-0", "CVE-1|pkg"},
		{"patched", "hardened:patched", "2026-11-23"},
	}
	for _, tt := range decodeTests {
		t.Run("decode "+tt.name, func(t *testing.T) {
			m := cloneTags(s.Tags())
			m[tt.key] = tt.value
			if _, err := Decode(m); err == nil || !strings.Contains(err.Error(), strings.TrimSuffix(strings.TrimPrefix(tt.key, TagPrefix), "-0")) {
				t.Fatalf("err = %v, want one naming %s", err, tt.key)
			}
		})
	}
	m := cloneTags(s.Tags())
	delete(m, "hardened:vulns-feed-date")
	if _, err := Decode(m); err == nil || !strings.Contains(err.Error(), "vulns-feed-date") {
		t.Fatalf("vulnerability counts without a feed date: err = %v", err)
	}
}

// Tencent tag values hold only letters, digits, spaces and + - = . _ : / @.
var tagValueRe = regexp.MustCompile(`^[\p{L}\p{N} +\-=._:/@]*$`)

func TestVulnsTagsUseTencentCharset(t *testing.T) {
	rec := testRecord()
	rec.Patched = rec.BuildTime
	rec.Vulns = testVulns()
	s, err := Sign(rec, testKey(t, 3))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range s.Tags() {
		if strings.HasPrefix(k, "hardened:vulns") || k == "hardened:patched" {
			if !tagValueRe.MatchString(v) {
				t.Errorf("tag %s = %q has characters Tencent refuses in tag values", k, v)
			}
		}
	}
}

// reencodeOpen edits the decoded vulns-open value and encodes it again, so
// that the tag stays well formed and only the signature can catch the edit.
func reencodeOpen(t *testing.T, enc, old, repl string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || !strings.Contains(string(raw), old) {
		t.Fatalf("vulns-open %q (%v) lacks %q", raw, err, old)
	}
	return base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), old, repl, 1)))
}

func cloneTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
