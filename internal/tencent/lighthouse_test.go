package tencent

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// lhSeedID finds a seeded system blueprint by OsName and type through the client.
func lhSeedID(t *testing.T, c *Client, osName, typ string) string {
	t.Helper()
	list, err := c.ListBlueprints(ctxT(t), []Filter{{Name: "blueprint-type", Values: []string{typ}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		if b.OsName == osName {
			return b.ID
		}
	}
	t.Fatalf("no %s blueprint %q among %d", typ, osName, len(list))
	return ""
}

func TestLighthouseBlueprints(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	all, err := c.ListBlueprints(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 15 {
		t.Fatalf("ListBlueprints returned %d blueprints", len(all))
	}
	cases := []struct {
		name    string
		filters []Filter
		check   func(Blueprint) bool
	}{
		{"windows", []Filter{{Name: "platform-type", Values: []string{"WINDOWS"}}}, func(b Blueprint) bool { return b.PlatformType == "WINDOWS" }},
		{"app", []Filter{{Name: "blueprint-type", Values: []string{"APP_OS"}}}, func(b Blueprint) bool { return b.Type == "APP_OS" && len(b.SceneIDs) == 1 }},
		{"normal linux", []Filter{{Name: "platform-type", Values: []string{"LINUX_UNIX"}}, {Name: "blueprint-state", Values: []string{"NORMAL"}}},
			func(b Blueprint) bool { return b.PlatformType == "LINUX_UNIX" && b.State == "NORMAL" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.ListBlueprints(ctx, tc.filters)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || len(got) >= len(all) {
				t.Fatalf("%d of %d blueprints", len(got), len(all))
			}
			for _, b := range got {
				if !tc.check(b) {
					t.Fatalf("blueprint %+v does not match %v", b, tc.filters)
				}
			}
		})
	}
	id := lhSeedID(t, c, "Debian 12.4 64bit", "PURE_OS")
	b, err := c.GetBlueprint(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if b.Platform != "DEBIAN" || b.RequiredSystemDiskGB != 20 || b.RequiredMemoryGB != 1 || b.CreatedTime != nil || b.Shared {
		t.Fatalf("blueprint %+v", b)
	}
	var nf *NotFoundError
	if _, err := c.GetBlueprint(ctx, "lhbp-00000000"); !errors.As(err, &nf) {
		t.Fatalf("GetBlueprint of an unknown id: %v", err)
	}
	if _, err := c.ListBlueprints(ctx, []Filter{{Name: "blueprint-type", Values: []string{"LINUX"}}}); ErrorCode(err) != "InvalidParameterValue.InvalidBlueprintType" {
		t.Fatalf("bad filter value: %v", err)
	}
}

func TestLighthouseInstanceCreateWaitTerminate(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithDelays(tcsim.UniformDelays(30*time.Millisecond)))
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	debian := lhSeedID(t, c, "Debian 13.1 64bit", "PURE_OS")
	id, err := c.CreateLighthouseInstance(ctx, CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: debian,
		Zone: "ap-guangzhou-4", Name: "blog", Tags: map[string]string{"team": "web"}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.WaitLighthouseInstanceState(ctx, id, "RUNNING", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if in.BlueprintID != debian || in.Zone != "ap-guangzhou-4" || in.Name != "blog" || in.Tags["team"] != "web" || in.OsName != "Debian 13.1 64bit" ||
		in.ChargeType != "PREPAID" || in.ExpiredTime == nil || in.CreatedTime == nil || !in.ExpiredTime.After(*in.CreatedTime) || len(in.PublicAddresses) != 1 {
		t.Fatalf("instance %+v", in)
	}
	list, err := c.ListLighthouseInstances(ctx, []Filter{{Name: "tag:team", Values: []string{"web"}}})
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Fatalf("ListLighthouseInstances by tag: %v %v", list, err)
	}
	if err := c.TerminateLighthouseInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLighthouseInstanceState(ctx, id, StateTerminated, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// Already gone counts as done.
	if err := c.TerminateLighthouseInstances(ctx, id); err != nil {
		t.Fatalf("terminating a gone instance: %v", err)
	}
	if got := srv.Stats().Actions; got["IsolateInstances"] != 1 || got["TerminateInstances"] != 1 {
		t.Fatalf("actions %v, want one IsolateInstances and one TerminateInstances", got)
	}
}

func TestLighthouseTerminateWaitsForLaunch(t *testing.T) {
	srv := tcsim.StartForTest(t, tcsim.WithDelays(tcsim.Delays{Launch: 150 * time.Millisecond}))
	c, logs := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	id, err := c.CreateLighthouseInstance(ctx, CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: lhSeedID(t, c, "Debian 12.4 64bit", "PURE_OS")})
	if err != nil {
		t.Fatal(err)
	}
	// Still PENDING: the direct Isolate is refused with OperationDenied.InstanceCreating, the
	// client waits for the launch and tries again.
	if err := c.IsolateLighthouseInstance(ctx, id); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "waiting for the running lighthouse instance operation") {
		t.Fatalf("no wait logged:\n%s", logs.String())
	}
	if err := c.TerminateLighthouseInstances(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitLighthouseInstanceState(ctx, id, StateTerminated, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestLighthouseCreateErrorsNameTheCause(t *testing.T) {
	srv := tcsim.StartForTest(t)
	c, _ := newTestClient(t, srv, nil)
	ctx := ctxT(t)
	windows := lhSeedID(t, c, "Windows Server 2022 数据中心版 64位中文版", "PURE_OS")
	cases := []struct {
		in   CreateLighthouseInstanceInput
		want string
	}{
		{CreateLighthouseInstanceInput{BlueprintID: windows}, "BundleID and BlueprintID are required"},
		{CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: windows}, "InvalidParameterValue.BundleNotSupportBlueprintPlatform"},
		{CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: "lhbp-00000000"}, "ResourceNotFound.BlueprintIdNotFound"},
		{CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: windows, Password: "x", KeyIDs: []string{"lhkp-aaaaaaaa"}}, "Password or KeyIDs, not both"},
	}
	for _, tc := range cases {
		_, err := c.CreateLighthouseInstance(ctx, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CreateLighthouseInstance(%+v): %v, want %q", tc.in, err, tc.want)
		}
	}
	id, err := c.CreateLighthouseInstance(ctx, CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_win_02", BlueprintID: windows, DryRun: true})
	if err != nil || id != "" {
		t.Fatalf("dry run: %q %v", id, err)
	}
}

func TestLighthouseRetriesThrottling(t *testing.T) {
	faults, err := tcsim.ParseFaultSpec("seed=7,CreateInstances:throttle=0.7,*:throttle=0.4,DescribeInstances:502=0.1,DescribeBlueprints:internal=0.1")
	if err != nil {
		t.Fatal(err)
	}
	srv := tcsim.StartForTest(t, tcsim.WithFaults(faults))
	c, logs := newTestClient(t, srv, func(cfg *Config) { cfg.MaxRetries = 20 })
	ctx := ctxT(t)
	var debian string
	for i := 0; i < 5; i++ {
		debian = lhSeedID(t, c, "Debian 12.4 64bit", "PURE_OS")
	}
	var ids []string
	for i := 0; i < 3; i++ {
		id, err := c.CreateLighthouseInstance(ctx, CreateLighthouseInstanceInput{BundleID: "bundle2022_gen_01", BlueprintID: debian})
		if err != nil {
			t.Fatalf("CreateLighthouseInstance under throttling: %v", err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if _, err := c.WaitLighthouseInstanceState(ctx, id, "RUNNING", 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.TerminateLighthouseInstances(ctx, ids...); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := c.WaitLighthouseInstanceState(ctx, id, StateTerminated, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	st := srv.Stats()
	if st.Faults["CreateInstances"] == 0 || st.Faults["DescribeBlueprints"] == 0 || st.Faults["IsolateInstances"]+st.Faults["TerminateInstances"] == 0 {
		t.Fatalf("faults %v: the test did not exercise retries of every action", st.Faults)
	}
	if !strings.Contains(logs.String(), "RequestLimitExceeded") {
		t.Fatal("no retry logged")
	}
	if left, err := c.ListLighthouseInstances(ctx, nil); err != nil || len(left) != 0 {
		t.Fatalf("instances left: %v %v", left, err)
	}
}
