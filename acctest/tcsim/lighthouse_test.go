package tcsim

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// Lighthouse conformance: every request goes through the unmodified SDK lighthouse client and
// every answer is decoded into the SDK's response model.

func lhClient(t *testing.T, srv *TestServer, region string) *lighthouse.Client {
	t.Helper()
	c, err := lighthouse.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), region, sdkProfile(srv))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func lhFilter(name string, values ...string) *lighthouse.Filter {
	return &lighthouse.Filter{Name: common.StringPtr(name), Values: common.StringPtrs(values)}
}

// lhBlueprintID is the id of the seeded blueprint with that OsName and BlueprintType.
func lhBlueprintID(t *testing.T, c *lighthouse.Client, osName, blueprintType string) string {
	t.Helper()
	req := lighthouse.NewDescribeBlueprintsRequest()
	req.Limit = common.Int64Ptr(100)
	resp, err := c.DescribeBlueprints(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range resp.Response.BlueprintSet {
		if *b.OsName == osName && *b.BlueprintType == blueprintType {
			return *b.BlueprintId
		}
	}
	t.Fatalf("no %s blueprint with OsName %q", blueprintType, osName)
	return ""
}

func TestLighthouseDescribeBlueprintsSeeds(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	resp, err := c.DescribeBlueprints(lighthouse.NewDescribeBlueprintsRequest())
	if err != nil {
		t.Fatal(err)
	}
	if got := *resp.Response.TotalCount; got != int64(len(lhCatalog)) {
		t.Fatalf("TotalCount %d, want %d", got, len(lhCatalog))
	}
	if len(resp.Response.BlueprintSet) != min(20, len(lhCatalog)) {
		t.Fatalf("default page has %d blueprints, want min(20, %d)", len(resp.Response.BlueprintSet), len(lhCatalog))
	}
	other := lhClient(t, srv, "ap-singapore")
	all := map[string]bool{}
	for _, b := range resp.Response.BlueprintSet {
		if !validID("lhbp", *b.BlueprintId) || *b.BlueprintState == "" || *b.OsName == "" || *b.RequiredSystemDiskSize == 0 {
			t.Fatalf("blueprint %+v is not shaped like a real one", b)
		}
		if *b.PlatformType != "LINUX_UNIX" && *b.PlatformType != "WINDOWS" {
			t.Fatalf("blueprint %s: PlatformType %q", *b.BlueprintId, *b.PlatformType)
		}
		all[*b.OsName+"|"+*b.BlueprintType] = true
		// System blueprints have the same id in every region, as in the real catalog.
		req := lighthouse.NewDescribeBlueprintsRequest()
		req.BlueprintIds = []*string{b.BlueprintId}
		got, err := other.DescribeBlueprints(req)
		if err != nil || len(got.Response.BlueprintSet) != 1 {
			t.Fatalf("blueprint %s in ap-singapore: %v %v", *b.BlueprintId, got, err)
		}
	}
	for _, want := range []string{"Debian 12.4 64bit|PURE_OS", "Ubuntu Server 22.04 LTS 64bit|PURE_OS", "Ubuntu Server 24.04 LTS 64bit|PURE_OS",
		"CentOS 7.9 64bit|PURE_OS", "Ubuntu Server 18.04.1 LTS 64bit|PURE_OS", "Ubuntu Server 20.04 LTS 64bit|PURE_OS",
		"Ubuntu Server 22.04 LTS 64bit|APP_OS", "Windows Server 2022 数据中心版 64位中文版|PURE_OS"} {
		if !all[want] {
			t.Errorf("seeded catalog lacks %s", want)
		}
	}
}

func TestLighthouseDescribeBlueprintsFiltersAndPaging(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	wordpress := lhBlueprintID(t, c, "Ubuntu Server 22.04 LTS 64bit", "APP_OS")
	cases := []struct {
		name    string
		filters []*lighthouse.Filter
		want    int
	}{
		{"app", []*lighthouse.Filter{lhFilter("blueprint-type", "APP_OS")}, 2},
		{"windows", []*lighthouse.Filter{lhFilter("platform-type", "WINDOWS")}, 2},
		{"linux pure", []*lighthouse.Filter{lhFilter("platform-type", "LINUX_UNIX"), lhFilter("blueprint-type", "PURE_OS")}, 14},
		{"offline", []*lighthouse.Filter{lhFilter("blueprint-state", "OFFLINE")}, 1},
		{"name", []*lighthouse.Filter{lhFilter("blueprint-name", "Debian 12.4 64bit", "Debian 13.1 64bit")}, 2},
		{"id", []*lighthouse.Filter{lhFilter("blueprint-id", wordpress)}, 1},
		{"scene", []*lighthouse.Filter{lhFilter("scene-id", lhSceneWebsite)}, 1},
		{"private none yet", []*lighthouse.Filter{lhFilter("blueprint-type", "PRIVATE")}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := lighthouse.NewDescribeBlueprintsRequest()
			req.Filters = tc.filters
			resp, err := c.DescribeBlueprints(req)
			if err != nil {
				t.Fatal(err)
			}
			if int(*resp.Response.TotalCount) != tc.want || len(resp.Response.BlueprintSet) != tc.want {
				t.Fatalf("TotalCount %d, %d blueprints; want %d", *resp.Response.TotalCount, len(resp.Response.BlueprintSet), tc.want)
			}
		})
	}
	// Pages of 5 cover the catalog exactly once, in a stable order.
	seen := map[string]bool{}
	for off := int64(0); ; off += 5 {
		req := lighthouse.NewDescribeBlueprintsRequest()
		req.Offset, req.Limit = common.Int64Ptr(off), common.Int64Ptr(5)
		resp, err := c.DescribeBlueprints(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Response.BlueprintSet) == 0 {
			break
		}
		for _, b := range resp.Response.BlueprintSet {
			if seen[*b.BlueprintId] {
				t.Fatalf("blueprint %s on two pages", *b.BlueprintId)
			}
			seen[*b.BlueprintId] = true
		}
	}
	if len(seen) != len(lhCatalog) {
		t.Fatalf("paging saw %d blueprints, want %d", len(seen), len(lhCatalog))
	}
}

