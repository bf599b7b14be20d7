package engine

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// OSRelease is the subset of os-release(5) the engine uses.
type OSRelease struct {
	ID         string
	IDLike     []string
	VersionID  string
	Name       string
	PrettyName string
}

// ParseOSRelease parses os-release(5) content (KEY=value, optionally quoted).
func ParseOSRelease(data []byte) (OSRelease, error) {
	var o OSRelease
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else {
			v = strings.Trim(v, `"'`)
		}
		switch k {
		case "ID":
			o.ID = strings.ToLower(v)
		case "ID_LIKE":
			o.IDLike = strings.Fields(strings.ToLower(v))
		case "VERSION_ID":
			o.VersionID = v
		case "NAME":
			o.Name = v
		case "PRETTY_NAME":
			o.PrettyName = v
		}
	}
	if err := sc.Err(); err != nil {
		return o, fmt.Errorf("read os-release: %w", err)
	}
	if o.ID == "" {
		return o, errors.New("os-release has no ID field")
	}
	return o, nil
}

// Platform is the OS family and major version a profile targets.
type Platform struct {
	Family  string // "debian", "ubuntu", "rhel"
	Version string // "12", "13", "22.04", "24.04", "8", "9"
}

// ID is the profile-style platform id, e.g. "debian-12".
func (p Platform) ID() string {
	if p.Family == "" {
		return ""
	}
	return p.Family + "-" + p.Version
}

// ErrUnsupportedOS is wrapped by DetectPlatform for an OS without a profile.
var ErrUnsupportedOS = errors.New("unsupported OS")

// rhelCompatible lists os-release IDs that map onto the rhel profiles.
var rhelCompatible = map[string]bool{
	"rhel": true, "rocky": true, "almalinux": true, "centos": true,
	"tencentos": true, "opencloudos": true, "ol": true,
}

// DetectPlatform maps os-release to a supported platform. Rocky, Alma,
// TencentOS 3/4 and OpenCloudOS 8/9 map onto rhel-8/rhel-9.
func DetectPlatform(o OSRelease) (Platform, error) {
	major, _, _ := strings.Cut(o.VersionID, ".")
	switch {
	case o.ID == "debian":
		if major == "12" || major == "13" {
			return Platform{"debian", major}, nil
		}
	case o.ID == "ubuntu":
		if o.VersionID == "22.04" || o.VersionID == "24.04" {
			return Platform{"ubuntu", o.VersionID}, nil
		}
	case o.ID == "tencentos":
		// TencentOS Server 3 is built from RHEL 8 sources, 4 from RHEL 9-era sources.
		switch major {
		case "3":
			return Platform{"rhel", "8"}, nil
		case "4":
			return Platform{"rhel", "9"}, nil
		}
	case rhelCompatible[o.ID] || contains(o.IDLike, "rhel"):
		if major == "8" || major == "9" {
			return Platform{"rhel", major}, nil
		}
	}
	return Platform{}, fmt.Errorf("%w: %s %s (ID=%q VERSION_ID=%q); supported: debian 12/13, ubuntu 22.04/24.04, rhel-compatible 8/9",
		ErrUnsupportedOS, o.Name, o.VersionID, o.ID, o.VersionID)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
