package lifecycle

import (
	"errors"
	"fmt"
	"strings"
)

// OSID is what an OsName string says about the operating system, before any
// catalog lookup.
type OSID struct {
	Family string // canonical family id
	// Version is the catalog cycle ("22.04", "7", "2012r2").
	Version string
	// PointRelease is the version as written ("22.04.1", "7.9", "2012r2").
	PointRelease string
}

// Name is a human label such as "CentOS 7".
func (id OSID) Name() string { return DisplayName(id.Family, id.Version) }

// Parse errors, matchable with errors.Is.
var (
	ErrUnknownFamily    = errors.New("no known OS family")
	ErrMalformedVersion = errors.New("malformed version")
)

// familyAliases maps a compacted alias (lowercase, no spaces, hyphens or
// underscores) to a canonical family id. Compaction makes "Rocky Linux",
// "rocky-linux" and "RockyLinux" one key.
var familyAliases = map[string]string{
	"ubuntu": "ubuntu", "ubuntuserver": "ubuntu", "ubuntulinux": "ubuntu",
	"debian": "debian", "debianlinux": "debian", "debiangnulinux": "debian", "debianserver": "debian",
	"centos": "centos", "centoslinux": "centos",
	"centosstream": "centos-stream",
	"rocky":        "rocky", "rockylinux": "rocky",
	"alma": "almalinux", "almalinux": "almalinux", "almalinuxos": "almalinux",
	"rhel": "rhel", "redhat": "rhel", "redhatenterpriselinux": "rhel", "redhatenterpriselinuxserver": "rhel",
	"tencentos": "tencentos", "tencentosserver": "tencentos", "tencentlinux": "tencentos", "tlinux": "tencentos",
	"opencloudos": "opencloudos", "opencloudosserver": "opencloudos",
	"windows": "windows-server", "windowsserver": "windows-server",
}

// maxAliasTokens is the longest alias in tokens ("red hat enterprise linux").
const maxAliasTokens = 5

// NormalizeFamily maps a family name or alias ("Rocky Linux", "TencentOS
// Server", "Windows Server", "Alma") to its canonical id.
func NormalizeFamily(raw string) (string, bool) {
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == ' ' || c == '-' || c == '_' || c == '/' || c == '\t':
			continue
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	id, ok := familyAliases[b.String()]
	return id, ok
}

// NormalizeVersion reduces a raw version to the catalog cycle of family:
// "22.04.1" -> "22.04" (ubuntu), "7.9" -> "7", "2012 R2" -> "2012r2".
// family must be canonical.
func NormalizeVersion(family, raw string) (string, error) {
	f, ok := lookupFamily(family)
	if !ok {
		return "", fmt.Errorf("%w: %q", ErrUnknownFamily, family)
	}
	v := strings.TrimSpace(raw)
	bad := func() (string, error) {
		return "", fmt.Errorf("%w %q for %s: expected %s such as %q", ErrMalformedVersion, raw, family, styleHint(f.style), f.example)
	}
	switch f.style {
	case styleYearMonth:
		// YY.MM with an optional point release: 22.04, 22.04.1.
		yy, rest, ok := digitsPrefix(v)
		if !ok || len(yy) != 2 || len(rest) < 3 || rest[0] != '.' {
			return bad()
		}
		mm, rest, ok := digitsPrefix(rest[1:])
		if !ok || len(mm) != 2 || !dottedDigits(rest) {
			return bad()
		}
		return yy + "." + mm, nil
	case styleWindowsYear:
		// 2019, 2012 R2, 2012R2, 2012-r2.
		year, rest, ok := digitsPrefix(v)
		if !ok || len(year) != 4 {
			return bad()
		}
		rest = strings.TrimLeft(rest, " -_")
		switch rest {
		case "":
			return year, nil
		case "r2", "R2":
			return year + "r2", nil
		}
		return bad()
	default:
		// Major with optional minor/patch: 7, 7.9, 12.4, 3.2.
		major, rest, ok := digitsPrefix(v)
		if !ok || len(major) > 4 || !dottedDigits(rest) {
			return bad()
		}
		return strings.TrimLeft(major, "0") + zeroIfEmpty(major), nil
	}
}

func zeroIfEmpty(major string) string {
	if strings.Trim(major, "0") == "" {
		return "0"
	}
	return ""
}

func styleHint(s versionStyle) string {
	switch s {
	case styleYearMonth:
		return "YY.MM"
	case styleWindowsYear:
		return "a year, optionally with R2,"
	}
	return "a major version (minor parts are ignored)"
}

// digitsPrefix splits s into its leading ASCII digits and the rest.
func digitsPrefix(s string) (digits, rest string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i], s[i:], i > 0
}

// dottedDigits reports whether s is empty or (".digits")+.
func dottedDigits(s string) bool {
	for s != "" {
		if s[0] != '.' {
			return false
		}
		var ok bool
		if _, s, ok = digitsPrefix(s[1:]); !ok {
			return false
		}
	}
	return true
}

// token is a span of an OsName: a run of ASCII letters, digits and dots.
// Everything else (spaces, parentheses, CJK such as 64位 or 数据中心版) is a
// separator, which is what makes Chinese suffixes harmless.
type token struct{ start, end int }