func TestLighthouseDescribeBlueprintsErrors(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("v%d", i)
	}
	cases := []struct {
		name string
		set  func(*lighthouse.DescribeBlueprintsRequest)
		code string
	}{
		{"ids and filters", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.BlueprintIds = common.StringPtrs([]string{"lhbp-aaaaaaaa"})
			r.Filters = []*lighthouse.Filter{lhFilter("blueprint-type", "APP_OS")}
		}, "InvalidParameter.ParameterConflict"},
		{"unknown filter", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("os-name", "x")}
		}, "InvalidParameter.InvalidFilterNotSupportedName"},
		{"too many values", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("blueprint-name", many...)}
		}, "InvalidParameter.FilterValueLimitExceeded"},
		{"bad type", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("blueprint-type", "LINUX")}
		}, "InvalidParameterValue.InvalidBlueprintType"},
		{"bad platform", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("platform-type", "MAC")}
		}, "InvalidParameterValue.InvalidBlueprintPlatformType"},
		{"bad state", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("blueprint-state", "OK")}
		}, "InvalidParameterValue.InvalidBlueprintState"},
		{"malformed scene", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("scene-id", "wp")}
		}, "InvalidParameterValue.InvalidSceneIdMalformed"},
		{"unknown scene", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.Filters = []*lighthouse.Filter{lhFilter("scene-id", "lhsc-00000000")}
		}, "ResourceNotFound.SceneIdNotFound"},
		{"malformed id", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.BlueprintIds = common.StringPtrs([]string{"img-12345678"})
		}, "InvalidParameterValue.BlueprintIdMalformed"},
		{"duplicate id", func(r *lighthouse.DescribeBlueprintsRequest) {
			r.BlueprintIds = common.StringPtrs([]string{"lhbp-aaaaaaaa", "lhbp-aaaaaaaa"})
		}, "InvalidParameterValue.Duplicated"},
		{"limit", func(r *lighthouse.DescribeBlueprintsRequest) { r.Limit = common.Int64Ptr(101) }, "InvalidParameterValue.OutOfRange"},
		{"offset", func(r *lighthouse.DescribeBlueprintsRequest) { r.Offset = common.Int64Ptr(-1) }, "InvalidParameterValue.Negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := lighthouse.NewDescribeBlueprintsRequest()
			tc.set(req)
			if _, err := c.DescribeBlueprints(req); sdkCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

// lhCreate creates one instance and returns its id.
func lhCreate(t *testing.T, c *lighthouse.Client, bundle, blueprint string, mod func(*lighthouse.CreateInstancesRequest)) string {
	t.Helper()
	req := lhCreateRequest(bundle, blueprint)
	if mod != nil {
		mod(req)
	}
	resp, err := c.CreateInstances(req)
	if err != nil {
		t.Fatalf("CreateInstances: %v", err)
	}
	if len(resp.Response.InstanceIdSet) != 1 || !validID("lhins", *resp.Response.InstanceIdSet[0]) {
		t.Fatalf("InstanceIdSet %v", resp.Response.InstanceIdSet)
	}
	return *resp.Response.InstanceIdSet[0]
}

func lhCreateRequest(bundle, blueprint string) *lighthouse.CreateInstancesRequest {
	req := lighthouse.NewCreateInstancesRequest()
	req.BundleId, req.BlueprintId = common.StringPtr(bundle), common.StringPtr(blueprint)
	req.InstanceChargePrepaid = &lighthouse.InstanceChargePrepaid{Period: common.Int64Ptr(1), RenewFlag: common.StringPtr("NOTIFY_AND_MANUAL_RENEW")}
	req.Zones = common.StringPtrs([]string{"ap-guangzhou-3"})
	return req
}

// lhWait waits until the instance is in want with no operation running ("" = gone).
func lhWait(t *testing.T, c *lighthouse.Client, id, want string) *lighthouse.Instance {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		req := lighthouse.NewDescribeInstancesRequest()
		req.InstanceIds = common.StringPtrs([]string{id})
		resp, err := c.DescribeInstances(req)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Response.InstanceSet) == 0 {
			if want == "" {
				return nil
			}
			last = "gone"
		} else if in := resp.Response.InstanceSet[0]; *in.InstanceState == want && *in.LatestOperationState != "OPERATING" {
			return in
		} else {
			last = *in.InstanceState + "/" + *in.LatestOperationState
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("instance %s never became %q (last %s)", id, want, last)
	return nil
}

// lhDestroy isolates a RUNNING or STOPPED instance, terminates it and waits until it is gone.
func lhDestroy(t *testing.T, c *lighthouse.Client, id string) {
	t.Helper()
	iso := lighthouse.NewIsolateInstancesRequest()
	iso.InstanceIds = common.StringPtrs([]string{id})
	if _, err := c.IsolateInstances(iso); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, id, "SHUTDOWN")
	term := lighthouse.NewTerminateInstancesRequest()
	term.InstanceIds = common.StringPtrs([]string{id})
	if _, err := c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, id, "")
}

