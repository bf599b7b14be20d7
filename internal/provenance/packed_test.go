package provenance

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestPackedRoundTrip: the packed form of a signed record fits the tag
// limits and charset, decodes to the same record and verifies with the same
// signature as the per-field form; an edit after signing fails verification.
func TestPackedRoundTrip(t *testing.T) {
	key := testKey(t, 4)
	for _, tc := range []struct {
		name  string
		rec   func() Record
		key   bool
		wantN int // tags the packed form must fit in
	}{
		{"plain record, signed", testRecord, true, 5},
		{"with vulns, signed", func() Record {
			r := testRecord()
			r.Patched, r.Vulns = r.BuildTime, testVulns()
			return r
		}, true, 6},
		{"unsigned", testRecord, false, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := key
			if !tc.key {
				k = nil
			}
			s, err := Sign(tc.rec(), k)
			if err != nil {
				t.Fatal(err)
			}
			tags, err := s.PackedTags(10)
			if err != nil {
				t.Fatal(err)
			}
			if len(tags) > tc.wantN || len(tags) != PackedTagCount(tc.rec(), tc.key) {
				t.Fatalf("packed form takes %d tags (PackedTagCount %d), want ≤ %d: %v", len(tags), PackedTagCount(tc.rec(), tc.key), tc.wantN, tags)
			}
			for k, v := range tags {
				if len(k) > MaxTagKeyLen || len(v) > MaxTagValueLen || !tagValueRe.MatchString(v) {
					t.Errorf("tag %s = %q breaks Tencent's tag limits or charset", k, v)
				}
			}
			got, err := Decode(tags)
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Canonical()) != string(tc.rec().Canonical()) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got.Record, tc.rec())
			}
			if !tc.key {
				if err := Verify(got, ring(t, key)); !errors.Is(err, ErrUnsigned) {
					t.Fatalf("unsigned packed record: %v", err)
				}
				return
			}
			if err := Verify(got, ring(t, key)); err != nil {
				t.Fatalf("verify packed: %v", err)
			}
			// Same signature as the per-field form: a verifier needs no second scheme.
			if !bytes.Equal(got.Signature, s.Signature) {
				t.Fatal("packed form carries a different signature")
			}
			// A record edited after signing (repacked with another pass count) fails.
			edited := strings.Replace(string(s.Canonical()), "audit-pass=180", "audit-pass=181", 1)
			bad := map[string]string{}
			splitField(bad, fieldPacked, deflateBase64([]byte(edited)))
			for k, v := range tags {
				if !strings.HasPrefix(k, TagPrefix+fieldPacked) {
					bad[k] = v
				}
			}
			if _, err := VerifyTags(bad, ring(t, key)); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("edited packed record: err = %v", err)
			}
		})
	}
}

// TestPackedDecodeErrors: malformed packed tags are refused with the field named.
func TestPackedDecodeErrors(t *testing.T) {
	s, err := Sign(testRecord(), testKey(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	good, err := s.PackedTags(10)
	if err != nil {
		t.Fatal(err)
	}
	raw := func(text string) string {
		var b bytes.Buffer
		w, _ := flate.NewWriter(&b, flate.BestSpeed)
		_, _ = w.Write([]byte(text))
		_ = w.Close()
		return base64.StdEncoding.EncodeToString(b.Bytes())
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]string)
		want string
	}{
		{"not base64", func(m map[string]string) { setPacked(m, "!!") }, "is not base64"},
		{"not deflate", func(m map[string]string) { setPacked(m, base64.StdEncoding.EncodeToString([]byte("plain"))) }, "not a deflated"},
		{"line without =", func(m map[string]string) { setPacked(m, raw("scheme="+Scheme+"\nnonsense\n")) }, "not name=value"},
		{"field twice", func(m map[string]string) {
			setPacked(m, raw("scheme="+Scheme+"\nprofile=a\nprofile=b\n"))
		}, "twice"},
		{"gap in parts", func(m map[string]string) { m["hardened:packed-5"] = "AAAA" }, "packed"},
		{"both forms", func(m map[string]string) { m["hardened:scheme"] = Scheme }, "keep one form"},
		{"missing field", func(m map[string]string) {
			setPacked(m, raw("scheme="+Scheme+"\nprofile=a\n"))
		}, "audit-fail"},
		{"too large", func(m map[string]string) {
			setPacked(m, raw("scheme="+Scheme+"\nprofile="+strings.Repeat("a", maxPackedText)+"\n"))
		}, "inflates to more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := cloneTags(good)
			tc.edit(m)
			if _, err := Decode(m); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestFitPacked: a record whose open CVE list does not fit is trimmed newest
// fix first until it does; the counts stay, and the result signs and fits.
func TestFitPacked(t *testing.T) {
	rec := testRecord()
	rec.Vulns = testVulns()
	rec.Vulns.Open = nil
	for i := 0; i < 120; i++ {
		rec.Vulns.Open = append(rec.Vulns.Open, OpenVuln{
			CVE: fmt.Sprintf("CVE-2026-%05d", i*7919%99991), Package: fmt.Sprintf("pkg%d", i), FixedVersion: fmt.Sprintf("%d.%d-1", i, i*3),
			Severity: "medium", FixPublished: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i),
		})
	}
	fixable := rec.Vulns.Fixable["medium"]
	dropped, err := FitPacked(&rec, 8, true)
	if err != nil {
		t.Fatal(err)
	}
	if dropped == 0 || len(rec.Vulns.Open) == 0 || len(rec.Vulns.Open)+dropped != 120 {
		t.Fatalf("dropped %d, kept %d of 120", dropped, len(rec.Vulns.Open))
	}
	if rec.Vulns.Open[0].CVE != fmt.Sprintf("CVE-2026-%05d", 0) || rec.Vulns.Fixable["medium"] != fixable {
		t.Fatalf("FitPacked must keep the oldest fixes and the counts: first %s", rec.Vulns.Open[0].CVE)
	}
	s, err := Sign(rec, testKey(t, 6))
	if err != nil {
		t.Fatal(err)
	}
	tags, err := s.PackedTags(8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyTags(tags, ring(t, testKey(t, 6))); err != nil {
		t.Fatal(err)
	}
	if _, err := FitPacked(&rec, 2, true); err == nil || !strings.Contains(err.Error(), "only 2 are available") {
		t.Fatalf("a budget of 2 tags: err = %v", err)
	}
	if _, err := s.PackedTags(2); err == nil {
		t.Fatal("PackedTags(2) accepted a record needing more tags")
	}
}

// setPacked replaces the packed parts of m by the single part v.
func setPacked(m map[string]string, v string) {
	for k := range m {
		if strings.HasPrefix(k, TagPrefix+fieldPacked+"-") {
			delete(m, k)
		}
	}
	m[TagPrefix+fieldPacked+"-0"] = v
}
