package tcsim

import (
	"fmt"

	cbs "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cbs/v20170312"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

const versionCBS = "2017-03-12"

var diskTypes = []string{"CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_TSSD", "CLOUD_BSSD"}

var diskFilters = []string{"disk-id", "instance-id", "disk-usage", "disk-type", "disk-state", "disk-name", "disk-charge-type",
	"zone", "portable", "project-id", "instance-name"}

var snapshotFilters = []string{"snapshot-id", "disk-id", "snapshot-name", "snapshot-state", "disk-usage", "zone", "project-id", "snapshot-type"}

// snapshotRec is a CBS snapshot; CreateImage makes one of the instance's system disk.
type snapshotRec struct {
	Snapshot *cbs.Snapshot `json:"Snapshot"`
	Seq      int64         `json:"Seq"`
}

func cbsFilters(in []*cbs.Filter) []*cvm.Filter {
	out := make([]*cvm.Filter, 0, len(in))
	for _, f := range in {
		if f != nil {
			out = append(out, &cvm.Filter{Name: f.Name, Values: f.Values})
		}
	}
	return out
}

// checkDataDisks validates RunInstances' DataDisks as CVM does before any disk is made.
func checkDataDisks(dd []*cvm.DataDisk) *APIError {
	if len(dd) > 20 {
		return apiErr("InvalidParameterValue.LimitExceeded", "At most 20 DataDisks are allowed per instance, got %d.", len(dd))
	}
	for i, d := range dd {
		field := fmt.Sprintf("DataDisks.%d", i)
		if d == nil || d.DiskSize == nil {
			return missingParam(field + ".DiskSize")
		}
		if *d.DiskSize < 10 || *d.DiskSize > 32000 {
			return invalidValue(field+".DiskSize", *d.DiskSize, "must be between 10 and 32000 (GB)")
		}
		if t := str(d.DiskType); t != "" && !contains(diskTypes, t) {
			return invalidValue(field+".DiskType", t, "use one of the CBS disk types, e.g. CLOUD_PREMIUM")
		}
	}
	return nil
}

// attachLaunchDisks creates the CBS records of a new instance's system and data disks (the
// ids already shown in its SystemDisk/DataDisks) and fills in.DataDisks; they live in the
// instance record, so terminating the instance removes them with it, as DeleteWithInstance
// disks do on the real API.
func attachLaunchDisks(rc *reqCtx, rec *instanceRec, dataDisks []*cvm.DataDisk) {
	in := rec.Instance
	mk := func(id, usage, dtype string, size int64, deleteWith bool) *cbs.Disk {
		return &cbs.Disk{
			DiskId: sp(id), DiskUsage: sp(usage), DiskType: sp(dtype), DiskSize: ptrU64(uint64(size)),
			DiskName: sp(id), DiskState: sp("ATTACHED"), Attached: bp(true), InstanceId: in.InstanceId,
			InstanceIdList: []*string{in.InstanceId}, LastAttachInsId: in.InstanceId, InstanceType: sp("CVM"),
			DeleteWithInstance: bp(deleteWith), DiskChargeType: in.InstanceChargeType, RenewFlag: sp("NOTIFY_AND_MANUAL_RENEW"),
			Placement:  &cbs.Placement{Zone: in.Placement.Zone, ProjectId: ptrU64(0)},
			CreateTime: sp(rc.now.UTC().Format("2006-01-02 15:04:05")), DeadlineTime: sp(""),
			Portable: bp(usage == "DATA_DISK"), SnapshotAbility: bp(true), SnapshotCount: ip64(0), SnapshotSize: ptrU64(0),
			Encrypt: bp(false), Rollbacking: bp(false), RollbackPercent: ptrU64(0), Migrating: bp(false), MigratePercent: ptrU64(0),
			BackupDisk: bp(false), Shareable: bp(false), AutoRenewFlagError: bp(false), DeadlineError: bp(false),
			IsReturnable: bp(false), ReturnFailCode: ip64(0), DifferDaysOfDeadline: ip64(0), DeleteSnapshot: ip64(0),
			AttachMode: sp("PF"), ThroughputPerformance: ptrU64(0), BurstPerformance: bp(false), DiskBackupQuota: ptrU64(0),
			DiskBackupCount: ptrU64(0), ErrorPrompt: sp(""), EncryptType: sp(""), KmsKeyId: sp(""),
			Tags: []*cbs.Tag{}, AutoSnapshotPolicyIds: []*string{},
		}
	}
	sd := in.SystemDisk
	rec.Disks = []*cbs.Disk{mk(str(sd.DiskId), "SYSTEM_DISK", str(sd.DiskType), *sd.DiskSize, true)}
	in.DataDisks = []*cvm.DataDisk{}
	for _, d := range dataDisks {
		dtype := "CLOUD_PREMIUM"
		if t := str(d.DiskType); t != "" {
			dtype = t
		}
		deleteWith := d.DeleteWithInstance == nil || *d.DeleteWithInstance
		id := newID("disk")
		in.DataDisks = append(in.DataDisks, &cvm.DataDisk{DiskId: sp(id), DiskSize: ip64(*d.DiskSize), DiskType: sp(dtype),
			DeleteWithInstance: bp(deleteWith), Encrypt: bp(false), ThroughputPerformance: ip64(0)})
		disk := mk(id, "DATA_DISK", dtype, *d.DiskSize, deleteWith)
		if n := str(d.DiskName); n != "" {
			disk.DiskName = sp(n)
		}
		rec.Disks = append(rec.Disks, disk)
	}
}

// cbsListFields are the list parameters every CBS Describe* request has.
type cbsListFields struct {
	ids           []*string
	filters       []*cbs.Filter
	offset, limit *uint64
}

// cbsQuery is a validated CBS list request.
type cbsQuery struct {
	fs          filterSet
	ids         []string
	offset, lim *int64
}

func (q cbsQuery) wants(id string) bool { return len(q.ids) == 0 || contains(q.ids, id) }

// decodeCBSList is the front every CBS Describe* shares: decode into the SDK model, then ids
// xor filters (CBS answers InvalidParameter, it has no InvalidParameterCombination), at most
// 100 ids, the allowed filters and uint64 paging. fields reads the list parameters of into.
func decodeCBSList(rc *reqCtx, into any, idsParam string, allowed []string, fields func() cbsListFields) (cbsQuery, *APIError) {
	if e := rc.decode(into); e != nil {
		return cbsQuery{}, e
	}
	f := fields()
	q := cbsQuery{ids: strs(f.ids)}
	if len(q.ids) > 0 && len(f.filters) > 0 {
		return q, apiErr("InvalidParameter", "The parameters `%s` and `Filters` cannot be specified at the same time.", idsParam)
	}
	if len(q.ids) > 100 {
		return q, apiErr("InvalidParameterValue.LimitExceeded", "At most 100 %s are allowed per request, got %d.", idsParam, len(q.ids))
	}
	var e *APIError
	if q.fs, e = parseFilters(cbsFilters(f.filters), allowed...); e != nil {
		return q, e
	}
	if f.offset != nil {
		q.offset = ip64(int64(*f.offset))
	}
	if f.limit != nil {
		q.lim = ip64(int64(*f.limit))
	}
	return q, nil
}

// pagedSet answers a Describe* with TotalCount and the requested page of matched under key;
// the caller still holds s.mu (rawJSON).
func pagedSet[T any](offset, limit *int64, key string, matched []T) (any, *APIError) {
	start, end, e := page(offset, limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), key: matched[start:end]}), nil
}

