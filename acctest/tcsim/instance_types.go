package tcsim

import (
	"fmt"
	"math"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// instanceFamily is one CVM family of the fixed type table: where it is sold and what a
// core-hour and a GB-hour of it cost (CNY, postpaid by hour), so every answer is reproducible.
type instanceFamily struct {
	family, typeName, cpuType, frequency string
	zones                                []int // zone ordinals (<region>-N) that sell it
	cpuHour, memHour                     float64
	sizes                                []instanceSize
}

type instanceSize struct {
	suffix      string
	cpu, memory int64
}

// standardSizes are the sizes the three families share (the real S5/SA2 lists are longer; these
// are the ones tests and examples use, plus their neighbours).
var standardSizes = []instanceSize{
	{"SMALL1", 1, 1}, {"SMALL2", 1, 2}, {"SMALL4", 1, 4}, {"MEDIUM2", 2, 2}, {"MEDIUM4", 2, 4}, {"MEDIUM8", 2, 8},
	{"LARGE8", 4, 8}, {"LARGE16", 4, 16}, {"2XLARGE16", 8, 16}, {"2XLARGE32", 8, 32},
}

// instanceFamilies: S5 everywhere, the AMD SA2 in fewer zones and the ARM SR1 (Ampere Altra,
// which DescribeImages pairs with arm images) in two, as a real region's sales table is uneven.
var instanceFamilies = []instanceFamily{
	{"S5", "标准型S5", "Intel Xeon Cascade Lake(2.5GHz/3.1GHz)", "2.5/3.1GHz", []int{1, 2, 3, 4, 5, 6, 7}, 0.105, 0.035, standardSizes},
	{"SA2", "标准型SA2", "AMD EPYC™ Rome(2.6GHz/3.3GHz)", "2.6/3.3GHz", []int{3, 4, 6, 7}, 0.085, 0.03, standardSizes},
	{"SR1", "标准型SR1", "Ampere Altra(2.8GHz)", "2.8GHz", []int{3, 6}, 0.075, 0.028, standardSizes[4:]},
}

type instanceTypeInfo struct {
	fam  *instanceFamily
	size instanceSize
}

func (t instanceTypeInfo) name() string { return t.fam.family + "." + t.size.suffix }

// hourly is the postpaid price of one instance-hour, rounded to the cent as the API answers.
func (t instanceTypeInfo) hourly() float64 {
	return math.Round((float64(t.size.cpu)*t.fam.cpuHour+float64(t.size.memory)*t.fam.memHour)*100) / 100
}

func (t instanceTypeInfo) soldIn(region, zone string) bool {
	for _, n := range t.fam.zones {
		if zone == fmt.Sprintf("%s-%d", region, n) {
			return true
		}
	}
	return false
}

// lookupInstanceType finds a type of the table; ok is false for types the table lacks.
func lookupInstanceType(name string) (instanceTypeInfo, bool) {
	fam, size, _ := strings.Cut(name, ".")
	for i := range instanceFamilies {
		f := &instanceFamilies[i]
		if f.family != fam {
			continue
		}
		for _, sz := range f.sizes {
			if sz.suffix == size {
				return instanceTypeInfo{f, sz}, true
			}
		}
	}
	return instanceTypeInfo{}, false
}

// offer is one (zone, type) pair a region sells.
type offer struct {
	zone string
	t    instanceTypeInfo
}

// regionOffers lists what the region sells that passes the zone/instance-family/instance-type
// filters, in zone then table order; a zone filter naming another region's zone is refused.
func regionOffers(region string, fs filterSet) ([]offer, *APIError) {
	for _, z := range fs["zone"] {
		if !validZone(region, z) {
			return nil, apiErr("InvalidZone.MismatchRegion", "The zone `%s` in the filter does not belong to the region %s.", z, region)
		}
	}
	var out []offer
	for n := 1; n <= zonesPerRegion; n++ {
		zone := fmt.Sprintf("%s-%d", region, n)
		for i := range instanceFamilies {
			f := &instanceFamilies[i]
			for _, sz := range f.sizes {
				t := instanceTypeInfo{f, sz}
				if t.soldIn(region, zone) && fs.match("zone", zone) && fs.match("instance-family", f.family) && fs.match("instance-type", t.name()) {
					out = append(out, offer{zone, t})
				}
			}
		}
	}
	return out, nil
}

func (s *Server) describeInstanceTypeConfigs(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeInstanceTypeConfigsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	fs, e := parseFilters(p.Filters, "zone", "instance-family", "instance-type")
	if e != nil {
		return nil, e
	}
	offers, e := regionOffers(rc.region, fs)
	if e != nil {
		return nil, e
	}
	set := make([]*cvm.InstanceTypeConfig, 0, len(offers))
	for _, o := range offers {
		set = append(set, &cvm.InstanceTypeConfig{Zone: sp(o.zone), InstanceType: sp(o.t.name()), InstanceFamily: sp(o.t.fam.family),
			CPU: ip64(o.t.size.cpu), Memory: ip64(o.t.size.memory), GPU: ip64(0), FPGA: ip64(0), GpuCount: fp64(0),
			// No emulated family has GPUs: no GPU type, no GPU memory.
			GpuType: sp(""), GpuMemory: fp64(0)})
	}
	return rawJSON(map[string]any{"InstanceTypeConfigSet": set}), nil
}

func fp64(v float64) *float64 { return &v }

// hourPrice is the ItemPrice of a postpaid hour: the real API fills only the unit fields then.
func hourPrice(unit float64, chargeUnit string) *cvm.ItemPrice {
	return &cvm.ItemPrice{UnitPrice: fp64(unit), UnitPriceDiscount: fp64(unit), Discount: fp64(100), ChargeUnit: sp(chargeUnit)}
}

// monthPrice is the ItemPrice of a prepaid period: 720 hours a month at a 20 % discount.
func monthPrice(hourly float64, months int64) *cvm.ItemPrice {
	orig := math.Round(hourly*720*float64(months)*100) / 100
	return &cvm.ItemPrice{OriginalPrice: fp64(orig), DiscountPrice: fp64(math.Round(orig*80) / 100), Discount: fp64(80)}
}

func (s *Server) describeZoneInstanceConfigInfos(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeZoneInstanceConfigInfosRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	fs, e := parseFilters(p.Filters, "zone", "instance-family", "instance-type", "instance-charge-type", "sort-keys")
	if e != nil {
		return nil, e
	}
	for _, ct := range fs["instance-charge-type"] {
		if !contains([]string{"PREPAID", "POSTPAID_BY_HOUR", "SPOTPAID", "CDHPAID"}, ct) {
			return nil, invalidValue("Filters.instance-charge-type", ct, "use PREPAID, POSTPAID_BY_HOUR, SPOTPAID or CDHPAID")
		}
	}
	offers, e := regionOffers(rc.region, fs)
	if e != nil {
		return nil, e
	}
	set := []*cvm.InstanceTypeQuotaItem{}
	for _, o := range offers {
		for _, ct := range []string{"POSTPAID_BY_HOUR", "PREPAID"} {
			if !fs.match("instance-charge-type", ct) {
				continue
			}
			price := hourPrice(o.t.hourly(), "HOUR")
			if ct == "PREPAID" {
				price = monthPrice(o.t.hourly(), 1)
			}
			set = append(set, &cvm.InstanceTypeQuotaItem{
				Zone: sp(o.zone), InstanceType: sp(o.t.name()), InstanceChargeType: sp(ct), NetworkCard: ip64(0),
				Externals: &cvm.Externals{}, Cpu: ip64(o.t.size.cpu), Memory: ip64(o.t.size.memory),
				InstanceFamily: sp(o.t.fam.family), TypeName: sp(o.t.fam.typeName), LocalDiskTypeList: []*cvm.LocalDiskType{},
				Status: sp("SELL"), StatusCategory: sp("EnoughStock"), Price: price, SoldOutReason: sp(""),
				InstanceBandwidth: fp64(1.5 * float64(o.t.size.cpu)), InstancePps: ip64(30 * o.t.size.cpu),
				StorageBlockAmount: ip64(0), CpuType: sp(o.t.fam.cpuType), Gpu: ip64(0), Fpga: ip64(0), GpuCount: fp64(0),
				Remark: sp(""), Frequency: sp(o.t.fam.frequency),
			})
		}
	}
	return rawJSON(map[string]any{"InstanceTypeQuotaSet": set}), nil
}

// bandwidthHour is what one Mbps-hour (BANDWIDTH_POSTPAID_BY_HOUR) or one GB of traffic
// (TRAFFIC_POSTPAID_BY_HOUR, the default) costs.
var bandwidthHour = map[string]float64{"BANDWIDTH_POSTPAID_BY_HOUR": 0.06, "TRAFFIC_POSTPAID_BY_HOUR": 0.8}

func (s *Server) inquiryPriceRunInstances(rc *reqCtx) (any, *APIError) {
	var p cvm.InquiryPriceRunInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.Placement == nil || str(p.Placement.Zone) == "" {
		return nil, missingParam("Placement.Zone")
	}
	zone := str(p.Placement.Zone)
	if !validZone(rc.region, zone) {
		return nil, apiErr("InvalidZone.MismatchRegion", "The zone `%s` in Placement.Zone does not belong to the region %s.", zone, rc.region)
	}
	imageID := str(p.ImageId)
	if imageID == "" {
		return nil, missingParam("ImageId")
	}
	if !validID("img", imageID) {
		return nil, apiErr("InvalidImageId.Malformed", "The image id `%s` is malformed.", imageID)
	}
	name := str(p.InstanceType)
	if name == "" {
		name = "S5.MEDIUM2" // RunInstances' default type
	}
	if !instanceTypeRE.MatchString(name) {
		return nil, apiErr("InvalidInstanceType.Malformed", "The instance type `%s` is malformed; use e.g. S5.MEDIUM2.", name)
	}
	t, ok := lookupInstanceType(name)
	if !ok {
		return nil, apiErr("InvalidParameterValue.InstanceTypeNotFound", "The instance type `%s` does not exist; DescribeInstanceTypeConfigs lists the types.", name)
	}
	if !t.soldIn(rc.region, zone) {
		return nil, apiErr("ResourcesSoldOut.SpecifiedInstanceType", "The instance type `%s` is not sold in %s.", name, zone)
	}
	count := int64(1)
	if p.InstanceCount != nil {
		count = *p.InstanceCount
	}
	if count < 1 || count > 100 {
		return nil, invalidValue("InstanceCount", count, "must be between 1 and 100")
	}
	if e := checkDataDisks(p.DataDisks); e != nil {
		return nil, e
	}
	ct := str(p.InstanceChargeType)
	if ct == "" {
		ct = "POSTPAID_BY_HOUR"
	}
	s.mu.Lock()
	_, imageOK := s.region(rc).Images[imageID]
	s.mu.Unlock()
	if !imageOK {
		return nil, apiErr("InvalidImageId.NotFound", "The image `%s` does not exist in %s.", imageID, rc.region)
	}
	hourly := t.hourly() * float64(count)
	var price *cvm.ItemPrice
	switch ct {
	case "POSTPAID_BY_HOUR", "SPOTPAID":
		price = hourPrice(math.Round(hourly*100)/100, "HOUR")
	case "PREPAID":
		if p.InstanceChargePrepaid == nil || p.InstanceChargePrepaid.Period == nil {
			return nil, missingParam("InstanceChargePrepaid.Period")
		}
		price = monthPrice(hourly, *p.InstanceChargePrepaid.Period)
	default:
		return nil, invalidValue("InstanceChargeType", ct, "use PREPAID, POSTPAID_BY_HOUR or SPOTPAID")
	}
	bwType, bw := "TRAFFIC_POSTPAID_BY_HOUR", int64(0)
	if ia := p.InternetAccessible; ia != nil {
		if v := str(ia.InternetChargeType); v != "" {
			bwType = v
		}
		if ia.InternetMaxBandwidthOut != nil {
			bw = *ia.InternetMaxBandwidthOut
		}
	}
	unit, ok := bandwidthHour[bwType]
	if !ok {
		return nil, invalidValue("InternetAccessible.InternetChargeType", bwType, "use TRAFFIC_POSTPAID_BY_HOUR or BANDWIDTH_POSTPAID_BY_HOUR")
	}
	bwPrice := hourPrice(0, "GB")
	switch {
	case bw > 0 && bwType == "BANDWIDTH_POSTPAID_BY_HOUR":
		bwPrice = hourPrice(math.Round(unit*float64(bw*count)*100)/100, "HOUR")
	case bw > 0:
		bwPrice = hourPrice(unit, "GB")
	}
	return rawJSON(map[string]any{"Price": &cvm.Price{InstancePrice: price, BandwidthPrice: bwPrice}}), nil
}
