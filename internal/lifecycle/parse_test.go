package lifecycle

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseOsName(t *testing.T) {
	tests := []struct {
		osName, platform string
		family, version  string
		point            string
	}{
		// Every OsName example in reference/tencentcloud-api.md.
		{"TencentOS Server 3.2 (Final)", "TencentOS", "tencentos", "3", "3.2"},
		{"TencentOS Server 4 for x86_64", "TencentOS", "tencentos", "4", "4"},
		{"Ubuntu Server 22.04 LTS 64bit UEFI", "Ubuntu", "ubuntu", "22.04", "22.04"},
		{"OpenCloudOS Server 9", "OpenCloudOS", "opencloudos", "9", "9"},
		{"CentOS 7.9 64位", "CentOS", "centos", "7", "7.9"},
		{"Ubuntu Server 18.04.1 LTS 64位", "Ubuntu", "ubuntu", "18.04", "18.04.1"},
		{"Debian 12.4 64位", "Debian", "debian", "12", "12.4"},
		{"Rocky Linux 9.3 64位", "Rocky Linux", "rocky", "9", "9.3"},
		{"Windows Server 2019 数据中心版 64位中文版", "Windows", "windows-server", "2019", "2019"},
		// Other shapes seen on Tencent Cloud and in the brief.
		{"Windows Server 2012 R2 数据中心版 64位中文版", "Windows", "windows-server", "2012r2", "2012r2"},
		{"Windows Server 2016 Datacenter 64bit English", "", "windows-server", "2016", "2016"},
		{"Ubuntu Server 22.04.1 LTS 64bit", "", "ubuntu", "22.04", "22.04.1"},
		{"CentOS Stream 9 64位", "", "centos-stream", "9", "9"},
		{"CentOS 8.2 64位", "", "centos", "8", "8.2"},
		{"AlmaLinux 9.2 64位", "", "almalinux", "9", "9.2"},
		{"Alma Linux 8.8", "", "almalinux", "8", "8.8"},
		{"Red Hat Enterprise Linux 8.6", "", "rhel", "8", "8.6"},
		{"Tencent Linux 2.4 64位", "", "tencentos", "2", "2.4"},
		{"TencentOS Server 3.1 (TK4)", "", "tencentos", "3", "3.1"},
		{"OpenCloudOS 8.6 64位", "", "opencloudos", "8", "8.6"},
		{"Debian 13.1 64位 UEFI版", "", "debian", "13", "13.1"},
		{"CentOS7.9", "", "centos", "7", "7.9"},
		{"ubuntu 24.04", "", "ubuntu", "24.04", "24.04"},
		{"Ubuntu 22.04LTS 64bit", "", "ubuntu", "22.04", "22.04"},
		{"Debian 12. 64位", "", "debian", "12", "12"},
		{"Windows Server 2012R2 Datacenter", "", "windows-server", "2012r2", "2012R2"},
		// Family only in Platform.
		{"自定义镜像 9.3", "Rocky Linux", "rocky", "9", "9.3"},
	}
	for _, tt := range tests {
		t.Run(tt.osName, func(t *testing.T) {
			id, err := ParseOsName(tt.osName, tt.platform)
			if err != nil {
				t.Fatalf("ParseOsName(%q, %q): %v", tt.osName, tt.platform, err)
			}
			if id.Family != tt.family || id.Version != tt.version || id.PointRelease != tt.point {
				t.Errorf("ParseOsName(%q) = %+v, want %s %s (%s)", tt.osName, id, tt.family, tt.version, tt.point)
			}
		})
	}
}

func TestParseOsNameErrors(t *testing.T) {
	tests := []struct {
		osName, platform string
		want             error
		mention          string
	}{
		{"FreeBSD 13.2 64位", "FreeBSD", ErrUnknownFamily, "known families"},
		{"", "", ErrUnknownFamily, "ubuntu"},
		{"Ubuntu Server LTS 64bit", "", ErrMalformedVersion, "22.04"},
		{"Ubuntu 22 LTS", "", ErrMalformedVersion, "YY.MM"},
		{"Windows Server 10", "", ErrMalformedVersion, "2022"},
	}
	for _, tt := range tests {
		t.Run(tt.osName, func(t *testing.T) {
			_, err := ParseOsName(tt.osName, tt.platform)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseOsName(%q) error = %v, want %v", tt.osName, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error %q does not mention %q", err, tt.mention)
			}
		})
	}
}