func (s *Server) describeDisks(rc *reqCtx) (any, *APIError) {
	var p cbs.DescribeDisksRequestParams
	q, e := decodeCBSList(rc, &p, "DiskIds", diskFilters, func() cbsListFields { return cbsListFields{p.DiskIds, p.Filters, p.Offset, p.Limit} })
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cbs.Disk{}
	for _, rec := range sortedBySeq(s.region(rc).Instances, func(i *instanceRec) int64 { return i.Seq }) {
		for _, d := range rec.Disks {
			if !q.wants(str(d.DiskId)) || !q.fs.match("disk-id", str(d.DiskId)) ||
				!q.fs.match("instance-id", str(d.InstanceId)) || !q.fs.match("disk-usage", str(d.DiskUsage)) ||
				!q.fs.match("disk-type", str(d.DiskType)) || !q.fs.match("disk-state", str(d.DiskState)) ||
				!q.fs.match("disk-name", str(d.DiskName)) || !q.fs.match("disk-charge-type", str(d.DiskChargeType)) ||
				!q.fs.match("zone", str(d.Placement.Zone)) || !q.fs.match("portable", upperBool(*d.Portable)) ||
				!q.fs.match("project-id", "0") || !q.fs.match("instance-name", str(rec.Instance.InstanceName)) {
				continue
			}
			matched = append(matched, d)
		}
	}
	return pagedSet(q.offset, q.lim, "DiskSet", matched)
}

