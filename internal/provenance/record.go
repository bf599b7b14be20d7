package provenance

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Scheme identifies the canonical encoding; it is the first line of what is
// signed, so a future encoding can never be confused with this one.
const Scheme = "hardened-provenance/v1"

// TagPrefix starts every provenance tag key.
const TagPrefix = "hardened:"

// Tencent Cloud tag limits.
const (
	MaxTagKeyLen   = 127
	MaxTagValueLen = 255
)

// Field names: the tag key is TagPrefix + name, and the canonical encoding
// uses the name as the key of its line.
const (
	FieldScheme         = "scheme"
	FieldProfile        = "profile"
	FieldProfileVersion = "profile-version"
	FieldAuditPass      = "audit-pass"
	FieldAuditFail      = "audit-fail"
	FieldAuditWaived    = "audit-waived"
	FieldAuditManual    = "audit-manual"
	FieldBaseImage      = "base-image"
	FieldBaseOS         = "base-os"
	FieldBaseEOL        = "base-eol"
	FieldBuildTime      = "build-time"
	FieldBuilder        = "builder"
	FieldBundle         = "bundle"
	FieldPackages       = "packages"
	FieldKeyID          = "key-id"
	sigField            = "sig" // the signature, split over tags sig-0, sig-1, …
)

// Record is what a hardened image says about itself.
type Record struct {
	ProfileID      string // e.g. "debian13-cis-l1"
	ProfileVersion string // version of the rule catalog / profile
	Pass           int
	Fail           int
	Waived         int
	Manual         int
	BaseImageID    string    // image the build started from
	BaseOsName     string    // its Tencent OsName
	BaseEOL        time.Time // end of standard support of the base OS (zero: unknown)
	BuildTime      time.Time
	BuilderVersion string // e.g. "packer-plugin-hardened 0.1.0"
	BundleVersion  string // version of the harden bundle that ran
	PackageSetHash string // e.g. "sha256:…" over the sorted installed package list
	// Patched is when updates last changed the package set (zero: unknown;
	// the build time is then the best estimate of the patch level).
	Patched time.Time
	// Vulns is the vulnerability scan at build time; nil: no scan ran.
	Vulns *Vulns
	// Independent is the independent scanner's result; nil: none ran.
	Independent *ScanResult
}

// signedFields lists the fields in the canonical encoding, sorted by name.
var signedFields = func() []string {
	f := []string{FieldProfile, FieldProfileVersion, FieldAuditPass, FieldAuditFail, FieldAuditWaived,
		FieldAuditManual, FieldBaseImage, FieldBaseOS, FieldBaseEOL, FieldBuildTime, FieldBuilder,
		FieldBundle, FieldPackages, FieldPatched, FieldVulnsFeed, FieldVulnsFixable, FieldVulnsUnfixed,
		FieldVulnsOldest, FieldVulnsOpen, FieldScanner, FieldScanPass, FieldScanFail}
	sort.Strings(f)
	return f
}()

// requiredFields must be present and non-empty in a record.
var requiredFields = map[string]bool{
	FieldProfile: true, FieldAuditPass: true, FieldAuditFail: true, FieldAuditWaived: true,
	FieldAuditManual: true, FieldBaseImage: true, FieldBuildTime: true, FieldBuilder: true,
}

// fields renders the record as field name → value.
func (r Record) fields() map[string]string {
	m := map[string]string{
		FieldProfile:        r.ProfileID,
		FieldProfileVersion: r.ProfileVersion,
		FieldAuditPass:      strconv.Itoa(r.Pass),
		FieldAuditFail:      strconv.Itoa(r.Fail),
		FieldAuditWaived:    strconv.Itoa(r.Waived),
		FieldAuditManual:    strconv.Itoa(r.Manual),
		FieldBaseImage:      r.BaseImageID,
		FieldBaseOS:         r.BaseOsName,
		FieldBuilder:        r.BuilderVersion,
		FieldBundle:         r.BundleVersion,
		FieldPackages:       r.PackageSetHash,
	}
	if !r.BaseEOL.IsZero() {
		m[FieldBaseEOL] = r.BaseEOL.UTC().Format(time.DateOnly)
	}
	if !r.BuildTime.IsZero() {
		m[FieldBuildTime] = r.BuildTime.UTC().Format(time.RFC3339)
	}
	if !r.Patched.IsZero() {
		m[FieldPatched] = r.Patched.UTC().Format(time.RFC3339)
	}
	if r.Vulns != nil {
		r.Vulns.fields(m)
	}
	if r.Independent != nil {
		r.Independent.fields(m)
	}
	return m
}

