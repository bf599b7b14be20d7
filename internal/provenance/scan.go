package provenance

import (
	"fmt"
	"strconv"
)

// Fields of the optional independent scan. They are encoded only when a
// scan ran, so records without one keep the canonical encoding (and the
// signatures) of earlier builds.
const (
	FieldScanner  = "scanner"
	FieldScanPass = "scan-pass"
	FieldScanFail = "scan-fail"
)

// ScanResult is what a scanner other than our own audit reported after
// hardening (e.g. OpenSCAP with the distribution's SCAP content), so the
// policy can judge the image by a second opinion too.
type ScanResult struct {
	Scanner string // e.g. "openscap 1.3.12 ssg-debian12-ds cis_level1_server"
	Pass    int
	Fail    int
}

func (s *ScanResult) fields(m map[string]string) {
	m[FieldScanner] = s.Scanner
	m[FieldScanPass] = strconv.Itoa(s.Pass)
	m[FieldScanFail] = strconv.Itoa(s.Fail)
}

func (s *ScanResult) validate() error {
	if s.Scanner == "" {
		return &FieldError{Field: FieldScanner, Msg: "is required when an independent scan result is recorded"}
	}
	if s.Pass < 0 {
		return &FieldError{Field: FieldScanPass, Msg: fmt.Sprintf("must not be negative, got %d", s.Pass)}
	}
	if s.Fail < 0 {
		return &FieldError{Field: FieldScanFail, Msg: fmt.Sprintf("must not be negative, got %d", s.Fail)}
	}
	return nil
}

// parseScan reads the optional independent scan: the scanner name and both
// counts come together or not at all.
func parseScan(f map[string]string) (*ScanResult, error) {
	name, pass, fail := f[FieldScanner], f[FieldScanPass], f[FieldScanFail]
	if name == "" && pass == "" && fail == "" {
		return nil, nil
	}
	if name == "" {
		return nil, &FieldError{Field: FieldScanner, Msg: "is missing but scan counts are present"}
	}
	s := &ScanResult{Scanner: name}
	for _, c := range []struct {
		name, v string
		dst     *int
	}{{FieldScanPass, pass, &s.Pass}, {FieldScanFail, fail, &s.Fail}} {
		n, err := strconv.Atoi(c.v)
		if err != nil || n < 0 || strconv.Itoa(n) != c.v {
			return nil, &FieldError{Field: c.name, Msg: fmt.Sprintf("must be a non-negative integer, got %q", c.v)}
		}
		*c.dst = n
	}
	return s, nil
}