// upperBool is how CBS filters spell booleans (portable=TRUE).
func upperBool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// snapshotSystemDisk records the snapshot CreateImage takes of the instance's system disk; it
// stays CREATING until the image settles (settleImageSnapshot). The caller holds s.mu.
func snapshotSystemDisk(rc *reqCtx, rs *regionState, rec *instanceRec, im *imageRec, seq int64) {
	if len(rec.Disks) == 0 {
		// An instance from a state file written before tcsim modelled disks has none to snapshot.
		return
	}
	d := rec.Disks[0]
	id := newID("snap")
	rs.Snapshots[id] = &snapshotRec{Seq: seq, Snapshot: &cbs.Snapshot{
		SnapshotId: sp(id), SnapshotName: sp("Image_" + im.ImageID + "_" + str(d.DiskId)), SnapshotState: sp("CREATING"),
		SnapshotType: sp("PRIVATE_SNAPSHOT"), DiskId: d.DiskId, DiskUsage: d.DiskUsage, DiskSize: d.DiskSize,
		Placement: &cbs.Placement{Zone: d.Placement.Zone, ProjectId: ptrU64(0)}, Percent: ptrU64(0),
		CreateTime: sp(rc.now.UTC().Format("2006-01-02 15:04:05")), DeadlineTime: sp(""), IsPermanent: bp(true),
		Encrypt: bp(false), CopyFromRemote: bp(false), CopyingToRegions: []*string{}, ShareReference: ptrU64(0),
		TimeStartShare: sp(""), Tags: []*cbs.Tag{}, IsLocked: bp(false),
		LatestModifyTime: sp(rc.now.UTC().Format("2006-01-02 15:04:05")),
		// Image snapshots are standard ones taken on request, never by an automatic policy.
		AutoSnapshotPolicyId: sp(""), SnapshotMode: sp("STANDARD_SNAPSHOT"),
		Images: []*cbs.Image{{ImageId: sp(im.ImageID), ImageName: sp(im.ImageName)}}, ImageCount: ptrU64(1),
	}}
	*d.SnapshotCount++
	*d.SnapshotSize += *d.DiskSize
}

// settleImageSnapshot finishes the snapshot behind imageID: NORMAL when the image was made,
// removed when it failed (the real API rolls the snapshot back with the image). Caller holds s.mu.
func settleImageSnapshot(rs *regionState, imageID string, ok bool) {
	for id, sn := range rs.Snapshots {
		if len(sn.Snapshot.Images) == 0 || str(sn.Snapshot.Images[0].ImageId) != imageID || str(sn.Snapshot.SnapshotState) != "CREATING" {
			continue
		}
		if !ok {
			delete(rs.Snapshots, id)
			continue
		}
		sn.Snapshot.SnapshotState, sn.Snapshot.Percent = sp("NORMAL"), ptrU64(100)
	}
}

func (s *Server) describeSnapshots(rc *reqCtx) (any, *APIError) {
	var p cbs.DescribeSnapshotsRequestParams
	q, e := decodeCBSList(rc, &p, "SnapshotIds", snapshotFilters, func() cbsListFields {
		return cbsListFields{p.SnapshotIds, p.Filters, p.Offset, p.Limit}
	})
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cbs.Snapshot{}
	for _, rec := range sortedBySeq(s.region(rc).Snapshots, func(r *snapshotRec) int64 { return r.Seq }) {
		sn := rec.Snapshot
		if !q.wants(str(sn.SnapshotId)) || !q.fs.match("snapshot-id", str(sn.SnapshotId)) ||
			!q.fs.match("disk-id", str(sn.DiskId)) || !q.fs.match("snapshot-name", str(sn.SnapshotName)) ||
			!q.fs.match("snapshot-state", str(sn.SnapshotState)) || !q.fs.match("disk-usage", str(sn.DiskUsage)) ||
			!q.fs.match("zone", str(sn.Placement.Zone)) || !q.fs.match("project-id", "0") ||
			!q.fs.match("snapshot-type", str(sn.SnapshotType)) {
			continue
		}
		matched = append(matched, sn)
	}
	return pagedSet(q.offset, q.lim, "SnapshotSet", matched)
}

// imageSnapshots is DescribeImages' SnapshotSet of an image: the snapshots it was made from
// (none for public images). The map is walked unsorted: CreateImage makes exactly one snapshot
// per image, and DescribeImages of a large catalog should not sort the snapshots per image.
// The caller holds s.mu.
func imageSnapshots(rs *regionState, imageID string) []any {
	out := []any{}
	for _, rec := range rs.Snapshots {
		for _, im := range rec.Snapshot.Images {
			if str(im.ImageId) == imageID {
				sn := rec.Snapshot
				out = append(out, &cvm.Snapshot{SnapshotId: sn.SnapshotId, DiskUsage: sn.DiskUsage, DiskSize: ip64(int64(*sn.DiskSize))})
			}
		}
	}
	return out
}

// releaseImageSnapshots unbinds a deleted image from its snapshots; with DeleteImages'
// DeleteBindedSnap they are deleted too, otherwise they stay (and are billed) as on the real
// API. The caller holds s.mu.
func releaseImageSnapshots(rs *regionState, imageID string, deleteSnapshots bool) {
	for id, rec := range rs.Snapshots {
		sn := rec.Snapshot
		kept := []*cbs.Image{}
		for _, im := range sn.Images {
			if str(im.ImageId) != imageID {
				kept = append(kept, im)
			}
		}
		if len(kept) == len(sn.Images) {
			continue
		}
		if deleteSnapshots {
			delete(rs.Snapshots, id)
			continue
		}
		sn.Images, sn.ImageCount = kept, ptrU64(uint64(len(kept)))
	}
}
