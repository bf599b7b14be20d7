package provenance

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestIndependentScanRoundTripAndSigned(t *testing.T) {
	key := testKey(t, 1)
	rec := testRecord()
	rec.Independent = &ScanResult{Scanner: "openscap 1.3.12 ssg-debian12-ds cis_level1_server", Pass: 201, Fail: 7}
	s, err := Sign(rec, key)
	if err != nil {
		t.Fatal(err)
	}
	tags := s.Tags()
	if tags["hardened:scan-fail"] != "7" || tags["hardened:scanner"] != rec.Independent.Scanner {
		t.Fatalf("scan tags: %v", tags)
	}
	got, err := VerifyTags(tags, ring(t, key))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Independent, rec.Independent) {
		t.Fatalf("decoded %+v, want %+v", got.Independent, rec.Independent)
	}
	// The counts are signed: lowering the failures breaks the signature.
	m := cloneTags(tags)
	m["hardened:scan-fail"] = "0"
	if _, err := VerifyTags(m, ring(t, key)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("edited scan-fail: err = %v, want ErrBadSignature", err)
	}
	// A record without a scan encodes exactly as before the fields existed.
	plain := testRecord()
	if c := string(plain.Canonical()); strings.Contains(c, "scan") {
		t.Errorf("canonical form of a record without a scan mentions it:\n%s", c)
	}
}

func TestIndependentScanErrors(t *testing.T) {
	key := testKey(t, 1)
	good, err := Sign(testRecord(), key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  map[string]string
		field string
	}{
		{"counts without scanner", map[string]string{"hardened:scan-pass": "3", "hardened:scan-fail": "0"}, FieldScanner},
		{"scanner without counts", map[string]string{"hardened:scanner": "openscap"}, FieldScanPass},
		{"negative fail", map[string]string{"hardened:scanner": "openscap", "hardened:scan-pass": "3", "hardened:scan-fail": "-1"}, FieldScanFail},
		{"not canonical", map[string]string{"hardened:scanner": "openscap", "hardened:scan-pass": "03", "hardened:scan-fail": "0"}, FieldScanPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := cloneTags(good.Tags())
			for k, v := range tt.edit {
				m[k] = v
			}
			_, err := Decode(m)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("err = %v, want a FieldError on %s", err, tt.field)
			}
		})
	}
	for _, bad := range []*ScanResult{{Pass: 1}, {Scanner: "x", Fail: -2}, {Scanner: "x", Pass: -1}} {
		r := testRecord()
		r.Independent = bad
		if err := r.Validate(); err == nil {
			t.Errorf("Validate accepted %+v", bad)
		}
	}
}