func TestNormalizeFamily(t *testing.T) {
	tests := map[string]string{
		"Rocky Linux": "rocky", "rocky-linux": "rocky", "TencentOS Server": "tencentos",
		"Tencent Linux": "tencentos", "OpenCloudOS Server": "opencloudos", "Windows Server": "windows-server",
		"windows-server": "windows-server", "Alma": "almalinux", "CentOS Stream": "centos-stream",
		"centos-stream": "centos-stream", "Red Hat Enterprise Linux": "rhel", "Ubuntu": "ubuntu",
	}
	for in, want := range tests {
		if got, ok := NormalizeFamily(in); !ok || got != want {
			t.Errorf("NormalizeFamily(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "suse", "Windows 11 Pro", "arch linux"} {
		if got, ok := NormalizeFamily(in); ok {
			t.Errorf("NormalizeFamily(%q) = %q, want not ok", in, got)
		}
	}
}

func TestNormalizeVersion(t *testing.T) {
	ok := []struct{ family, in, want string }{
		{"ubuntu", "22.04.1", "22.04"}, {"ubuntu", "22.04", "22.04"},
		{"centos", "7.9", "7"}, {"centos", "7", "7"}, {"tencentos", "3.2", "3"},
		{"debian", "12.4", "12"}, {"debian", "012", "12"},
		{"windows-server", "2012 R2", "2012r2"}, {"windows-server", "2012R2", "2012r2"},
		{"windows-server", "2012-r2", "2012r2"}, {"windows-server", "2019", "2019"},
	}
	for _, tt := range ok {
		got, err := NormalizeVersion(tt.family, tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeVersion(%q, %q) = %q, %v; want %q", tt.family, tt.in, got, err, tt.want)
		}
	}
	bad := []struct{ family, in string }{
		{"ubuntu", "22"}, {"ubuntu", "2204"}, {"ubuntu", "22.4"}, {"ubuntu", "22.04-lts"},
		{"debian", "twelve"}, {"debian", ""}, {"debian", "12..4"}, {"debian", "12.x"},
		{"windows-server", "19"}, {"windows-server", "2019 R3"}, {"rocky", "99999"},
	}
	for _, tt := range bad {
		if got, err := NormalizeVersion(tt.family, tt.in); !errors.Is(err, ErrMalformedVersion) {
			t.Errorf("NormalizeVersion(%q, %q) = %q, %v; want ErrMalformedVersion", tt.family, tt.in, got, err)
		}
	}
}

// FuzzParseOsName checks that the parser never panics and that whatever it
// accepts is self-consistent: a known family and a version that normalises
// to itself.
func FuzzParseOsName(f *testing.F) {
	for _, s := range []string{
		"Ubuntu Server 22.04 LTS 64bit UEFI", "TencentOS Server 3.2 (Final)", "CentOS 7.9 64位",
		"Windows Server 2019 数据中心版 64位中文版", "Windows Server 2012 R2", "CentOS7.9", "", "....",
		"Red Hat Enterprise Linux 8.6", "ubuntu 99.99.99.99.99", "\xff\xfe windows 2012r2",
	} {
		f.Add(s, "")
	}
	f.Add("custom 9.3", "Rocky Linux")
	cat, err := Embedded()
	if err != nil {
		f.Fatal(err)
	}
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, osName, platform string) {
		// The whole per-image path must be total: any string gets a phase.
		rel, _, _ := cat.Parse(osName, platform)
		if st := cat.Evaluate(rel, today, DefaultPolicy()); st.Phase == "" || st.Reason() == "" {
			t.Fatalf("no phase/reason for %q", osName)
		}
		id, err := ParseOsName(osName, platform)
		if err != nil {
			return
		}
		if _, ok := lookupFamily(id.Family); !ok {
			t.Fatalf("ParseOsName(%q, %q) returned unknown family %q", osName, platform, id.Family)
		}
		again, err := NormalizeVersion(id.Family, id.Version)
		if err != nil || again != id.Version {
			t.Fatalf("version %q of %q does not normalise to itself: %q, %v", id.Version, osName, again, err)
		}
		if !utf8.ValidString(id.Version) {
			t.Fatalf("version %q is not valid UTF-8", id.Version)
		}
	})
}

func TestParseSelector(t *testing.T) {
	ok := map[string][2]string{
		"debian": {"debian", ""}, "Rocky Linux": {"rocky", ""}, "ubuntu 24.04": {"ubuntu", "24.04"},
		"windows-server 2012 R2": {"windows-server", "2012r2"}, "Rocky Linux 9.3": {"rocky", "9"},
		"centos-stream 10": {"centos-stream", "10"}, "CentOS Stream 9": {"centos-stream", "9"},
	}
	for in, want := range ok {
		f, v, err := ParseSelector(in)
		if err != nil || f != want[0] || v != want[1] {
			t.Errorf("ParseSelector(%q) = %q, %q, %v; want %v", in, f, v, err, want)
		}
	}
	for _, in := range []string{"", "gentoo", "ubuntu 24", "debian bookworm"} {
		if f, v, err := ParseSelector(in); err == nil {
			t.Errorf("ParseSelector(%q) = %q, %q; want error", in, f, v)
		}
	}
}