func TestLighthouseInstanceLifecycle(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	debian := lhBlueprintID(t, c, "Debian 12.4 64bit", "PURE_OS")
	id := lhCreate(t, c, "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) {
		r.InstanceName = common.StringPtr("web-1")
		r.Tags = []*lighthouse.Tag{{Key: common.StringPtr("env"), Value: common.StringPtr("test")}}
	})
	in := lhWait(t, c, id, "RUNNING")
	if *in.BlueprintId != debian || *in.OsName != "Debian 12.4 64bit" || *in.Platform != "DEBIAN" || *in.Zone != "ap-guangzhou-3" ||
		*in.CPU != 2 || *in.Memory != 2 || *in.SystemDisk.DiskSize != 50 || *in.InstanceChargeType != "PREPAID" || *in.LatestOperation != "CreateInstances" {
		t.Fatalf("instance %+v", in)
	}
	for _, f := range [][]*lighthouse.Filter{
		{lhFilter("instance-name", "web-1")}, {lhFilter("tag:env", "test")}, {lhFilter("bundle-id", "bundle2022_gen_01")},
		{lhFilter("instance-state", "RUNNING"), lhFilter("zone", "ap-guangzhou-3")}, {lhFilter("public-ip-address", *in.PublicAddresses[0])},
	} {
		req := lighthouse.NewDescribeInstancesRequest()
		req.Filters = f
		resp, err := c.DescribeInstances(req)
		if err != nil || *resp.Response.TotalCount != 1 {
			t.Fatalf("filter %s: %v %v", *f[0].Name, resp, err)
		}
	}
	term := lighthouse.NewTerminateInstancesRequest()
	term.InstanceIds = common.StringPtrs([]string{id})
	if _, err := c.TerminateInstances(term); sdkCode(err) != "UnsupportedOperation.InvalidInstanceState" {
		t.Fatalf("TerminateInstances of a RUNNING instance: %v", err)
	}
	iso := lighthouse.NewIsolateInstancesRequest()
	iso.InstanceIds = common.StringPtrs([]string{id})
	if _, err := c.IsolateInstances(iso); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, id, "SHUTDOWN")
	if _, err := c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, id, "")
	if _, err := c.TerminateInstances(term); sdkCode(err) != "ResourceNotFound.InstanceIdNotFound" {
		t.Fatalf("TerminateInstances of a gone instance: %v", err)
	}
}