const maxTokens = 24

func tokenize(s string, buf *[maxTokens]token) []token {
	toks := buf[:0]
	start := -1
	for i := 0; i <= len(s); i++ {
		inWord := i < len(s) && isWordByte(s[i])
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			if len(toks) == maxTokens {
				return toks
			}
			toks = append(toks, token{start, i})
			start = -1
		}
	}
	return toks
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
}

// ParseOsName extracts family and version from a Tencent Cloud OsName such as
// "Ubuntu Server 22.04 LTS 64bit UEFI", "TencentOS Server 3.2 (Final)",
// "CentOS 7.9 64位" or "Windows Server 2019 数据中心版 64位中文版".
// platform (the image's Platform field, e.g. "Rocky Linux") is used for the
// family only when osName names none.
func ParseOsName(osName, platform string) (OSID, error) {
	var buf [maxTokens]token
	toks := tokenize(osName, &buf)
	family, next := findFamily(osName, toks)
	verFrom := osName
	if family == "" {
		fam, ok := NormalizeFamily(strings.TrimSpace(platform))
		if !ok {
			where := fmt.Sprintf("OsName %q", osName)
			if platform != "" {
				where += fmt.Sprintf(" or Platform %q", platform)
			}
			return OSID{}, fmt.Errorf("%w in %s; known families: %s", ErrUnknownFamily, where, strings.Join(Families(), ", "))
		}
		family, next = fam, 0
	}
	raw, ok := findVersion(verFrom, toks, next, family)
	if !ok {
		f, _ := lookupFamily(family)
		return OSID{}, fmt.Errorf("%w: OsName %q names %s but no version such as %q", ErrMalformedVersion, osName, family, f.example)
	}
	ver, err := NormalizeVersion(family, raw)
	if err != nil {
		return OSID{}, fmt.Errorf("OsName %q: %w", osName, err)
	}
	return OSID{Family: family, Version: ver, PointRelease: raw}, nil
}

// findFamily looks for the longest run of tokens that is a family alias and
// returns the family and the index of the token after it. A token that glues
// an alias to a version ("CentOS7.9") also counts; then the returned index
// points at that token and findVersion reads its digits.
func findFamily(s string, toks []token) (string, int) {
	var scratch [64]byte
	for i := range toks {
		for n := min(maxAliasTokens, len(toks)-i); n >= 1; n-- {
			b := scratch[:0]
			for _, t := range toks[i : i+n] {
				b = appendLower(b, s[t.start:t.end])
				if len(b) > 40 {
					break
				}
			}
			if fam, ok := familyAliases[string(b)]; ok {
				return fam, i + n
			}
		}
		word := s[toks[i].start:toks[i].end]
		if d := strings.IndexAny(word, "0123456789"); d > 0 {
			b := appendLower(scratch[:0], word[:d])
			if fam, ok := familyAliases[string(b)]; ok {
				return fam, i
			}
		}
	}
	return "", 0
}

func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s) && len(b) < cap(b); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// findVersion returns the first version-looking text at or after token from.
// For Windows it joins a following "R2" token.
func findVersion(s string, toks []token, from int, family string) (string, bool) {
	for i := from; i < len(toks); i++ {
		word := s[toks[i].start:toks[i].end]
		if d := strings.IndexAny(word, "0123456789"); d > 0 {
			// "CentOS7.9": letters glued to the version.
			if _, ok := NormalizeFamily(word[:d]); !ok {
				continue
			}
			word = word[d:]
		}
		if word == "" || word[0] < '0' || word[0] > '9' {
			continue
		}
		if family == "windows-server" {
			if len(word) == 6 && (word[4:] == "r2" || word[4:] == "R2") {
				return word, true
			}
			if i+1 < len(toks) {
				n := s[toks[i+1].start:toks[i+1].end]
				if n == "R2" || n == "r2" {
					return strings.TrimRight(word, ".") + "r2", true
				}
			}
		}
		// Keep the leading digits-and-dots run: "22.04LTS" -> "22.04",
		// "9." -> "9". What remains is for NormalizeVersion to judge.
		end := 0
		for end < len(word) && (word[end] == '.' || word[end] >= '0' && word[end] <= '9') {
			end++
		}
		word = strings.TrimRight(word[:end], ".")
		return word, true
	}
	return "", false
}

// ParseSelector reads "<family>" or "<family> <version>" where both parts may
// contain spaces ("Rocky Linux", "windows-server 2012 R2"): the family is the
// longest prefix that names one. version is "" for a family-only selector.
func ParseSelector(s string) (family, version string, err error) {
	s = strings.TrimSpace(s)
	if fam, ok := NormalizeFamily(s); ok {
		return fam, "", nil
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] != ' ' {
			continue
		}
		fam, ok := NormalizeFamily(s[:i])
		if !ok {
			continue
		}
		ver, err := NormalizeVersion(fam, strings.TrimSpace(s[i+1:]))
		if err != nil {
			return "", "", err
		}
		return fam, ver, nil
	}
	return "", "", fmt.Errorf("%w in %q; use \"<family>\" or \"<family> <version>\" with a family among %s", ErrUnknownFamily, s, strings.Join(Families(), ", "))
}
