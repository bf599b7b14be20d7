package tcsim

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// DefaultRegions are the regions tcsim serves unless Options.Regions says otherwise.
var defaultRegions = []string{
	"ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-nanjing",
	"ap-hongkong", "ap-singapore", "ap-tokyo", "na-siliconvalley", "eu-frankfurt",
}

// SeedImage is one image of the catalog; a seed file (Options.SeedFile) holds more. Images are
// public (official) unless ImageType says otherwise (seed.go).
type SeedImage struct {
	ImageID      string   `json:"ImageId,omitempty"` // derived from OsName+Architecture when empty
	OsName       string   `json:"OsName"`
	ImageName    string   `json:"ImageName,omitempty"` // = OsName when empty
	Platform     string   `json:"Platform"`
	Architecture string   `json:"Architecture,omitempty"` // x86_64 when empty
	ImageSize    int64    `json:"ImageSize,omitempty"`
	LoginUser    string   `json:"DefaultLoginUser,omitempty"`
	BackingRef   string   `json:"BackingRef,omitempty"`
	ImageFamily  string   `json:"ImageFamily,omitempty"`
	Deprecated   bool     `json:"ImageDeprecated,omitempty"`
	Regions      []string `json:"Regions,omitempty"` // all regions when empty
	Tags         []Tag    `json:"Tags,omitempty"`
	// Where the image comes from and its state (seed.go); the zero values are an official
	// public image in state NORMAL.
	ImageType    string `json:"ImageType,omitempty"`    // PUBLIC_IMAGE (default), PRIVATE_IMAGE, SHARED_IMAGE, MARKET_IMAGE
	ImageState   string `json:"ImageState,omitempty"`   // NORMAL (default) or another API state
	ImageSource  string `json:"ImageSource,omitempty"`  // OFFICIAL for public images, CREATE_IMAGE otherwise (default)
	ImageCreator string `json:"ImageCreator,omitempty"` // account id; required for SHARED_IMAGE and MARKET_IMAGE
	CreatedTime  string `json:"CreatedTime,omitempty"`  // RFC 3339; null for public images, like the real API
}

// SeedFile is the JSON document --seed-file points at.
type SeedFile struct {
	// ReplaceCatalog drops the built-in catalog instead of adding to it.
	ReplaceCatalog bool        `json:"ReplaceCatalog,omitempty"`
	Images         []SeedImage `json:"Images"`
}

// LoadSeedFile reads and validates a seed file.
func LoadSeedFile(path string) (SeedFile, error) {
	var sf SeedFile
	b, err := os.ReadFile(path)
	if err != nil {
		return sf, fmt.Errorf("read seed file: %w", err)
	}
	if err := json.Unmarshal(b, &sf); err != nil {
		return sf, fmt.Errorf("parse seed file %s: %w", path, err)
	}
	for i, im := range sf.Images {
		if im.OsName == "" || im.Platform == "" {
			return sf, fmt.Errorf("seed file %s: Images[%d] needs OsName and Platform", path, i)
		}
		if im.ImageID != "" && !validID("img", im.ImageID) {
			return sf, fmt.Errorf("seed file %s: Images[%d].ImageId %q must look like img-xxxxxxxx (8 lowercase letters/digits)", path, i, im.ImageID)
		}
		if err := validateOrigin(im); err != nil {
			return sf, fmt.Errorf("seed file %s: Images[%d]: %w", path, i, err)
		}
	}
	return sf, nil
}

