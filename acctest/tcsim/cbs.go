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

// cbsListQuery is the front every CBS Describe* shares: ids xor filters and uint64 paging.
func cbsListQuery(idsParam string, ids []*string, filters []*cbs.Filter, offset, limit *uint64, allowed ...string) (filterSet, []string, *int64, *int64, *APIError) {
	idList := strs(ids)
	if len(idList) > 0 && len(filters) > 0 {
		return nil, nil, nil, nil, apiErr("InvalidParameter", "The parameters `%s` and `Filters` cannot be specified at the same time.", idsParam)
	}
	if len(idList) > 100 {
		return nil, nil, nil, nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 100 %s are allowed per request, got %d.", idsParam, len(idList))
	}
	fs, e := parseFilters(cbsFilters(filters), allowed...)
	if e != nil {
		return nil, nil, nil, nil, e
	}
	var off, lim *int64
	if offset != nil {
		off = ip64(int64(*offset))
	}
	if limit != nil {
		lim = ip64(int64(*limit))
	}
	return fs, idList, off, lim, nil
}

func (s *Server) describeDisks(rc *reqCtx) (any, *APIError) {
	var p cbs.DescribeDisksRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	fs, ids, off, lim, e := cbsListQuery("DiskIds", p.DiskIds, p.Filters, p.Offset, p.Limit, diskFilters...)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cbs.Disk{}
	for _, rec := range sortedBySeq(s.region(rc).Instances, func(i *instanceRec) int64 { return i.Seq }) {
		for _, d := range rec.Disks {
			if (len(ids) > 0 && !contains(ids, str(d.DiskId))) || !fs.match("disk-id", str(d.DiskId)) ||
				!fs.match("instance-id", str(d.InstanceId)) || !fs.match("disk-usage", str(d.DiskUsage)) ||
				!fs.match("disk-type", str(d.DiskType)) || !fs.match("disk-state", str(d.DiskState)) ||
				!fs.match("disk-name", str(d.DiskName)) || !fs.match("disk-charge-type", str(d.DiskChargeType)) ||
				!fs.match("zone", str(d.Placement.Zone)) || !fs.match("portable", upperBool(*d.Portable)) ||
				!fs.match("project-id", "0") || !fs.match("instance-name", str(rec.Instance.InstanceName)) {
				continue
			}
			matched = append(matched, d)
		}
	}
	start, end, e := page(off, lim, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "DiskSet": matched[start:end]}), nil
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
		TimeStartShare: sp(""), Tags: []*cbs.Tag{},
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
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	fs, ids, off, lim, e := cbsListQuery("SnapshotIds", p.SnapshotIds, p.Filters, p.Offset, p.Limit, snapshotFilters...)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cbs.Snapshot{}
	for _, rec := range sortedBySeq(s.region(rc).Snapshots, func(r *snapshotRec) int64 { return r.Seq }) {
		sn := rec.Snapshot
		if (len(ids) > 0 && !contains(ids, str(sn.SnapshotId))) || !fs.match("snapshot-id", str(sn.SnapshotId)) ||
			!fs.match("disk-id", str(sn.DiskId)) || !fs.match("snapshot-name", str(sn.SnapshotName)) ||
			!fs.match("snapshot-state", str(sn.SnapshotState)) || !fs.match("disk-usage", str(sn.DiskUsage)) ||
			!fs.match("zone", str(sn.Placement.Zone)) || !fs.match("project-id", "0") ||
			!fs.match("snapshot-type", str(sn.SnapshotType)) {
			continue
		}
		matched = append(matched, sn)
	}
	start, end, e := page(off, lim, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "SnapshotSet": matched[start:end]}), nil
}