// Validate checks that the record can be encoded: required fields set,
// counts non-negative, values within the tag limits and free of line breaks
// (which would make the canonical encoding ambiguous).
func (r Record) Validate() error {
	for _, c := range []struct {
		name string
		n    int
	}{{FieldAuditPass, r.Pass}, {FieldAuditFail, r.Fail}, {FieldAuditWaived, r.Waived}, {FieldAuditManual, r.Manual}} {
		if c.n < 0 {
			return &FieldError{Field: c.name, Msg: fmt.Sprintf("must not be negative, got %d", c.n)}
		}
	}
	if r.Vulns != nil {
		if err := r.Vulns.validate(); err != nil {
			return err
		}
	}
	if r.Independent != nil {
		if err := r.Independent.validate(); err != nil {
			return err
		}
	}
	f := r.fields()
	for _, name := range signedFields {
		v := f[name]
		if v == "" && requiredFields[name] {
			return &FieldError{Field: name, Msg: "is required"}
		}
		if name == FieldVulnsOpen {
			continue // split over several tags; validated above
		}
		if err := checkValue(name, v); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(name, v string) error {
	if len(v) > MaxTagValueLen {
		return &FieldError{Field: name, Msg: fmt.Sprintf("is %d bytes; a Tencent tag value holds at most %d", len(v), MaxTagValueLen)}
	}
	if strings.ContainsAny(v, "\r\n") {
		return &FieldError{Field: name, Msg: "must not contain line breaks"}
	}
	return nil
}

// Canonical is the byte string that is signed: the scheme line, then every
// non-empty field as "name=value\n" sorted by name.
func (r Record) Canonical() []byte {
	return canonical(r.fields())
}

func canonical(f map[string]string) []byte {
	var b strings.Builder
	b.WriteString(FieldScheme + "=" + Scheme + "\n")
	for _, name := range signedFields {
		if v := f[name]; v != "" {
			b.WriteString(name + "=" + v + "\n")
		}
	}
	return []byte(b.String())
}

// FieldError names the provenance field that is wrong.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == FieldVulnsOpen {
		return fmt.Sprintf("provenance field %q (tags %s%s-0, -1, …) %s", e.Field, TagPrefix, e.Field, e.Msg)
	}
	return fmt.Sprintf("provenance field %q (tag %s%s) %s", e.Field, TagPrefix, e.Field, e.Msg)
}

// parseRecord reads field values back into a Record.
func parseRecord(f map[string]string) (Record, error) {
	r := Record{
		ProfileID:      f[FieldProfile],
		ProfileVersion: f[FieldProfileVersion],
		BaseImageID:    f[FieldBaseImage],
		BaseOsName:     f[FieldBaseOS],
		BuilderVersion: f[FieldBuilder],
		BundleVersion:  f[FieldBundle],
		PackageSetHash: f[FieldPackages],
	}
	for _, c := range []struct {
		name string
		dst  *int
	}{{FieldAuditPass, &r.Pass}, {FieldAuditFail, &r.Fail}, {FieldAuditWaived, &r.Waived}, {FieldAuditManual, &r.Manual}} {
		n, err := strconv.Atoi(f[c.name])
		if err != nil || n < 0 || strconv.Itoa(n) != f[c.name] {
			return Record{}, &FieldError{Field: c.name, Msg: fmt.Sprintf("must be a non-negative integer, got %q", f[c.name])}
		}
		*c.dst = n
	}
	if v := f[FieldBaseEOL]; v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return Record{}, &FieldError{Field: FieldBaseEOL, Msg: fmt.Sprintf("must be YYYY-MM-DD, got %q", v)}
		}
		r.BaseEOL = t
	}
	t, err := time.Parse(time.RFC3339, f[FieldBuildTime])
	if err != nil {
		return Record{}, &FieldError{Field: FieldBuildTime, Msg: fmt.Sprintf("must be an RFC 3339 time, got %q", f[FieldBuildTime])}
	}
	r.BuildTime = t.UTC()
	if v := f[FieldPatched]; v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return Record{}, &FieldError{Field: FieldPatched, Msg: fmt.Sprintf("must be an RFC 3339 time, got %q", v)}
		}
		r.Patched = t.UTC()
	}
	if r.Vulns, err = parseVulns(f); err != nil {
		return Record{}, err
	}
	if r.Independent, err = parseScan(f); err != nil {
		return Record{}, err
	}
	return r, nil
}
