package tcsim

import (
	"context"
	"regexp"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

var imageFilters = []string{"image-id", "image-type", "image-name", "image-family", "platform", "tag-key", "tag-value", "tag:"}

var imageTypes = []string{"PUBLIC_IMAGE", "PRIVATE_IMAGE", "SHARED_IMAGE", "MARKET_IMAGE"}

func (s *Server) describeImages(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeImagesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, fs, e := imageIDs.listQuery("ImageIds", "InvalidParameter.InvalidParameterCoexistImageIdsFilters", p.ImageIds, p.Filters, imageFilters...)
	if e != nil {
		return nil, e
	}
	for _, t := range fs["image-type"] {
		if !contains(imageTypes, t) {
			return nil, invalidValue("Filters.image-type", t, "use PUBLIC_IMAGE, PRIVATE_IMAGE, SHARED_IMAGE or MARKET_IMAGE")
		}
	}
	arch := ""
	if t := str(p.InstanceType); t != "" {
		if !instanceTypeRE.MatchString(t) {
			return nil, apiErr("InvalidInstanceType.Malformed", "The instance type `%s` in InstanceType is malformed; use e.g. S5.MEDIUM2.", t)
		}
		arch = instanceArchitecture(t)
	}
	var offset, limit *int64
	if p.Offset != nil {
		offset = ip64(int64(*p.Offset))
	}
	if p.Limit != nil {
		limit = ip64(int64(*p.Limit))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	var matched []*imageRec
	for _, im := range sortedBySeq(rs.Images, func(i *imageRec) int64 { return i.Seq }) {
		if len(ids) > 0 && !contains(ids, im.ImageID) {
			continue
		}
		if !fs.match("image-id", im.ImageID) || !fs.match("image-type", im.ImageType) ||
			!fs.match("image-name", im.ImageName) || !fs.match("image-family", im.ImageFamily) ||
			!fs.match("platform", im.Platform) || !fs.matchTags(im.Tags) || (arch != "" && im.Architecture != arch) {
			continue
		}
		matched = append(matched, im)
	}
	start, end, e := page(offset, limit, len(matched))
	if e != nil {
		return nil, e
	}
	set := make([]imageWire, 0, end-start)
	for _, im := range matched[start:end] {
		w := im.wire()
		w.SnapshotSet = imageSnapshots(rs, im.ImageID)
		set = append(set, w)
	}
	return map[string]any{"TotalCount": len(matched), "ImageSet": set}, nil
}

// armFamilies are the CVM instance families on ARM (Kunpeng) hosts; every other family is x86_64.
var armFamilies = []string{"SR1", "SR2"}

// instanceArchitecture is the image Architecture an instance type can boot: DescribeImages'
// InstanceType parameter offers only those images (no ARM images for S5).
func instanceArchitecture(instanceType string) string {
	family, _, _ := strings.Cut(instanceType, ".")
	if contains(armFamilies, family) {
		return "arm"
	}
	return "x86_64"
}

var imageNameRE = regexp.MustCompile(`^[\p{L}\p{N}._\-()\[\] ]{1,60}$`)

func (s *Server) createImage(rc *reqCtx) (any, *APIError) {
	var p cvm.CreateImageRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	name := str(p.ImageName)
	if name == "" {
		return nil, missingParam("ImageName")
	}
	if !imageNameRE.MatchString(name) {
		return nil, invalidValue("ImageName", name, "use 1-60 letters, digits, spaces and ._-()[]")
	}
	instanceID := str(p.InstanceId)
	if instanceID == "" {
		return nil, missingParam("InstanceId")
	}
	if e := instanceIDs.check(instanceID); e != nil {
		return nil, e
	}
	if e := boolString("ForcePoweroff", p.ForcePoweroff); e != nil {
		return nil, e
	}
	if e := boolString("Sysprep", p.Sysprep); e != nil {
		return nil, e
	}
	tags, e := tagsFromSpec(p.TagSpecification, "image")
	if e != nil {
		return nil, e
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	in, ok := rs.Instances[instanceID]
	if !ok {
		return nil, apiErr("InvalidInstanceId.NotFound", "The instance `%s` does not exist in %s.", instanceID, rc.region)
	}
	if e := operable(in, "RUNNING", "STOPPED"); e != nil {
		return nil, e
	}
	for _, im := range rs.Images {
		if im.ImageType == "PRIVATE_IMAGE" && im.ImageName == name {
			return nil, apiErr("InvalidImageName.Duplicate", "An image named `%s` already exists (%s).", name, im.ImageID)
		}
	}
	if p.DryRun != nil && *p.DryRun {
		return nil, dryRunOK()
	}
	src := rs.Images[str(in.Instance.ImageId)]
	im := &imageRec{
		imageWire: imageWire{
			ImageID:            newID("img"),
			OsName:             str(in.Instance.OsName),
			ImageType:          "PRIVATE_IMAGE",
			CreatedTime:        sp(timestamp(rc)),
			ImageName:          name,
			ImageDescription:   str(p.ImageDescription),
			ImageSize:          20,
			Architecture:       "x86_64",
			ImageState:         "CREATING",
			Platform:           "",
			ImageCreator:       sp(s.opts.OwnerUin),
			ImageSource:        "CREATE_IMAGE",
			IsSupportCloudinit: true,
			Tags:               tags,
			LicenseType:        "TencentCloud",
			ImageFamily:        str(p.ImageFamily),
		},
		LoginUser:      str(in.Instance.DefaultLoginUser),
		SourceInstance: instanceID,
		Seq:            s.world.next(),
	}
	if src != nil {
		im.Architecture, im.Platform, im.IsSupportCloudinit = src.Architecture, src.Platform, src.IsSupportCloudinit
	}
	// A custom image is a snapshot of the system disk, so the real API reports the disk's size
	// (which RunInstances' SystemDisk.DiskSize may have grown), not the source image's.
	if d := in.Instance.SystemDisk; d != nil && d.DiskSize != nil {
		im.ImageSize = *d.DiskSize
	}
	rs.Images[im.ImageID] = im
	snapshotSystemDisk(rc, rs, in, im, s.world.next())
	startOperation(in, "CreateImage", rc.requestID, "")
	region, imageID := rc.region, im.ImageID
	s.async(s.opts.Delays.CreateImage, func(ctx context.Context) { s.finishCreateImage(ctx, region, instanceID, imageID) })
	return map[string]any{"ImageId": im.ImageID}, nil
}

func (s *Server) finishCreateImage(ctx context.Context, region, instanceID, imageID string) {
	s.mu.Lock()
	var m Machine
	if in, ok := s.world.Regions[region].Instances[instanceID]; ok {
		m = in.machine
	}
	s.mu.Unlock()

	ref, errMsg := "", ""
	if m != nil {
		r, err := m.Snapshot(ctx)
		if err != nil {
			errMsg = "snapshot of the backing machine failed: " + err.Error()
		}
		ref = r
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.world.Regions[region]
	if im, ok := rs.Images[imageID]; ok {
		im.BackingRef = ref
		im.ImageState = "NORMAL"
		im.SyncPercent = 100
		if errMsg != "" {
			im.ImageState = "CREATEFAILED"
		}
	}
	settleImageSnapshot(rs, imageID, errMsg == "")
	if in, ok := rs.Instances[instanceID]; ok {
		finishOperation(in, errMsg)
	}
	s.persistLocked()
}

// privateImage finds an image the account owns, with the real API's error codes.
func privateImage(rs *regionState, field, id string) (*imageRec, *APIError) {
	if id == "" {
		return nil, missingParam(field)
	}
	if e := imageIDs.check(id); e != nil {
		return nil, e
	}
	im, ok := rs.Images[id]
	if !ok {
		return nil, apiErr("InvalidImageId.NotFound", "The image `%s` does not exist.", id)
	}
	if im.ImageType != "PRIVATE_IMAGE" {
		return nil, apiErr("UnauthorizedOperation.ImageNotBelongToAccount", "The image `%s` is a %s and does not belong to your account.", id, im.ImageType)
	}
	return im, nil
}

func (s *Server) deleteImages(rc *reqCtx) (any, *APIError) {
	var p cvm.DeleteImagesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids := strs(p.ImageIds)
	if len(ids) == 0 {
		return nil, missingParam("ImageIds")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	for _, id := range ids {
		im, e := privateImage(rs, "ImageIds", id)
		if e != nil {
			return nil, e
		}
		if im.ImageState != "NORMAL" && im.ImageState != "CREATEFAILED" {
			return nil, apiErr("InvalidImageId.IncorrectState", "The image `%s` is %s and cannot be deleted now.", id, im.ImageState)
		}
		if len(im.SharedAccounts) > 0 {
			return nil, apiErr("InvalidImageId.InShared", "The image `%s` is shared with %d accounts; cancel the sharing first.", id, len(im.SharedAccounts))
		}
	}
	if p.DryRun != nil && *p.DryRun {
		return nil, dryRunOK()
	}
	for _, id := range ids {
		delete(rs.Images, id)
		releaseImageSnapshots(rs, id, p.DeleteBindedSnap != nil && *p.DeleteBindedSnap)
	}
	return nil, nil
}

func (s *Server) modifyImageAttribute(rc *reqCtx) (any, *APIError) {
	var p cvm.ModifyImageAttributeRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	im, e := privateImage(rs, "ImageId", str(p.ImageId))
	if e != nil {
		return nil, e
	}
	if p.ImageName != nil {
		if !imageNameRE.MatchString(*p.ImageName) {
			return nil, invalidValue("ImageName", *p.ImageName, "use 1-60 letters, digits, spaces and ._-()[]")
		}
		for _, other := range rs.Images {
			if other != im && other.ImageType == "PRIVATE_IMAGE" && other.ImageName == *p.ImageName {
				return nil, apiErr("InvalidImageName.Duplicate", "An image named `%s` already exists (%s).", *p.ImageName, other.ImageID)
			}
		}
		im.ImageName = *p.ImageName
	}
	if p.ImageDescription != nil {
		im.ImageDescription = *p.ImageDescription
	}
	if p.ImageFamily != nil {
		im.ImageFamily = *p.ImageFamily
	}
	if p.ImageDeprecated != nil {
		im.ImageDeprecated = *p.ImageDeprecated
	}
	return nil, nil
}

func (s *Server) syncImages(rc *reqCtx) (any, *APIError) {
	var p cvm.SyncImagesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, dests := strs(p.ImageIds), strs(p.DestinationRegions)
	if len(ids) == 0 {
		return nil, missingParam("ImageIds")
	}
	if len(dests) == 0 {
		return nil, missingParam("DestinationRegions")
	}
	for _, d := range dests {
		if !contains(s.opts.Regions, d) {
			return nil, apiErr("InvalidRegion.NotFound", "The destination region `%s` does not exist.", d)
		}
		if d == rc.region {
			return nil, invalidValue("DestinationRegions", d, "an image cannot be synchronised to its own region")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	var srcs []*imageRec
	for _, id := range ids {
		im, e := privateImage(rs, "ImageIds", id)
		if e != nil {
			return nil, e
		}
		if im.ImageState != "NORMAL" {
			return nil, apiErr("InvalidImageId.IncorrectState", "The image `%s` is %s; only NORMAL images can be synchronised.", id, im.ImageState)
		}
		srcs = append(srcs, im)
	}
	if p.DryRun != nil && *p.DryRun {
		return nil, dryRunOK()
	}
	var result []*cvm.SyncImage
	for _, src := range srcs {
		for _, d := range dests {
			cp := *src
			cp.ImageID = newID("img")
			cp.ImageState = "SYNCING"
			cp.SyncPercent = 0
			cp.CreatedTime = sp(timestamp(rc))
			cp.Tags = append([]Tag(nil), src.Tags...)
			cp.SharedAccounts = nil
			cp.Seq = s.world.next()
			if p.ImageName != nil && *p.ImageName != "" {
				cp.ImageName = *p.ImageName
			}
			s.world.Regions[d].Images[cp.ImageID] = &cp
			result = append(result, &cvm.SyncImage{ImageId: sp(cp.ImageID), Region: sp(d)})
			region, id := d, cp.ImageID
			s.async(s.opts.Delays.SyncImage, func(context.Context) {
				s.mu.Lock()
				defer s.mu.Unlock()
				if im, ok := s.world.Regions[region].Images[id]; ok {
					im.ImageState, im.SyncPercent = "NORMAL", 100
				}
				s.persistLocked()
			})
		}
	}
	if p.ImageSetRequired != nil && *p.ImageSetRequired {
		return map[string]any{"ImageSet": result}, nil
	}
	return nil, nil
}

var accountIDRE = regexp.MustCompile(`^[0-9]{5,20}$`)

// maxImageShares is the API's limit of accounts per custom image.
const maxImageShares = 500

func (s *Server) modifyImageSharePermission(rc *reqCtx) (any, *APIError) {
	var p cvm.ModifyImageSharePermissionRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	accounts := strs(p.AccountIds)
	if len(accounts) == 0 {
		return nil, missingParam("AccountIds")
	}
	for _, a := range accounts {
		if !accountIDRE.MatchString(a) {
			return nil, apiErr("InvalidAccountId.NotFound", "The account `%s` does not exist.", a)
		}
		if a == s.opts.OwnerUin {
			return nil, apiErr("FailedOperation.AccountIsYourSelf", "An image cannot be shared with its own account.")
		}
	}
	perm := strings.ToUpper(str(p.Permission))
	if perm == "" {
		return nil, missingParam("Permission")
	}
	if perm != "SHARE" && perm != "CANCEL" {
		return nil, invalidValue("Permission", perm, "use SHARE or CANCEL")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	im, e := privateImage(s.region(rc), "ImageId", str(p.ImageId))
	if e != nil {
		return nil, e
	}
	if im.ImageState != "NORMAL" {
		return nil, apiErr("InvalidParameterValue.InvalidImageState", "The image `%s` is %s; only NORMAL images can be shared.", im.ImageID, im.ImageState)
	}
	// The real API refuses the whole request when one account already has the image.
	added := 0
	for _, a := range accounts {
		if perm == "SHARE" && contains(im.SharedAccounts, a) {
			return nil, apiErr("FailedOperation.AccountAlreadyExists", "The image `%s` is already shared with account `%s`.", im.ImageID, a)
		}
		if perm == "SHARE" {
			added++
		}
	}
	if len(im.SharedAccounts)+added > maxImageShares {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "An image can be shared with at most %d accounts; `%s` already has %d.", maxImageShares, im.ImageID, len(im.SharedAccounts))
	}
	for _, a := range accounts {
		has := contains(im.SharedAccounts, a)
		switch {
		case perm == "SHARE" && !has:
			im.SharedAccounts = append(im.SharedAccounts, a)
			if im.ShareTimes == nil {
				im.ShareTimes = map[string]string{}
			}
			im.ShareTimes[a] = timestamp(rc)
		case perm == "CANCEL" && has:
			kept := im.SharedAccounts[:0]
			for _, x := range im.SharedAccounts {
				if x != a {
					kept = append(kept, x)
				}
			}
			im.SharedAccounts = kept
			delete(im.ShareTimes, a)
		}
	}
	return nil, nil
}

func dryRunOK() *APIError {
	return apiErr("DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
}
