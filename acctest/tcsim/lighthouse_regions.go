package tcsim

import (
	"fmt"
	"strings"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// lhDescribeRegions lists the served regions in Lighthouse's shape (IsChinaMainland).
func (s *Server) lhDescribeRegions(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeRegionsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	set := make([]*lighthouse.RegionInfo, 0, len(s.opts.Regions))
	for i, r := range s.opts.Regions {
		mainland := strings.HasPrefix(r, "ap-") && !contains([]string{"ap-hongkong", "ap-singapore", "ap-tokyo", "ap-seoul", "ap-bangkok", "ap-jakarta", "ap-mumbai"}, r)
		set = append(set, &lighthouse.RegionInfo{Region: sp(r), RegionName: sp(infoOf(r, i).name), RegionState: sp("AVAILABLE"), IsChinaMainland: bp(mainland)})
	}
	return rawJSON(map[string]any{"TotalCount": len(set), "RegionSet": set}), nil
}

// lhDescribeZones lists the region's zones (the same ones CreateInstances accepts), by zone
// name ascending unless Order says DESC.
func (s *Server) lhDescribeZones(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeZonesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if f := str(p.OrderField); f != "" && f != "ZONE" {
		return nil, invalidValue("OrderField", f, "use ZONE")
	}
	if o := str(p.Order); o != "" && o != "ASC" && o != "DESC" {
		return nil, invalidValue("Order", o, "use ASC or DESC")
	}
	index := 0
	for i, r := range s.opts.Regions {
		if r == rc.region {
			index = i
		}
	}
	ri := infoOf(rc.region, index)
	set := make([]*lighthouse.ZoneInfo, 0, zonesPerRegion)
	for i := 1; i <= zonesPerRegion; i++ {
		set = append(set, &lighthouse.ZoneInfo{Zone: sp(fmt.Sprintf("%s-%d", rc.region, i)), ZoneName: sp(ri.city + zoneOrdinals[i] + "区"),
			InstanceDisplayLabel: sp("NORMAL")})
	}
	if str(p.Order) == "DESC" {
		for i, j := 0, len(set)-1; i < j; i, j = i+1, j-1 {
			set[i], set[j] = set[j], set[i]
		}
	}
	return rawJSON(map[string]any{"TotalCount": len(set), "ZoneInfoSet": set}), nil
}
