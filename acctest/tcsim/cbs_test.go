package tcsim

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	cbs "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cbs/v20170312"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// nilFields lists the pointer fields of the SDK struct *v that the answer left null: a client
// reading them (the official provider dereferences many without checks) would crash. Slices
// are not checked: the SDK models mark them omitempty, so an empty list and an absent one
// decode the same for every Go client.
func nilFields(v any) []string {
	rv := reflect.ValueOf(v).Elem()
	var out []string
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Field(i)
		if f.Kind() == reflect.Pointer && f.IsNil() {
			out = append(out, rv.Type().Field(i).Name)
		}
	}
	return out
}

func cbsClient(t *testing.T, srv *TestServer) *cbs.Client {
	t.Helper()
	c, err := cbs.NewClient(common.NewCredential(srv.SecretID, srv.SecretKey), "ap-guangzhou", sdkProfile(srv))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runWithDisks launches one instance with a 50 GB CLOUD_SSD system disk and two data disks.
func runWithDisks(t *testing.T, srv *TestServer, c *cvm.Client) string {
	t.Helper()
	req := cvm.NewRunInstancesRequest()
	req.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
	req.ImageId = common.StringPtr("img-9qrfy1xt")
	req.SystemDisk = &cvm.SystemDisk{DiskType: common.StringPtr("CLOUD_SSD"), DiskSize: common.Int64Ptr(50)}
	req.DataDisks = []*cvm.DataDisk{
		{DiskSize: common.Int64Ptr(100), DiskType: common.StringPtr("CLOUD_PREMIUM")},
		{DiskSize: common.Int64Ptr(200), DiskName: common.StringPtr("logs")},
	}
	resp, err := c.RunInstances(req)
	if err != nil {
		t.Fatal(err)
	}
	id := *resp.Response.InstanceIdSet[0]
	waitState(t, srv, id, "RUNNING")
	return id
}

func filter(name string, values ...string) []*cbs.Filter {
	return []*cbs.Filter{{Name: common.StringPtr(name), Values: common.StringPtrs(values)}}
}

func TestConformanceDescribeDisks(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	b := cbsClient(t, srv)
	ins1, ins2 := runWithDisks(t, srv, c), runWithDisks(t, srv, c)

	all, err := b.DescribeDisks(cbs.NewDescribeDisksRequest())
	if err != nil {
		t.Fatal(err)
	}
	if *all.Response.TotalCount != 6 || len(all.Response.DiskSet) != 6 {
		t.Fatalf("DescribeDisks: TotalCount %d, %d disks; want 6 (3 per instance)", *all.Response.TotalCount, len(all.Response.DiskSet))
	}
	for _, d := range all.Response.DiskSet {
		if n := nilFields(d); len(n) > 0 {
			t.Fatalf("disk %s: fields left null: %v", *d.DiskId, n)
		}
	}
	sys := all.Response.DiskSet[0]
	if *sys.DiskUsage != "SYSTEM_DISK" || *sys.DiskType != "CLOUD_SSD" || *sys.DiskSize != 50 || *sys.InstanceId != ins1 || *sys.DiskState != "ATTACHED" {
		t.Fatalf("first disk = %s %s %d GB on %s (%s), want the SYSTEM_DISK CLOUD_SSD 50 GB of %s (ATTACHED)",
			*sys.DiskUsage, *sys.DiskType, *sys.DiskSize, *sys.InstanceId, *sys.DiskState, ins1)
	}

	d := cvm.NewDescribeInstancesRequest()
	d.InstanceIds = common.StringPtrs([]string{ins1})
	inst, err := c.DescribeInstances(d)
	if err != nil {
		t.Fatal(err)
	}
	cvmView := inst.Response.InstanceSet[0]
	if *cvmView.SystemDisk.DiskId != *sys.DiskId || len(cvmView.DataDisks) != 2 || *cvmView.DataDisks[1].DiskSize != 200 {
		t.Fatalf("CVM and CBS disagree: system %s vs %s, data disks %d", *cvmView.SystemDisk.DiskId, *sys.DiskId, len(cvmView.DataDisks))
	}

	count := func(req *cbs.DescribeDisksRequest) (uint64, int) {
		t.Helper()
		resp, err := b.DescribeDisks(req)
		if err != nil {
			t.Fatal(err)
		}
		return *resp.Response.TotalCount, len(resp.Response.DiskSet)
	}
	dataDiskID := *cvmView.DataDisks[0].DiskId
	cases := []struct {
		name        string
		set         func(*cbs.DescribeDisksRequest)
		total, page int
	}{
		{"instance-id", func(r *cbs.DescribeDisksRequest) { r.Filters = filter("instance-id", ins2) }, 3, 3},
		{"disk-usage", func(r *cbs.DescribeDisksRequest) { r.Filters = filter("disk-usage", "DATA_DISK") }, 4, 4},
		{"disk-id", func(r *cbs.DescribeDisksRequest) { r.Filters = filter("disk-id", dataDiskID) }, 1, 1},
		{"DiskIds", func(r *cbs.DescribeDisksRequest) {
			r.DiskIds = common.StringPtrs([]string{dataDiskID, "disk-00000000"})
		}, 1, 1},
		{"Offset+Limit", func(r *cbs.DescribeDisksRequest) { r.Offset, r.Limit = common.Uint64Ptr(4), common.Uint64Ptr(4) }, 6, 2},
		{"Limit", func(r *cbs.DescribeDisksRequest) { r.Limit = common.Uint64Ptr(1) }, 6, 1},
		{"Offset past end", func(r *cbs.DescribeDisksRequest) { r.Offset = common.Uint64Ptr(10) }, 6, 0},
	}
	for _, tc := range cases {
		req := cbs.NewDescribeDisksRequest()
		tc.set(req)
		if total, n := count(req); total != uint64(tc.total) || n != tc.page {
			t.Fatalf("%s: TotalCount %d, %d disks; want %d, %d", tc.name, total, n, tc.total, tc.page)
		}
	}

	bad := []struct {
		name string
		set  func(*cbs.DescribeDisksRequest)
		want string
	}{
		{"Limit over 100", func(r *cbs.DescribeDisksRequest) { r.Limit = common.Uint64Ptr(101) }, "InvalidParameterValue.LimitExceeded"},
		{"ids and filters", func(r *cbs.DescribeDisksRequest) {
			r.DiskIds, r.Filters = common.StringPtrs([]string{dataDiskID}), filter("disk-usage", "DATA_DISK")
		}, "InvalidParameter"},
		{"unknown filter", func(r *cbs.DescribeDisksRequest) { r.Filters = filter("colour", "blue") }, "InvalidFilter"},
	}
	for _, tc := range bad {
		req := cbs.NewDescribeDisksRequest()
		tc.set(req)
		if _, err := b.DescribeDisks(req); sdkCode(err) != tc.want {
			t.Fatalf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}

	term := cvm.NewTerminateInstancesRequest()
	term.InstanceIds = common.StringPtrs([]string{ins1})
	if _, err := c.TerminateInstances(term); err != nil {
		t.Fatal(err)
	}
	waitState(t, srv, ins1, "")
	req := cbs.NewDescribeDisksRequest()
	req.Filters = filter("instance-id", ins1)
	if total, _ := count(req); total != 0 {
		t.Fatalf("disks of terminated %s: %d, want 0 (removed with the instance)", ins1, total)
	}
}

func TestRunInstancesDataDisksValidated(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	cases := []struct {
		name string
		disk *cvm.DataDisk
		want string
	}{
		{"no size", &cvm.DataDisk{DiskType: common.StringPtr("CLOUD_SSD")}, "MissingParameter"},
		{"too small", &cvm.DataDisk{DiskSize: common.Int64Ptr(5)}, "InvalidParameterValue"},
		{"unknown type", &cvm.DataDisk{DiskSize: common.Int64Ptr(50), DiskType: common.StringPtr("FLOPPY")}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		req := cvm.NewRunInstancesRequest()
		req.Placement = &cvm.Placement{Zone: common.StringPtr("ap-guangzhou-3")}
		req.ImageId = common.StringPtr("img-9qrfy1xt")
		req.DataDisks = []*cvm.DataDisk{tc.disk}
		if _, err := c.RunInstances(req); sdkCode(err) != tc.want {
			t.Fatalf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestConformanceDescribeSnapshots(t *testing.T) {
	srv := StartForTest(t, WithDelays(Delays{CreateImage: 200 * time.Millisecond}))
	c, _ := sdkClients(t, srv)
	b := cbsClient(t, srv)
	ins := runWithDisks(t, srv, c)
	ci := cvm.NewCreateImageRequest()
	ci.InstanceId, ci.ImageName = common.StringPtr(ins), common.StringPtr("snap-test")
	img, err := c.CreateImage(ci)
	if err != nil {
		t.Fatal(err)
	}
	imageID := *img.Response.ImageId
	disks := cbs.NewDescribeDisksRequest()
	disks.Filters = filter("instance-id", ins)
	dresp, err := b.DescribeDisks(disks)
	if err != nil {
		t.Fatal(err)
	}
	sysDisk := *dresp.Response.DiskSet[0].DiskId

	byDisk := func(disk string) *cbs.DescribeSnapshotsResponseParams {
		t.Helper()
		req := cbs.NewDescribeSnapshotsRequest()
		req.Filters = filter("disk-id", disk)
		resp, err := b.DescribeSnapshots(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Response
	}
	during := byDisk(sysDisk)
	if *during.TotalCount != 1 || *during.SnapshotSet[0].SnapshotState != "CREATING" {
		t.Fatalf("while the image is CREATING: %d snapshots, want 1 CREATING", *during.TotalCount)
	}
	waitImage(t, c, imageID, "NORMAL")
	after := byDisk(sysDisk)
	sn := after.SnapshotSet[0]
	if n := nilFields(sn); len(n) > 0 {
		t.Fatalf("snapshot fields left null: %v", n)
	}
	if *sn.SnapshotState != "NORMAL" || *sn.DiskUsage != "SYSTEM_DISK" || *sn.DiskSize != 50 || *sn.Images[0].ImageId != imageID {
		t.Fatalf("snapshot %s: %s %s %d GB of image %s, want NORMAL SYSTEM_DISK 50 GB of %s",
			*sn.SnapshotId, *sn.SnapshotState, *sn.DiskUsage, *sn.DiskSize, *sn.Images[0].ImageId, imageID)
	}
	if got := byDisk(*dresp.Response.DiskSet[1].DiskId); *got.TotalCount != 0 {
		t.Fatalf("data disk snapshots: %d, want 0 (CreateImage snapshots the system disk)", *got.TotalCount)
	}

	cases := []struct {
		name        string
		set         func(*cbs.DescribeSnapshotsRequest)
		total, page int
		code        string
	}{
		{"snapshot-id", func(r *cbs.DescribeSnapshotsRequest) { r.Filters = filter("snapshot-id", *sn.SnapshotId) }, 1, 1, ""},
		{"SnapshotIds unknown", func(r *cbs.DescribeSnapshotsRequest) { r.SnapshotIds = common.StringPtrs([]string{"snap-00000000"}) }, 0, 0, ""},
		{"Offset past end", func(r *cbs.DescribeSnapshotsRequest) { r.Offset = common.Uint64Ptr(1) }, 1, 0, ""},
		{"Limit over 100", func(r *cbs.DescribeSnapshotsRequest) { r.Limit = common.Uint64Ptr(101) }, 0, 0, "InvalidParameterValue.LimitExceeded"},
		{"unknown filter", func(r *cbs.DescribeSnapshotsRequest) { r.Filters = filter("instance-id", ins) }, 0, 0, "InvalidFilter"},
	}
	for _, tc := range cases {
		req := cbs.NewDescribeSnapshotsRequest()
		tc.set(req)
		resp, err := b.DescribeSnapshots(req)
		if sdkCode(err) != tc.code || (tc.code == "" && err != nil) {
			t.Fatalf("%s: got %v, want %q", tc.name, err, tc.code)
		}
		if tc.code == "" && (*resp.Response.TotalCount != uint64(tc.total) || len(resp.Response.SnapshotSet) != tc.page) {
			t.Fatalf("%s: TotalCount %d, %d snapshots; want %d, %d", tc.name, *resp.Response.TotalCount, len(resp.Response.SnapshotSet), tc.total, tc.page)
		}
	}
}

func TestImageSnapshotsFollowDeleteImages(t *testing.T) {
	srv := StartForTest(t)
	c, _ := sdkClients(t, srv)
	b := cbsClient(t, srv)
	ins := runWithDisks(t, srv, c)
	image := func(name string) (string, string) {
		t.Helper()
		ci := cvm.NewCreateImageRequest()
		ci.InstanceId, ci.ImageName = common.StringPtr(ins), common.StringPtr(name)
		resp, err := c.CreateImage(ci)
		if err != nil {
			t.Fatal(err)
		}
		id := *resp.Response.ImageId
		waitImage(t, c, id, "NORMAL")
		d := cvm.NewDescribeImagesRequest()
		d.ImageIds = common.StringPtrs([]string{id})
		out, err := c.DescribeImages(d)
		if err != nil {
			t.Fatal(err)
		}
		ss := out.Response.ImageSet[0].SnapshotSet
		if len(ss) != 1 || *ss[0].DiskUsage != "SYSTEM_DISK" || *ss[0].DiskSize != 50 {
			t.Fatalf("image %s SnapshotSet: %d entries, want its one 50 GB SYSTEM_DISK snapshot", id, len(ss))
		}
		return id, *ss[0].SnapshotId
	}
	// snapshot is the one snapshot with that id, nil when there is none.
	snapshot := func(id string) *cbs.Snapshot {
		t.Helper()
		req := cbs.NewDescribeSnapshotsRequest()
		req.SnapshotIds = common.StringPtrs([]string{id})
		resp, err := b.DescribeSnapshots(req)
		if err != nil {
			t.Fatal(err)
		}
		for _, sn := range resp.Response.SnapshotSet {
			return sn
		}
		return nil
	}
	cases := []struct {
		name       string
		deleteSnap bool
		kept       bool
	}{
		{"default keeps the snapshot", false, true},
		{"DeleteBindedSnap deletes it", true, false},
	}
	for i, tc := range cases {
		img, snap := image("del-" + string(rune('a'+i)))
		del := cvm.NewDeleteImagesRequest()
		del.ImageIds = common.StringPtrs([]string{img})
		if tc.deleteSnap {
			del.DeleteBindedSnap = common.BoolPtr(true)
		}
		if _, err := c.DeleteImages(del); err != nil {
			t.Fatal(err)
		}
		sn := snapshot(snap)
		if (sn != nil) != tc.kept {
			t.Fatalf("%s: snapshot %s present = %v, want %v", tc.name, snap, sn != nil, tc.kept)
		}
		if left := contains(srv.Resources("ap-guangzhou").Snapshots, snap); left != tc.kept {
			t.Fatalf("%s: Resources lists snapshot %s = %v, want %v", tc.name, snap, left, tc.kept)
		}
		if sn != nil && (*sn.ImageCount != 0 || len(sn.Images) != 0) {
			t.Fatalf("%s: kept snapshot still bound to %d images", tc.name, *sn.ImageCount)
		}
	}
}

func TestDisksAndSnapshotsInStateFile(t *testing.T) {
	creds := map[string]string{"AKIDdisks": "diskkey"}
	cases := []struct {
		name  string
		strip bool // drop Disks/Snapshots, as a state file written before tcsim modelled them
		disks uint64
		snaps uint64
	}{
		{"round trip", false, 3, 1},
		{"older state file", true, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			srv1, err := Start(context.Background(), Options{Credentials: creds, StateFile: path})
			if err != nil {
				t.Fatal(err)
			}
			ts1 := &TestServer{Server: srv1, SecretID: "AKIDdisks", SecretKey: "diskkey"}
			c1, _ := sdkClients(t, ts1)
			ins := runWithDisks(t, ts1, c1)
			ci := cvm.NewCreateImageRequest()
			ci.InstanceId, ci.ImageName = common.StringPtr(ins), common.StringPtr("before")
			img, err := c1.CreateImage(ci)
			if err != nil {
				t.Fatal(err)
			}
			waitImage(t, c1, *img.Response.ImageId, "NORMAL")
			if err := srv1.Close(); err != nil {
				t.Fatal(err)
			}
			if tc.strip {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				var w map[string]any
				if err := json.Unmarshal(b, &w); err != nil {
					t.Fatal(err)
				}
				for _, rs := range w["Regions"].(map[string]any) {
					rs := rs.(map[string]any)
					delete(rs, "Snapshots")
					for _, in := range rs["Instances"].(map[string]any) {
						delete(in.(map[string]any), "Disks")
					}
				}
				old, err := json.Marshal(w)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, old, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			srv2, err := Start(context.Background(), Options{Credentials: creds, StateFile: path})
			if err != nil {
				t.Fatal(err)
			}
			defer srv2.Close()
			ts2 := &TestServer{Server: srv2, SecretID: "AKIDdisks", SecretKey: "diskkey"}
			c2, _ := sdkClients(t, ts2)
			b := cbsClient(t, ts2)
			dd, err := b.DescribeDisks(cbs.NewDescribeDisksRequest())
			if err != nil {
				t.Fatal(err)
			}
			ds, err := b.DescribeSnapshots(cbs.NewDescribeSnapshotsRequest())
			if err != nil {
				t.Fatal(err)
			}
			if *dd.Response.TotalCount != tc.disks || *ds.Response.TotalCount != tc.snaps {
				t.Fatalf("after restart: %d disks, %d snapshots; want %d, %d", *dd.Response.TotalCount, *ds.Response.TotalCount, tc.disks, tc.snaps)
			}
			// CreateImage must still work on the restored instance (no nil snapshot map).
			again := cvm.NewCreateImageRequest()
			again.InstanceId, again.ImageName = common.StringPtr(ins), common.StringPtr("after")
			if _, err := c2.CreateImage(again); err != nil {
				t.Fatalf("CreateImage after restart: %v", err)
			}
			// A new instance has disks, so its image records a snapshot in the restored region.
			fresh := cvm.NewCreateImageRequest()
			fresh.InstanceId, fresh.ImageName = common.StringPtr(runWithDisks(t, ts2, c2)), common.StringPtr("fresh")
			if _, err := c2.CreateImage(fresh); err != nil {
				t.Fatalf("CreateImage of a new instance after restart: %v", err)
			}
		})
	}
}