func TestLighthouseCreateInstancesErrors(t *testing.T) {
	srv := StartForTest(t)
	c := lhClient(t, srv, "ap-guangzhou")
	debian := lhBlueprintID(t, c, "Debian 12.4 64bit", "PURE_OS")
	windows := lhBlueprintID(t, c, "Windows Server 2022 数据中心版 64位中文版", "PURE_OS")
	offline := lhBlueprintID(t, c, "CentOS 8.2 64bit", "PURE_OS")
	cases := []struct {
		name              string
		bundle, blueprint string
		set               func(*lighthouse.CreateInstancesRequest)
		code              string
	}{
		{"no bundle", "", debian, nil, "MissingParameter"},
		{"unknown bundle", "bundle_nope", debian, nil, "InvalidParameter.BundleIdNotFound"},
		{"malformed blueprint", "bundle2022_gen_01", "img-12345678", nil, "InvalidParameterValue.BlueprintIdMalformed"},
		{"unknown blueprint", "bundle2022_gen_01", "lhbp-00000000", nil, "ResourceNotFound.BlueprintIdNotFound"},
		{"offline blueprint", "bundle2022_gen_01", offline, nil, "ResourceUnavailable.BlueprintUnavailable"},
		{"windows on linux bundle", "bundle2022_gen_01", windows, nil, "InvalidParameterValue.BundleNotSupportBlueprintPlatform"},
		{"no period", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.InstanceChargePrepaid = nil }, "MissingParameter"},
		{"bad period", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.InstanceChargePrepaid.Period = common.Int64Ptr(13) }, "InvalidParameterValue.OutOfRange"},
		{"bad zone", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.Zones = common.StringPtrs([]string{"ap-shanghai-2"}) }, "InvalidParameterValue.ZoneInvalid"},
		{"count", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.InstanceCount = common.Uint64Ptr(31) }, "InvalidParameterValue.OutOfRange"},
		{"long name", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) {
			r.InstanceName = common.StringPtr(string(make([]byte, 61)))
		}, "InvalidParameterValue.InstanceNameTooLong"},
		{"long token", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.ClientToken = common.StringPtr(string(make([]byte, 65))) }, "InvalidParameterValue.ClientTokenTooLong"},
		{"weak password", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) {
			r.LoginConfiguration = &lighthouse.LoginConfiguration{AutoGeneratePassword: common.StringPtr("NO"), Password: common.StringPtr("password")}
		}, "InvalidParameterValue.InvalidPassword"},
		{"password and keys", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) {
			r.LoginConfiguration = &lighthouse.LoginConfiguration{Password: common.StringPtr("Passw0rd!x"), KeyIds: common.StringPtrs([]string{"lhkp-aaaaaaaa"})}
		}, "InvalidParameterValue.InvalidParameterCombination"},
		{"malformed key", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) {
			r.LoginConfiguration = &lighthouse.LoginConfiguration{KeyIds: common.StringPtrs([]string{"skey-aaaaaaaa"})}
		}, "InvalidParameterValue.KeyPairIdMalformed"},
		{"unknown key", "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) {
			r.LoginConfiguration = &lighthouse.LoginConfiguration{KeyIds: common.StringPtrs([]string{"lhkp-aaaaaaaa"})}
		}, "ResourceNotFound.KeyPairNotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := lhCreateRequest(tc.bundle, tc.blueprint)
			if tc.bundle == "" {
				req.BundleId = nil
			}
			if tc.set != nil {
				tc.set(req)
			}
			if _, err := c.CreateInstances(req); sdkCode(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	resp, err := c.DescribeInstances(lighthouse.NewDescribeInstancesRequest())
	if err != nil || *resp.Response.TotalCount != 0 {
		t.Fatalf("failed CreateInstances calls left instances: %v %v", resp, err)
	}
	// A Windows blueprint on a Windows bundle, and a dry run that creates nothing.
	lhCreate(t, c, "bundle2022_gen_win_02", windows, nil)
	dry := lhCreateRequest("bundle2022_gen_01", debian)
	dry.DryRun = common.BoolPtr(true)
	if out, err := c.CreateInstances(dry); err != nil || len(out.Response.InstanceIdSet) != 0 {
		t.Fatalf("dry run: %v %v", out, err)
	}
}

