package tcsim

import (
	"encoding/base64"
	"testing"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

func cvmFilter(name string, values ...string) []*cvm.Filter {
	return []*cvm.Filter{{Name: common.StringPtr(name), Values: common.StringPtrs(values)}}
}

func TestConformanceDescribeInstancesAttributes(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	ud := base64.StdEncoding.EncodeToString([]byte("#cloud-config\nhostname: web\n"))
	req := cvm.NewRunInstancesRequest()
	req.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	req.ImageId, req.UserData = common.StringPtr("img-9qrfy1xt"), common.StringPtr(ud)
	resp, err := c.RunInstances(req)
	if err != nil {
		t.Fatal(err)
	}
	withUD := *resp.Response.InstanceIdSet[0]
	without := runOne(t, srv, c, "img-9qrfy1xt", 0, "")

	q := cvm.NewDescribeInstancesAttributesRequest()
	q.Attributes = common.StringPtrs([]string{"UserData"})
	q.InstanceIds = common.StringPtrs([]string{withUD, without})
	out, err := c.DescribeInstancesAttributes(q)
	if err != nil {
		t.Fatal(err)
	}
	set := out.Response.InstanceSet
	if len(set) != 2 || *set[0].InstanceId != withUD || *set[0].Attributes.UserData != ud || *set[1].Attributes.UserData != "" {
		t.Fatalf("DescribeInstancesAttributes = %d items; want %s with its base64 UserData, then %s with \"\"", len(set), withUD, without)
	}

	cases := []struct {
		name  string
		attrs []string
		ids   []string
		want  string
	}{
		{"no attributes", nil, []string{withUD}, "MissingParameter"},
		{"unknown attribute", []string{"Password"}, []string{withUD}, "InvalidParameterValue"},
		{"no ids", []string{"UserData"}, nil, "MissingParameter"},
		{"malformed id", []string{"UserData"}, []string{"i-123"}, "InvalidParameterValue.InstanceIdMalformed"},
		{"unknown id", []string{"UserData"}, []string{"ins-00000000"}, "InvalidInstanceId.NotFound"},
	}
	for _, tc := range cases {
		r := cvm.NewDescribeInstancesAttributesRequest()
		r.Attributes, r.InstanceIds = common.StringPtrs(tc.attrs), common.StringPtrs(tc.ids)
		if _, err := c.DescribeInstancesAttributes(r); sdkCode(err) != tc.want {
			t.Fatalf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestConformanceInstanceTypeTables(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	configs := func(f []*cvm.Filter) ([]*cvm.InstanceTypeConfig, string) {
		req := cvm.NewDescribeInstanceTypeConfigsRequest()
		req.Filters = f
		resp, err := c.DescribeInstanceTypeConfigs(req)
		if err != nil {
			return nil, sdkCode(err)
		}
		return resp.Response.InstanceTypeConfigSet, ""
	}
	all, _ := configs(nil)
	for _, it := range all {
		if n := nilFields(it); len(n) > 0 {
			t.Fatalf("InstanceTypeConfig %s: fields left null: %v", *it.InstanceType, n)
		}
	}
	cases := []struct {
		name string
		f    []*cvm.Filter
		n    int
		code string
	}{
		// 7 zones × 10 S5 sizes + 4 zones × 10 SA2 + 2 zones × 6 SR1.
		{"all", nil, 70 + 40 + 12, ""},
		{"zone 3", cvmFilter("zone", "ap-guangzhou-3"), 26, ""},
		{"zone 1 sells no ARM", append(cvmFilter("zone", "ap-guangzhou-1"), cvmFilter("instance-family", "SR1")...), 0, ""},
		{"one type", cvmFilter("instance-type", "SA2.LARGE8"), 4, ""},
		{"foreign zone", cvmFilter("zone", "ap-shanghai-2"), 0, "InvalidZone.MismatchRegion"},
		{"unknown filter", cvmFilter("cpu", "2"), 0, "InvalidFilter"},
	}
	for _, tc := range cases {
		got, code := configs(tc.f)
		if code != tc.code || len(got) != tc.n {
			t.Fatalf("DescribeInstanceTypeConfigs %s: %d types, error %q; want %d, %q", tc.name, len(got), code, tc.n, tc.code)
		}
	}
	if it, _ := configs(cvmFilter("instance-type", "S5.MEDIUM2")); *it[0].CPU != 2 || *it[0].Memory != 2 {
		t.Fatalf("S5.MEDIUM2 = %d vCPU / %d GB, want 2 / 2", *it[0].CPU, *it[0].Memory)
	}

	zreq := cvm.NewDescribeZoneInstanceConfigInfosRequest()
	zreq.Filters = append(cvmFilter("zone", "ap-guangzhou-6"), cvmFilter("instance-type", "SR1.MEDIUM4")...)
	zresp, err := c.DescribeZoneInstanceConfigInfos(zreq)
	if err != nil {
		t.Fatal(err)
	}
	items := zresp.Response.InstanceTypeQuotaSet
	if len(items) != 2 || *items[0].InstanceChargeType != "POSTPAID_BY_HOUR" || *items[1].InstanceChargeType != "PREPAID" {
		t.Fatalf("DescribeZoneInstanceConfigInfos SR1.MEDIUM4 in zone 6: %d items, want POSTPAID_BY_HOUR and PREPAID", len(items))
	}
	if n := nilFields(items[0]); len(n) > 0 {
		t.Fatalf("InstanceTypeQuotaItem fields left null: %v", n)
	}
	if *items[0].Status != "SELL" || *items[0].Price.UnitPrice <= 0 || *items[0].Price.ChargeUnit != "HOUR" || *items[1].Price.OriginalPrice <= 0 {
		t.Fatalf("quota item: status %s, hourly %v %v, monthly %v", *items[0].Status, *items[0].Price.UnitPrice, *items[0].Price.ChargeUnit, *items[1].Price.OriginalPrice)
	}
	zreq.Filters = cvmFilter("instance-charge-type", "MONTHLY")
	if _, err := c.DescribeZoneInstanceConfigInfos(zreq); sdkCode(err) != "InvalidParameterValue" {
		t.Fatalf("bad instance-charge-type filter: %v, want InvalidParameterValue", err)
	}
}

func TestConformanceInquiryPriceRunInstances(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	type inquiry struct {
		zone, image, itype, charge string
		count, bandwidth           int64
	}
	ask := func(q inquiry) (*cvm.Price, string) {
		req := cvm.NewInquiryPriceRunInstancesRequest()
		if q.zone != "" {
			req.Placement = &cvm.Placement{Zone: common.StringPtr(q.zone)}
		}
		if q.image != "" {
			req.ImageId = common.StringPtr(q.image)
		}
		if q.itype != "" {
			req.InstanceType = common.StringPtr(q.itype)
		}
		if q.charge != "" {
			req.InstanceChargeType = common.StringPtr(q.charge)
		}
		if q.count > 0 {
			req.InstanceCount = common.Int64Ptr(q.count)
		}
		if q.bandwidth > 0 {
			req.InternetAccessible = &cvm.InternetAccessible{InternetChargeType: common.StringPtr("BANDWIDTH_POSTPAID_BY_HOUR"), InternetMaxBandwidthOut: common.Int64Ptr(q.bandwidth)}
		}
		resp, err := c.InquiryPriceRunInstances(req)
		if err != nil {
			return nil, sdkCode(err)
		}
		return resp.Response.Price, ""
	}
	const img, zone = "img-9qrfy1xt", "ap-guangzhou-3"
	prices := []struct {
		q        inquiry
		hourly   float64
		bwHourly float64
	}{
		// S5: 0.105/vCPU-hour + 0.035/GB-hour, SA2: 0.085 + 0.03, SR1: 0.075 + 0.028.
		{inquiry{zone: zone, image: img}, 0.28, 0},
		{inquiry{zone: zone, image: img, itype: "S5.LARGE8"}, 0.70, 0},
		{inquiry{zone: zone, image: img, itype: "SA2.LARGE8", count: 3}, 1.74, 0},
		{inquiry{zone: zone, image: img, itype: "SR1.MEDIUM4", bandwidth: 10}, 0.26, 0.6},
	}
	for _, tc := range prices {
		p, code := ask(tc.q)
		if code != "" {
			t.Fatalf("%+v: %s", tc.q, code)
		}
		ip, bp := p.InstancePrice, p.BandwidthPrice
		if *ip.UnitPrice != tc.hourly || *ip.UnitPriceDiscount != tc.hourly || *ip.ChargeUnit != "HOUR" || *bp.UnitPrice != tc.bwHourly {
			t.Fatalf("%+v: instance %v/%s, bandwidth %v; want %v/HOUR, %v", tc.q, *ip.UnitPrice, *ip.ChargeUnit, *bp.UnitPrice, tc.hourly, tc.bwHourly)
		}
	}
	errs := []struct {
		q    inquiry
		want string
	}{
		{inquiry{image: img}, "MissingParameter"},
		{inquiry{zone: zone}, "MissingParameter"},
		{inquiry{zone: "ap-shanghai-1", image: img}, "InvalidZone.MismatchRegion"},
		{inquiry{zone: zone, image: "img-00000000"}, "InvalidImageId.NotFound"},
		{inquiry{zone: zone, image: img, itype: "S5.HUGE999"}, "InvalidParameterValue.InstanceTypeNotFound"},
		{inquiry{zone: zone, image: img, itype: "s5-medium"}, "InvalidInstanceType.Malformed"},
		{inquiry{zone: "ap-guangzhou-1", image: img, itype: "SR1.MEDIUM4"}, "ResourcesSoldOut.SpecifiedInstanceType"},
		{inquiry{zone: zone, image: img, charge: "PREPAID"}, "MissingParameter"},
		{inquiry{zone: zone, image: img, charge: "FREE"}, "InvalidParameterValue"},
	}
	for _, tc := range errs {
		if _, code := ask(tc.q); code != tc.want {
			t.Fatalf("%+v: got %q, want %s", tc.q, code, tc.want)
		}
	}
}
