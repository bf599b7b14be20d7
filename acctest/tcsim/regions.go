package tcsim

import (
	"fmt"
	"strconv"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// regionInfo is what DescribeRegions/DescribeZones say about a region: its display name and the
// numeric prefix of its ZoneIds (ap-guangzhou-3 is ZoneId 100003 in the real API).
type regionInfo struct {
	name   string
	zoneID int
	city   string
}

var knownRegions = map[string]regionInfo{
	"ap-guangzhou":     {"华南地区(广州)", 10, "广州"},
	"ap-shanghai":      {"华东地区(上海)", 20, "上海"},
	"ap-beijing":       {"华北地区(北京)", 80, "北京"},
	"ap-chengdu":       {"西南地区(成都)", 16, "成都"},
	"ap-nanjing":       {"华东地区(南京)", 33, "南京"},
	"ap-hongkong":      {"港澳台地区(中国香港)", 30, "香港"},
	"ap-singapore":     {"亚太东南(新加坡)", 90, "新加坡"},
	"ap-tokyo":         {"亚太东北(东京)", 25, "东京"},
	"na-siliconvalley": {"美国西部(硅谷)", 15, "硅谷"},
	"eu-frankfurt":     {"欧洲地区(法兰克福)", 26, "法兰克福"},
}

// zonesPerRegion is how many zones (region-1 … region-N) every region has; RunInstances and
// CreateSubnet accept exactly the zones DescribeZones lists, so clients that pick a zone from
// DescribeZones (the official Packer plugin does) always get one that works.
const zonesPerRegion = 7

var zoneOrdinals = []string{"", "一", "二", "三", "四", "五", "六", "七"}

func infoOf(region string, index int) regionInfo {
	if ri, ok := knownRegions[region]; ok {
		return ri
	}
	// A region from Options.Regions that the table does not know gets a stable made-up number.
	return regionInfo{name: region, zoneID: 100 + index, city: region}
}

// validZone reports whether zone is one of the region's zones.
func validZone(region, zone string) bool {
	for i := 1; i <= zonesPerRegion; i++ {
		if zone == fmt.Sprintf("%s-%d", region, i) {
			return true
		}
	}
	return false
}

func (s *Server) describeRegions(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeRegionsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	set := make([]*cvm.RegionInfo, 0, len(s.opts.Regions))
	for i, r := range s.opts.Regions {
		set = append(set, &cvm.RegionInfo{Region: sp(r), RegionName: sp(infoOf(r, i).name), RegionState: sp("AVAILABLE")})
	}
	return rawJSON(map[string]any{"TotalCount": len(set), "RegionSet": set}), nil
}

func (s *Server) describeZones(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeZonesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	index := 0
	for i, r := range s.opts.Regions {
		if r == rc.region {
			index = i
		}
	}
	ri := infoOf(rc.region, index)
	set := make([]*cvm.ZoneInfo, 0, zonesPerRegion)
	for i := 1; i <= zonesPerRegion; i++ {
		set = append(set, &cvm.ZoneInfo{
			Zone:      sp(fmt.Sprintf("%s-%d", rc.region, i)),
			ZoneName:  sp(ri.city + zoneOrdinals[i] + "区"),
			ZoneId:    sp(strconv.Itoa(ri.zoneID*10000 + i)),
			ZoneState: sp("AVAILABLE"),
		})
	}
	return rawJSON(map[string]any{"TotalCount": len(set), "ZoneSet": set}), nil
}

func (s *Server) describeInstancesStatus(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeInstancesStatusRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids := strs(p.InstanceIds)
	if e := instanceIDs.checkList("InstanceIds", ids); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cvm.InstanceStatus{}
	for _, rec := range sortedBySeq(s.region(rc).Instances, func(i *instanceRec) int64 { return i.Seq }) {
		if len(ids) > 0 && !contains(ids, str(rec.Instance.InstanceId)) {
			continue
		}
		matched = append(matched, &cvm.InstanceStatus{InstanceId: rec.Instance.InstanceId, InstanceState: rec.Instance.InstanceState})
	}
	start, end, e := page(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "InstanceStatusSet": matched[start:end]}), nil
}

func (s *Server) describeImageSharePermission(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeImageSharePermissionRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	im, e := privateImage(s.region(rc), "ImageId", str(p.ImageId))
	if e != nil {
		return nil, e
	}
	set := make([]*cvm.SharePermission, 0, len(im.SharedAccounts))
	for _, a := range im.SharedAccounts {
		created := im.ShareTimes[a]
		if created == "" {
			// Shares recorded before ShareTimes existed (an older state file): the image's own time.
			created = str(im.CreatedTime)
		}
		set = append(set, &cvm.SharePermission{AccountId: sp(a), CreatedTime: sp(created)})
	}
	return rawJSON(map[string]any{"SharePermissionSet": set}), nil
}
