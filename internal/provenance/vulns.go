package provenance

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Vulnerability fields. They are optional: a record built without a scan
// carries none of them, so records signed before they existed still verify
// (the canonical encoding only lists non-empty fields).
const (
	FieldPatched       = "patched"          // when updates last changed the package set
	FieldVulnsFeed     = "vulns-feed-date"  // newest "modified" time of the advisory feed
	FieldVulnsFixable  = "vulns-fixable"    // fixable findings by severity
	FieldVulnsUnfixed  = "vulns-unfixed"    // findings with no fix yet, by severity
	FieldVulnsOldest   = "vulns-oldest-fix" // age in days of the oldest fix not installed
	FieldVulnsOpen     = "vulns-open"       // the fixable findings themselves (split over tags)
	vulnsOpenPartsMax  = 8                  // tags vulns-open-0 … vulns-open-7
	vulnsOpenSeparator = ";"
)

// Severities in the order the count fields list them.
var severities = []string{"critical", "high", "medium", "low", "unknown"}

// Vulns is the vulnerability scan of the image at build time.
type Vulns struct {
	FeedDate time.Time
	// Fixable and Unfixed count findings by severity (critical, high,
	// medium, low, unknown).
	Fixable, Unfixed map[string]int
	// OldestFixAgeDays is the age at build time of the oldest fix that the
	// image does not have.
	OldestFixAgeDays int
	// Open lists fixable findings left in the image, oldest fix first. It
	// may hold fewer than the Fixable counts when they did not fit the tags
	// (see FitOpen).
	Open []OpenVuln
}

// OpenVuln is one fixable vulnerability left in an image: enough for a plan
// to tell, on any later day, whether it is past its fix deadline.
type OpenVuln struct {
	CVE          string
	Package      string
	FixedVersion string
	Severity     string
	FixPublished time.Time // zero: the advisory has no publication date
}

// FixableTotal is the number of fixable findings.
func (v *Vulns) FixableTotal() int {
	n := 0
	for _, c := range v.Fixable {
		n += c
	}
	return n
}

// FitOpen sorts Open oldest fix first and drops the newest entries that do
// not fit the vulns-open tags; it returns how many were dropped.
func (v *Vulns) FitOpen() int {
	sort.SliceStable(v.Open, func(i, j int) bool {
		a, b := v.Open[i], v.Open[j]
		if !a.FixPublished.Equal(b.FixPublished) {
			return a.FixPublished.Before(b.FixPublished)
		}
		return a.CVE+a.Package < b.CVE+b.Package
	})
	dropped := 0
	for len(v.Open) > 0 && len(encodeOpen(v.Open)) > vulnsOpenPartsMax*MaxTagValueLen {
		v.Open = v.Open[:len(v.Open)-1]
		dropped++
	}
	return dropped
}

func (v *Vulns) fields(m map[string]string) {
	m[FieldVulnsFeed] = v.FeedDate.UTC().Format(time.RFC3339)
	m[FieldVulnsFixable] = encodeCounts(v.Fixable)
	m[FieldVulnsUnfixed] = encodeCounts(v.Unfixed)
	m[FieldVulnsOldest] = strconv.Itoa(v.OldestFixAgeDays)
	m[FieldVulnsOpen] = encodeOpen(v.Open)
}

func (v *Vulns) validate() error {
	if v.FeedDate.IsZero() {
		return &FieldError{Field: FieldVulnsFeed, Msg: "is required when a vulnerability scan is recorded"}
	}
	if v.OldestFixAgeDays < 0 {
		return &FieldError{Field: FieldVulnsOldest, Msg: fmt.Sprintf("must not be negative, got %d", v.OldestFixAgeDays)}
	}
	for name, m := range map[string]map[string]int{FieldVulnsFixable: v.Fixable, FieldVulnsUnfixed: v.Unfixed} {
		for sev, n := range m {
			if !contains(severities, sev) {
				return &FieldError{Field: name, Msg: fmt.Sprintf("has severity %q; use %s", sev, strings.Join(severities, ", "))}
			}
			if n < 0 {
				return &FieldError{Field: name, Msg: fmt.Sprintf("%s must not be negative, got %d", sev, n)}
			}
		}
	}
	for i, o := range v.Open {
		for _, s := range []string{o.CVE, o.Package, o.FixedVersion, o.Severity} {
			if s == "" || strings.ContainsAny(s, "|;\r\n") {
				return &FieldError{Field: FieldVulnsOpen, Msg: fmt.Sprintf("entry %d (%s %s): every part must be non-empty and free of '|' and ';'", i, o.CVE, o.Package)}
			}
		}
	}
	if n := len(encodeOpen(v.Open)); n > vulnsOpenPartsMax*MaxTagValueLen {
		return &FieldError{Field: FieldVulnsOpen, Msg: fmt.Sprintf("is %d bytes; %d tags hold at most %d (call FitOpen)", n, vulnsOpenPartsMax, vulnsOpenPartsMax*MaxTagValueLen)}
	}
	return nil
}

// Tencent tag values may only hold letters, digits, spaces and + - = . _ :
// / @, so counts are "critical=0 high=1 medium=0 low=0 unknown=0" and the
// open list (Debian versions carry '~', entries need separators) is base64.

