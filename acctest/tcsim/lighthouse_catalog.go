package tcsim

import (
	"crypto/sha256"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// versionLighthouse is the Lighthouse API version the SDK's lighthouse/v20200324 speaks.
const versionLighthouse = "2020-03-24"

// lhSeed is one system blueprint of the built-in Lighthouse catalog. The values follow the
// real DescribeBlueprints answers: OsName in the "… 64bit" spelling of the Lighthouse console,
// Platform in upper case (CENTOS, UBUNTU, DEBIAN, WINDOWS, …), BlueprintType PURE_OS for bare
// systems and APP_OS for application images that name their base system in OsName.
type lhSeed struct {
	title, version, osName, platform, blueprintType string
	state                                           string // NORMAL unless set
	disk, memory                                    int64  // RequiredSystemDiskSize / RequiredMemorySize, GB
	scene                                           string // SceneIdSet entry of APP_OS blueprints
	backingRef, loginUser                           string
}

// Scenes of the APP_OS blueprints (DescribeScenes in the real API).
var (
	lhSceneWebsite = lhCatalogID("lhsc", "website")
	lhSceneDocker  = lhCatalogID("lhsc", "docker")
)

// lhCatalog is modelled on the ap-guangzhou Lighthouse catalog: current releases, releases
// past their end of life (CentOS 7.9, Ubuntu 18.04 and 20.04, Windows Server 2012 R2), one
// OFFLINE blueprint, application blueprints on an LTS base, and Windows. Only the Debian
// blueprints have a BackingRef: a sandbox backend can launch them, every other one is API-only.
var lhCatalog = []lhSeed{
	{title: "Debian", version: "13.1 64bit", osName: "Debian 13.1 64bit", platform: "DEBIAN", blueprintType: "PURE_OS", backingRef: "debian:trixie", loginUser: "root"},
	{title: "Debian", version: "12.4 64bit", osName: "Debian 12.4 64bit", platform: "DEBIAN", blueprintType: "PURE_OS", backingRef: "debian:bookworm", loginUser: "root"},
	{title: "Debian", version: "11.7 64bit", osName: "Debian 11.7 64bit", platform: "DEBIAN", blueprintType: "PURE_OS"},
	{title: "Ubuntu", version: "24.04 LTS 64bit", osName: "Ubuntu Server 24.04 LTS 64bit", platform: "UBUNTU", blueprintType: "PURE_OS", loginUser: "ubuntu"},
	{title: "Ubuntu", version: "22.04 LTS 64bit", osName: "Ubuntu Server 22.04 LTS 64bit", platform: "UBUNTU", blueprintType: "PURE_OS", loginUser: "ubuntu"},
	{title: "Ubuntu", version: "20.04 LTS 64bit", osName: "Ubuntu Server 20.04 LTS 64bit", platform: "UBUNTU", blueprintType: "PURE_OS", loginUser: "ubuntu"},
	{title: "Ubuntu", version: "18.04 LTS 64bit", osName: "Ubuntu Server 18.04.1 LTS 64bit", platform: "UBUNTU", blueprintType: "PURE_OS", loginUser: "ubuntu"},
	{title: "CentOS", version: "7.9 64bit", osName: "CentOS 7.9 64bit", platform: "CENTOS", blueprintType: "PURE_OS"},
	{title: "CentOS", version: "7.6 64bit", osName: "CentOS 7.6 64bit", platform: "CENTOS", blueprintType: "PURE_OS"},
	{title: "CentOS", version: "8.2 64bit", osName: "CentOS 8.2 64bit", platform: "CENTOS", blueprintType: "PURE_OS", state: "OFFLINE"},
	{title: "CentOS Stream", version: "9 64bit", osName: "CentOS Stream 9 64bit", platform: "CENTOS_STREAM", blueprintType: "PURE_OS"},
	{title: "OpenCloudOS", version: "9", osName: "OpenCloudOS Server 9", platform: "OPENCLOUDOS", blueprintType: "PURE_OS"},
	{title: "TencentOS Server", version: "3.1 (TK4)", osName: "TencentOS Server 3.1 (TK4)", platform: "TENCENTOS", blueprintType: "PURE_OS"},
	{title: "Rocky Linux", version: "9.2 64bit", osName: "Rocky Linux 9.2 64bit", platform: "ROCKY_LINUX", blueprintType: "PURE_OS"},
	{title: "Windows Server", version: "2022 数据中心版 64位中文版", osName: "Windows Server 2022 数据中心版 64位中文版", platform: "WINDOWS", blueprintType: "PURE_OS", disk: 40, memory: 2, loginUser: "Administrator"},
	{title: "Windows Server", version: "2012 R2 数据中心版 64位中文版", osName: "Windows Server 2012 R2 数据中心版 64位中文版", platform: "WINDOWS", blueprintType: "PURE_OS", disk: 40, memory: 2, loginUser: "Administrator"},
	{title: "WordPress", version: "6.4.2", osName: "Ubuntu Server 22.04 LTS 64bit", platform: "UBUNTU", blueprintType: "APP_OS", scene: lhSceneWebsite, loginUser: "ubuntu"},
	{title: "Docker CE", version: "26.1.4", osName: "Debian 12.4 64bit", platform: "DEBIAN", blueprintType: "APP_OS", scene: lhSceneDocker},
}

// lhBundle is one Lighthouse bundle (套餐) of DescribeBundles.
type lhBundle struct {
	id, bundleType    string
	cpu, memory, disk int64
	traffic           int64 // MonthlyTraffic, GB
	bandwidth         uint64
	linux, windows    bool
	monthlyPrice      float64
}

// lhBundles follows the naming of the real 2022 general and starter bundles
// (bundle2022_gen_01 is the one the official provider's examples use).
var lhBundles = []lhBundle{
	{id: "bundle2022_starter_01", bundleType: "STARTER_BUNDLE", cpu: 2, memory: 1, disk: 40, traffic: 200, bandwidth: 3, linux: true, monthlyPrice: 32},
	{id: "bundle2022_gen_01", bundleType: "GENERAL_BUNDLE", cpu: 2, memory: 2, disk: 50, traffic: 500, bandwidth: 4, linux: true, monthlyPrice: 50},
	{id: "bundle2022_gen_02", bundleType: "GENERAL_BUNDLE", cpu: 2, memory: 4, disk: 80, traffic: 1000, bandwidth: 6, linux: true, monthlyPrice: 90},
	{id: "bundle2022_gen_03", bundleType: "GENERAL_BUNDLE", cpu: 4, memory: 8, disk: 120, traffic: 1500, bandwidth: 8, linux: true, monthlyPrice: 180},
	{id: "bundle2022_gen_win_02", bundleType: "GENERAL_BUNDLE", cpu: 2, memory: 4, disk: 80, traffic: 1000, bandwidth: 6, windows: true, monthlyPrice: 110},
}

func lookupBundle(id string) (lhBundle, bool) {
	for _, b := range lhBundles {
		if b.id == id {
			return b, true
		}
	}
	return lhBundle{}, false
}

// lhCatalogID derives a stable id from a name, so a system blueprint has the same id in
// every region and across restarts, as it does in the real catalog.
func lhCatalogID(prefix, name string) string {
	sum := sha256.Sum256([]byte(prefix + "|" + name))
	out := make([]byte, 8)
	for i := range out {
		out[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
	}
	return prefix + "-" + string(out)
}

func platformType(platform string) string {
	if platform == "WINDOWS" {
		return "WINDOWS"
	}
	return "LINUX_UNIX"
}

// seedBlueprints fills a region's Lighthouse state with the system catalog.
func seedBlueprints(lh *lhState, next func() int64) {
	for _, s := range lhCatalog {
		disk, mem, state, user := s.disk, s.memory, s.state, s.loginUser
		if disk == 0 {
			disk = 20
		}
		if mem == 0 {
			mem = 1
		}
		if state == "" {
			state = "NORMAL"
		}
		if user == "" {
			user = "root"
		}
		id := lhCatalogID("lhbp", s.title+"|"+s.version+"|"+s.osName)
		rec := &lighthouse.Blueprint{
			BlueprintId:            sp(id),
			DisplayTitle:           sp(s.title),
			DisplayVersion:         sp(s.version),
			Description:            sp(s.title + " " + s.version + " (tcsim system blueprint)"),
			OsName:                 sp(s.osName),
			Platform:               sp(s.platform),
			PlatformType:           sp(platformType(s.platform)),
			BlueprintType:          sp(s.blueprintType),
			ImageUrl:               sp("https://cloudcache.tencent-cloud.com/qcloud/ui/static/Lighthouse/" + s.platform + ".svg"),
			RequiredSystemDiskSize: ip64(disk),
			RequiredMemorySize:     ip64(mem),
			BlueprintState:         sp(state),
			BlueprintName:          sp(s.title + " " + s.version),
			SupportAutomationTools: bp(true),
			SceneIdSet:             []*string{},
			BlueprintShared:        bp(false),
			Tags:                   []*lighthouse.Tag{},
		}
		if s.scene != "" {
			rec.SceneIdSet = []*string{sp(s.scene)}
		}
		lh.Blueprints[id] = &lhBlueprintRec{Blueprint: rec, BackingRef: s.backingRef, LoginUser: user, Seeded: true, Seq: next()}
	}
}