func TestLighthouseClientTokenAndOrder(t *testing.T) {
	srv := StartForTest(t, WithOptions(func(o *Options) {
		// Every request a second later than the one before, so CreatedTime orders the
		// instances (and signatures stay fresh: a test makes far fewer than 300 calls).
		var n atomic.Int64
		base := time.Now()
		o.Clock = func() time.Time { return base.Add(time.Duration(n.Add(1)) * time.Second) }
	}))
	c := lhClient(t, srv, "ap-guangzhou")
	debian := lhBlueprintID(t, c, "Debian 13.1 64bit", "PURE_OS")
	first := lhCreate(t, c, "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.ClientToken = common.StringPtr("tok-1") })
	again := lhCreate(t, c, "bundle2022_gen_01", debian, func(r *lighthouse.CreateInstancesRequest) { r.ClientToken = common.StringPtr("tok-1") })
	if again != first {
		t.Fatalf("replayed ClientToken created %s, want %s", again, first)
	}
	second := lhCreate(t, c, "bundle2022_gen_01", debian, nil)
	third := lhCreate(t, c, "bundle2022_gen_01", debian, nil)
	for _, id := range []string{first, second, third} {
		lhWait(t, c, id, "RUNNING")
	}
	iso := lighthouse.NewIsolateInstancesRequest()
	iso.InstanceIds = common.StringPtrs([]string{first})
	if _, err := c.IsolateInstances(iso); err != nil {
		t.Fatal(err)
	}
	lhWait(t, c, first, "SHUTDOWN")
	// SHUTDOWN first, then newest first; Limit 1 pages through the same order.
	want := []string{first, third, second}
	for i, id := range want {
		req := lighthouse.NewDescribeInstancesRequest()
		req.Offset, req.Limit = common.Int64Ptr(int64(i)), common.Int64Ptr(1)
		resp, err := c.DescribeInstances(req)
		if err != nil {
			t.Fatal(err)
		}
		if *resp.Response.TotalCount != 3 || *resp.Response.InstanceSet[0].InstanceId != id {
			t.Fatalf("page %d: %s, want %s", i, *resp.Response.InstanceSet[0].InstanceId, id)
		}
	}
	req := lighthouse.NewDescribeInstancesRequest()
	req.Order = common.StringPtr("DESC")
	if _, err := c.DescribeInstances(req); sdkCode(err) != "MissingParameter.OrderFieldRequired" {
		t.Fatalf("Order without OrderField: %v", err)
	}
}

func TestLighthouseBackedInstance(t *testing.T) {
	var srv *TestServer
	fb := &fakeBackend{t: t, srv: func() *Server {
		if srv == nil {
			return nil
		}
		return srv.Server
	}}
	srv = StartForTest(t, WithBackend(fb))
	c := lhClient(t, srv, "ap-guangzhou")
	debian := lhBlueprintID(t, c, "Debian 12.4 64bit", "PURE_OS")
	ubuntu := lhBlueprintID(t, c, "Ubuntu Server 24.04 LTS 64bit", "PURE_OS")
	backed := lhCreate(t, c, "bundle2022_gen_01", debian, nil)
	apiOnly := lhCreate(t, c, "bundle2022_gen_01", ubuntu, nil)
	in := lhWait(t, c, backed, "RUNNING")
	lhWait(t, c, apiOnly, "RUNNING")
	if !fb.has("launch "+backed+" debian:bookworm") || fb.has("launch "+apiOnly+" ") {
		t.Fatalf("backend events %v", fb.events)
	}
	if addr := *in.PublicAddresses[0]; addr != *in.PrivateAddresses[0] || addr[:8] != "198.18.0" {
		t.Fatalf("backed instance addresses %v %v", strs(in.PublicAddresses), strs(in.PrivateAddresses))
	}
	lhDestroy(t, c, backed)
	if !fb.has("stop "+backed) || !fb.has("destroy "+backed) {
		t.Fatalf("backend events %v", fb.events)
	}
	res := srv.Resources("ap-guangzhou").Lighthouse
	if _, ok := res.Instances[backed]; ok || res.Instances[apiOnly] != "RUNNING" || !strings.HasPrefix(res.Backing[apiOnly], "api-only: blueprint ") {
		t.Fatalf("Resources().Lighthouse = %+v", res)
	}
}