// encodeCounts renders "critical=0 high=1 medium=0 low=0 unknown=0".
func encodeCounts(m map[string]int) string {
	parts := make([]string, len(severities))
	for i, s := range severities {
		parts[i] = s + "=" + strconv.Itoa(m[s])
	}
	return strings.Join(parts, " ")
}

func parseCounts(name, v string) (map[string]int, error) {
	out := map[string]int{}
	parts := strings.Split(v, " ")
	bad := &FieldError{Field: name, Msg: fmt.Sprintf("must be %q, got %q", encodeCounts(nil), v)}
	if len(parts) != len(severities) {
		return nil, bad
	}
	for i, p := range parts {
		sev, num, ok := strings.Cut(p, "=")
		n, err := strconv.Atoi(num)
		if !ok || sev != severities[i] || err != nil || n < 0 || strconv.Itoa(n) != num {
			return nil, bad
		}
		out[sev] = n
	}
	return out, nil
}

// encodeOpen renders base64("CVE|package|fixed|YYYY-MM-DD|severity;…")
// (date "-" when unknown); "" for no entries.
func encodeOpen(open []OpenVuln) string {
	if len(open) == 0 {
		return ""
	}
	parts := make([]string, len(open))
	for i, o := range open {
		d := "-"
		if !o.FixPublished.IsZero() {
			d = o.FixPublished.UTC().Format(time.DateOnly)
		}
		parts[i] = strings.Join([]string{o.CVE, o.Package, o.FixedVersion, d, o.Severity}, "|")
	}
	return base64.StdEncoding.EncodeToString([]byte(strings.Join(parts, vulnsOpenSeparator)))
}

func parseOpen(enc string) ([]OpenVuln, error) {
	if enc == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(enc)
	if err != nil {
		return nil, &FieldError{Field: FieldVulnsOpen, Msg: "is not base64"}
	}
	var out []OpenVuln
	for i, e := range strings.Split(string(raw), vulnsOpenSeparator) {
		p := strings.Split(e, "|")
		if len(p) != 5 {
			return nil, &FieldError{Field: FieldVulnsOpen, Msg: fmt.Sprintf("entry %d %q is not CVE|package|fixed-version|date|severity", i, e)}
		}
		o := OpenVuln{CVE: p[0], Package: p[1], FixedVersion: p[2], Severity: p[4]}
		if p[3] != "-" {
			t, err := time.Parse(time.DateOnly, p[3])
			if err != nil {
				return nil, &FieldError{Field: FieldVulnsOpen, Msg: fmt.Sprintf("entry %d: date %q is not YYYY-MM-DD", i, p[3])}
			}
			o.FixPublished = t
		}
		out = append(out, o)
	}
	return out, nil
}

// parseVulns reads the vulnerability fields; nil when the record has none.
func parseVulns(f map[string]string) (*Vulns, error) {
	if f[FieldVulnsFeed] == "" {
		for _, name := range []string{FieldVulnsFixable, FieldVulnsUnfixed, FieldVulnsOldest, FieldVulnsOpen} {
			if f[name] != "" {
				return nil, &MissingTagError{Key: TagPrefix + FieldVulnsFeed}
			}
		}
		return nil, nil
	}
	v := &Vulns{}
	t, err := time.Parse(time.RFC3339, f[FieldVulnsFeed])
	if err != nil {
		return nil, &FieldError{Field: FieldVulnsFeed, Msg: fmt.Sprintf("must be an RFC 3339 time, got %q", f[FieldVulnsFeed])}
	}
	v.FeedDate = t.UTC()
	if v.Fixable, err = parseCounts(FieldVulnsFixable, f[FieldVulnsFixable]); err != nil {
		return nil, err
	}
	if v.Unfixed, err = parseCounts(FieldVulnsUnfixed, f[FieldVulnsUnfixed]); err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(f[FieldVulnsOldest])
	if err != nil || n < 0 {
		return nil, &FieldError{Field: FieldVulnsOldest, Msg: fmt.Sprintf("must be a non-negative integer, got %q", f[FieldVulnsOldest])}
	}
	v.OldestFixAgeDays = n
	if v.Open, err = parseOpen(f[FieldVulnsOpen]); err != nil {
		return nil, err
	}
	return v, nil
}

// splitField spreads a long value over tags name-0, name-1, … of at most
// MaxTagValueLen bytes each.
func splitField(tags map[string]string, name, v string) {
	for i := 0; len(v) > 0; i++ {
		n := min(len(v), MaxTagValueLen)
		tags[TagPrefix+name+"-"+strconv.Itoa(i)] = v[:n]
		v = v[n:]
	}
}

// joinField concatenates name-0, name-1, … and rejects gaps; ok is false
// when no part is present.
func joinField(tags map[string]string, name string) (v string, ok bool, err error) {
	var idx []int
	prefix := TagPrefix + name + "-"
	for k := range tags {
		rest, found := strings.CutPrefix(k, prefix)
		if !found {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 || strconv.Itoa(n) != rest {
			return "", false, &FieldError{Field: name + "-" + rest, Msg: fmt.Sprintf("is not a part of %s (want %s-0, %s-1, …)", name, name, name)}
		}
		idx = append(idx, n)
	}
	sort.Ints(idx)
	var b strings.Builder
	for i, n := range idx {
		if n != i {
			return "", false, &MissingTagError{Key: prefix + strconv.Itoa(i)}
		}
		b.WriteString(tags[prefix+strconv.Itoa(n)])
	}
	return b.String(), len(idx) > 0, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