// catalogImageID gives every catalog image a stable id, the same in every region as public
// images are in reality.
func catalogImageID(osName, arch string) string {
	sum := sha256.Sum256([]byte(osName + "|" + arch))
	out := make([]byte, 8)
	for i := range out {
		out[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return "img-" + string(out)
}

// builtinCatalog is modelled on the public images of ap-guangzhou: many historical point
// releases (EOL ones included), current LTS releases, UEFI and ARM variants and Windows.
func builtinCatalog() []SeedImage {
	var out []SeedImage
	add := func(platform, user string, size int64, arch string, names ...string) {
		for _, n := range names {
			out = append(out, SeedImage{OsName: n, Platform: platform, Architecture: arch, ImageSize: size, LoginUser: user})
		}
	}
	// Well-known real ids from the reference keep their ids.
	out = append(out,
		SeedImage{ImageID: "img-9qrfy1xt", OsName: "TencentOS Server 3.2 (Final)", Platform: "TencentOS", ImageSize: 20, LoginUser: "root"},
		SeedImage{ImageID: "img-6n21msk1", OsName: "TencentOS Server 4 for x86_64", Platform: "TencentOS", ImageSize: 20, LoginUser: "root"},
		SeedImage{ImageID: "img-7rotv4ux", OsName: "Ubuntu Server 22.04 LTS 64bit UEFI", Platform: "Ubuntu", ImageSize: 20, LoginUser: "ubuntu"},
		SeedImage{ImageID: "img-j5e5hadz", OsName: "OpenCloudOS Server 9", Platform: "OpenCloudOS", ImageSize: 20, LoginUser: "root"},
		SeedImage{OsName: "Debian 12.4 64位", Platform: "Debian", ImageSize: 20, LoginUser: "root", BackingRef: "debian:bookworm"},
		SeedImage{OsName: "Debian 13.1 64位", Platform: "Debian", ImageSize: 20, LoginUser: "root", BackingRef: "debian:trixie"},
	)
	add("CentOS", "root", 20, "x86_64",
		"CentOS 6.8 64位", "CentOS 6.9 64位", "CentOS 6.10 64位",
		"CentOS 7.2 64位", "CentOS 7.3 64位", "CentOS 7.4 64位", "CentOS 7.5 64位", "CentOS 7.6 64位",
		"CentOS 7.7 64位", "CentOS 7.8 64位", "CentOS 7.9 64位", "CentOS 7.9 64bit UEFI",
		"CentOS 8.0 64位", "CentOS 8.2 64位", "CentOS 8.2 64bit UEFI", "CentOS 8.4 64位",
		"CentOS Stream 8 64位", "CentOS Stream 9 64位")
	add("CentOS", "root", 20, "arm", "CentOS 7.6 64位 ARM", "CentOS 7.9 64位 ARM", "CentOS 8.2 64位 ARM")
	add("Ubuntu", "ubuntu", 20, "x86_64",
		"Ubuntu Server 14.04.1 LTS 64位", "Ubuntu Server 16.04.1 LTS 64位", "Ubuntu Server 18.04.1 LTS 64位",
		"Ubuntu Server 18.04.1 LTS 64bit UEFI", "Ubuntu Server 20.04 LTS 64位", "Ubuntu Server 20.04 LTS 64bit UEFI",
		"Ubuntu Server 22.04 LTS 64位", "Ubuntu Server 24.04 LTS 64位", "Ubuntu Server 24.04 LTS 64bit UEFI")
	add("Ubuntu", "ubuntu", 20, "arm",
		"Ubuntu Server 18.04.1 LTS 64位 ARM", "Ubuntu Server 20.04 LTS 64位 ARM",
		"Ubuntu Server 22.04 LTS 64位 ARM", "Ubuntu Server 24.04 LTS 64位 ARM")
	add("Debian", "root", 20, "x86_64",
		"Debian 8.2 64位", "Debian 9.0 64位", "Debian 9.13 64位", "Debian 10.2 64位", "Debian 10.13 64位",
		"Debian 11.1 64位", "Debian 11.7 64位", "Debian 11.7 64bit UEFI", "Debian 12.0 64位", "Debian 12.4 64bit UEFI")
	add("Debian", "root", 20, "arm", "Debian 11.7 64位 ARM", "Debian 12.4 64位 ARM", "Debian 13.1 64位 ARM")
	add("Rocky Linux", "root", 20, "x86_64",
		"Rocky Linux 8.5 64位", "Rocky Linux 8.6 64位", "Rocky Linux 8.8 64位", "Rocky Linux 8.10 64位",
		"Rocky Linux 9.0 64位", "Rocky Linux 9.2 64位", "Rocky Linux 9.3 64位", "Rocky Linux 9.4 64位",
		"Rocky Linux 9.4 64bit UEFI")
	add("Rocky Linux", "root", 20, "arm", "Rocky Linux 9.3 64位 ARM")
	add("AlmaLinux", "root", 20, "x86_64", "AlmaLinux 8.8 64位", "AlmaLinux 9.2 64位", "AlmaLinux 9.4 64位")
	add("TencentOS", "root", 20, "x86_64",
		"TencentOS Server 2.4 (Final)", "TencentOS Server 2.6 (Final)", "TencentOS Server 3.1 (TK4)",
		"TencentOS Server 3.1 (TK4) UEFI", "TencentOS Server 3.2 (Final) UEFI", "TencentOS Server 4 for x86_64 UEFI")
	add("TencentOS", "root", 20, "arm",
		"TencentOS Server 2.4 for ARM64 (Preview)", "TencentOS Server 3.1 for ARM64", "TencentOS Server 3.2 for ARM64",
		"TencentOS Server 4 for ARM64")
	add("OpenCloudOS", "root", 20, "x86_64",
		"OpenCloudOS Server 8.6", "OpenCloudOS Server 8.8", "OpenCloudOS Server 8.10", "OpenCloudOS Server 9 UEFI")
	add("OpenCloudOS", "root", 20, "arm", "OpenCloudOS Server 8.8 for ARM64", "OpenCloudOS Server 9 for ARM64")
	add("Windows", "Administrator", 50, "x86_64",
		"Windows Server 2012 R2 数据中心版 64位中文版", "Windows Server 2012 R2 数据中心版 64位英文版",
		"Windows Server 2016 数据中心版 64位中文版", "Windows Server 2016 数据中心版 64位英文版",
		"Windows Server 2019 数据中心版 64位中文版", "Windows Server 2019 数据中心版 64位英文版",
		"Windows Server 2022 数据中心版 64位中文版", "Windows Server 2022 数据中心版 64位英文版",
		"Windows Server 2025 数据中心版 64位中文版")
	add("OpenSUSE", "root", 20, "x86_64", "OpenSUSE Leap 15.3 64位", "OpenSUSE Leap 15.4 64位", "OpenSUSE Leap 15.5 64位")
	add("FreeBSD", "root", 20, "x86_64", "FreeBSD 12.3 64位", "FreeBSD 13.1 64位", "FreeBSD 14.0 64位")
	add("Fedora", "root", 20, "x86_64", "Fedora 37 64位", "Fedora 39 64位", "Fedora 40 64位")
	add("Alibaba Cloud Linux", "root", 20, "x86_64", "Alinux 3.2104 LTS 64位")
	add("Red Hat", "root", 20, "x86_64", "Red Hat Enterprise Linux 8.8 64位", "Red Hat Enterprise Linux 9.2 64位")
	add("Other Linux", "root", 20, "x86_64", "Kylin Server V10 SP3 64位", "UOS Server 20 1070e 64位")

	// Windows images are large; everything else defaults to Linux conventions.
	for i := range out {
		if out[i].Architecture == "" {
			out[i].Architecture = "x86_64"
		}
	}
	return out
}

// imageFromSeed turns a catalog entry into a public image record.
func imageFromSeed(s SeedImage) *imageRec {
	id := s.ImageID
	if id == "" {
		id = catalogImageID(s.OsName, s.Architecture)
	}
	name := s.ImageName
	if name == "" {
		name = s.OsName
	}
	size := s.ImageSize
	if size == 0 {
		size = 20
	}
	user := s.LoginUser
	if user == "" {
		user = "root"
	}
	arch := s.Architecture
	if arch == "" {
		arch = "x86_64"
	}
	rec := &imageRec{
		imageWire: imageWire{
			ImageID:            id,
			OsName:             s.OsName,
			ImageType:          "PUBLIC_IMAGE",
			ImageName:          name,
			ImageDescription:   s.OsName,
			ImageSize:          size,
			Architecture:       arch,
			ImageState:         "NORMAL",
			Platform:           s.Platform,
			ImageSource:        "OFFICIAL",
			SyncPercent:        100,
			IsSupportCloudinit: !strings.EqualFold(s.Platform, "Windows"),
			LicenseType:        "TencentCloud",
			ImageFamily:        s.ImageFamily,
			ImageDeprecated:    s.Deprecated,
			Tags:               append([]Tag(nil), s.Tags...),
		},
		BackingRef: s.BackingRef,
		LoginUser:  user,
	}
	applyOrigin(s, rec)
	return rec
}
