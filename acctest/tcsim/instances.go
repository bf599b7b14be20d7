package tcsim

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

var instanceFilters = []string{"instance-id", "instance-name", "instance-state", "image-id", "zone", "vpc-id", "subnet-id",
	"private-ip-address", "public-ip-address", "instance-charge-type", "security-group-id", "tag-key", "tag-value", "tag:"}

var instanceTypeRE = regexp.MustCompile(`^[A-Z0-9]+\.[A-Z0-9]+$`)

// rawJSON marshals v while the caller still holds s.mu, so the answer never races the state
// machines that keep mutating the records after the handler returns.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"MarshalError": err.Error()})
	}
	return b
}

// stateSuffix maps INSTANCE_STATE to the CamelCase used in UnsupportedOperation.InstanceState*.
func stateSuffix(state string) string {
	var b strings.Builder
	for _, part := range strings.Split(strings.ToLower(state), "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// operable rejects instances with an operation in progress or in a state not in allowed.
func operable(in *instanceRec, allowed ...string) *APIError {
	id, state := str(in.Instance.InstanceId), str(in.Instance.InstanceState)
	if str(in.Instance.LatestOperationState) == "OPERATING" {
		return apiErr("OperationDenied.InstanceOperationInProgress", "The instance `%s` has an operation in progress (%s); retry later.", id, str(in.Instance.LatestOperation))
	}
	if !contains(allowed, state) {
		return apiErr("UnsupportedOperation.InstanceState"+stateSuffix(state), "The instance `%s` is %s; this operation needs %s.", id, state, strings.Join(allowed, " or "))
	}
	return nil
}

func startOperation(in *instanceRec, op, requestID, newState string) {
	in.Instance.LatestOperation = sp(op)
	in.Instance.LatestOperationState = sp("OPERATING")
	in.Instance.LatestOperationRequestId = sp(requestID)
	in.Instance.LatestOperationErrorMsg = sp("")
	if newState != "" {
		in.Instance.InstanceState = sp(newState)
	}
}

func finishOperation(in *instanceRec, errMsg string) {
	if errMsg != "" {
		in.Instance.LatestOperationState = sp("FAILED")
		in.Instance.LatestOperationErrorMsg = sp(errMsg)
		return
	}
	in.Instance.LatestOperationState = sp("SUCCESS")
}

func (s *Server) describeInstances(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, fs, e := instanceIDs.listQuery("InstanceIds", "InvalidParameterCombination", p.InstanceIds, p.Filters, instanceFilters...)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*cvm.Instance{}
	for _, rec := range sortedBySeq(s.region(rc).Instances, func(i *instanceRec) int64 { return i.Seq }) {
		in := rec.Instance
		if len(ids) > 0 && !contains(ids, str(in.InstanceId)) {
			continue
		}
		var vpcID, subnetID string
		if in.VirtualPrivateCloud != nil {
			vpcID, subnetID = str(in.VirtualPrivateCloud.VpcId), str(in.VirtualPrivateCloud.SubnetId)
		}
		if !fs.match("instance-id", str(in.InstanceId)) || !fs.match("instance-name", str(in.InstanceName)) ||
			!fs.match("instance-state", str(in.InstanceState)) || !fs.match("image-id", str(in.ImageId)) ||
			!fs.match("zone", str(in.Placement.Zone)) || !fs.match("vpc-id", vpcID) || !fs.match("subnet-id", subnetID) ||
			!fs.match("private-ip-address", strs(in.PrivateIpAddresses)...) ||
			!fs.match("public-ip-address", strs(in.PublicIpAddresses)...) ||
			!fs.match("instance-charge-type", str(in.InstanceChargeType)) ||
			!fs.match("security-group-id", strs(in.SecurityGroupIds)...) || !fs.matchTags(tagsOfCVM(in.Tags)) {
			continue
		}
		matched = append(matched, in)
	}
	start, end, e := page(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "InstanceSet": matched[start:end]}), nil
}

// launchPlan is what RunInstances validated, shared by every instance it creates.
type launchPlan struct {
	image       *imageRec
	zone        string
	vpcID       string
	subnet      *subnetRec
	sgIDs       []string
	keyIDs      []string
	authKeys    []string
	password    string
	userData    string
	tags        []Tag
	publicIP    bool
	bandwidth   int64
	chargeType  string
	itype       string
	name        string
	systemDisk  *cvm.SystemDisk
	dataDisks   []*cvm.DataDisk
	internetAcc *cvm.InternetAccessible
}

func (s *Server) runInstances(rc *reqCtx) (any, *APIError) {
	var p cvm.RunInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	plan, e := s.planLaunch(rc, rs, &p)
	if e != nil {
		return nil, e
	}
	count := int64(1)
	if p.InstanceCount != nil {
		count = *p.InstanceCount
	}
	if count < 1 || count > 100 {
		return nil, invalidValue("InstanceCount", count, "must be between 1 and 100")
	}
	token := str(p.ClientToken)
	if len(token) > 64 {
		return nil, invalidValue("ClientToken", token, "must be at most 64 ASCII characters")
	}
	if token != "" {
		if ids, ok := rs.ClientTokens[token]; ok {
			// Idempotent replay: same answer, nothing new created.
			return map[string]any{"InstanceIdSet": ids}, nil
		}
	}
	if p.DryRun != nil && *p.DryRun {
		return nil, dryRunOK()
	}
	var ids []string
	for i := int64(0); i < count; i++ {
		ids = append(ids, s.createInstance(rc, rs, plan))
	}
	if token != "" {
		rs.ClientTokens[token] = ids
	}
	return map[string]any{"InstanceIdSet": ids}, nil
}

// launchImage is the image check RunInstances and ResetInstance share: a well-formed id of
// an image in the region, in state NORMAL. Both actions answer a busy or failed image with
// InvalidParameterValue.InvalidImageState, as the real API does.
func launchImage(rs *regionState, region, id string) (*imageRec, *APIError) {
	if e := imageIDs.check(id); e != nil {
		return nil, e
	}
	im, ok := rs.Images[id]
	if !ok {
		return nil, apiErr("InvalidImageId.NotFound", "The image `%s` does not exist in %s.", id, region)
	}
	if im.ImageState != "NORMAL" {
		return nil, apiErr("InvalidParameterValue.InvalidImageState", "The image `%s` is %s; instances can only be launched from or reset to NORMAL images.", id, im.ImageState)
	}
	return im, nil
}

func (s *Server) planLaunch(rc *reqCtx, rs *regionState, p *cvm.RunInstancesRequestParams) (*launchPlan, *APIError) {
	plan := &launchPlan{chargeType: "POSTPAID_BY_HOUR", itype: "S5.MEDIUM2", systemDisk: p.SystemDisk}
	if p.Placement == nil || str(p.Placement.Zone) == "" {
		return nil, missingParam("Placement.Zone")
	}
	plan.zone = str(p.Placement.Zone)
	if !validZone(rc.region, plan.zone) {
		return nil, apiErr("InvalidZone.MismatchRegion", "The zone `%s` in Placement.Zone does not belong to the region %s; DescribeZones lists its zones.", plan.zone, rc.region)
	}
	imageID := str(p.ImageId)
	if imageID == "" {
		return nil, missingParam("ImageId")
	}
	im, e := launchImage(rs, rc.region, imageID)
	if e != nil {
		return nil, e
	}
	plan.image = im
	if t := str(p.InstanceType); t != "" {
		if !instanceTypeRE.MatchString(t) {
			return nil, apiErr("InvalidInstanceType.Malformed", "The instance type `%s` is malformed; use e.g. S5.MEDIUM2.", t)
		}
		plan.itype = t
	}
	if ct := str(p.InstanceChargeType); ct != "" {
		if !contains([]string{"PREPAID", "POSTPAID_BY_HOUR", "SPOTPAID", "CDHPAID"}, ct) {
			return nil, invalidValue("InstanceChargeType", ct, "use PREPAID, POSTPAID_BY_HOUR, SPOTPAID or CDHPAID")
		}
		if ct == "PREPAID" && p.InstanceChargePrepaid == nil {
			return nil, missingParam("InstanceChargePrepaid")
		}
		plan.chargeType = ct
	}
	if v := p.VirtualPrivateCloud; v != nil {
		plan.vpcID = str(v.VpcId)
		if plan.vpcID == "" {
			return nil, missingParam("VirtualPrivateCloud.VpcId")
		}
		subnetID := str(v.SubnetId)
		if subnetID == "" {
			return nil, missingParam("VirtualPrivateCloud.SubnetId")
		}
		if _, ok := rs.Vpcs[plan.vpcID]; !ok {
			return nil, apiErr("InvalidParameterValue.VpcIdNotExist", "The VPC `%s` does not exist in %s.", plan.vpcID, rc.region)
		}
		sub, ok := rs.Subnets[subnetID]
		if !ok || str(sub.Subnet.VpcId) != plan.vpcID {
			return nil, apiErr("InvalidParameterValue.SubnetNotExist", "The subnet `%s` does not exist in VPC %s.", subnetID, plan.vpcID)
		}
		if str(sub.Subnet.Zone) != plan.zone {
			return nil, apiErr("InvalidParameterValue.ZoneNotSupported", "The subnet `%s` is in %s, not in %s.", subnetID, str(sub.Subnet.Zone), plan.zone)
		}
		plan.subnet = sub
	}
	for _, sg := range strs(p.SecurityGroupIds) {
		if _, ok := rs.SecurityGroups[sg]; !ok {
			return nil, apiErr("InvalidSecurityGroupId.NotFound", "The security group `%s` does not exist in %s.", sg, rc.region)
		}
		plan.sgIDs = append(plan.sgIDs, sg)
	}
	if e := s.planLogin(rs, im, p.LoginSettings, plan); e != nil {
		return nil, e
	}
	if ud := str(p.UserData); ud != "" {
		raw, err := base64.StdEncoding.DecodeString(ud)
		if err != nil {
			return nil, invalidValue("UserData", "(base64)", "must be base64 encoded")
		}
		if len(raw) > 16*1024 {
			return nil, invalidValue("UserData", "(base64)", "must be at most 16 KB before encoding")
		}
		plan.userData = ud
	}
	tags, e := tagsFromSpec(p.TagSpecification, "instance")
	if e != nil {
		return nil, e
	}
	plan.tags = tags
	if e := checkDataDisks(p.DataDisks); e != nil {
		return nil, e
	}
	plan.dataDisks = p.DataDisks
	if ia := p.InternetAccessible; ia != nil {
		plan.internetAcc = ia
		if ia.InternetMaxBandwidthOut != nil {
			plan.bandwidth = *ia.InternetMaxBandwidthOut
		}
		plan.publicIP = plan.bandwidth > 0
		if ia.PublicIpAssigned != nil {
			plan.publicIP = *ia.PublicIpAssigned
		}
	}
	plan.name = str(p.InstanceName)
	if plan.name == "" {
		plan.name = "未命名"
	}
	if len(plan.name) > 128 {
		return nil, invalidValue("InstanceName", plan.name, "must be at most 128 characters")
	}
	return plan, nil
}

var passwordClasses = []*regexp.Regexp{regexp.MustCompile(`[a-z]`), regexp.MustCompile(`[A-Z]`), regexp.MustCompile(`[0-9]`), regexp.MustCompile(`[()~!@#$%^&*\-+=|{}\[\]:;',.?/]`)}

func (s *Server) planLogin(rs *regionState, im *imageRec, ls *cvm.LoginSettings, plan *launchPlan) *APIError {
	if ls == nil {
		return nil
	}
	plan.password = str(ls.Password)
	plan.keyIDs = strs(ls.KeyIds)
	if plan.password != "" && len(plan.keyIDs) > 0 {
		return apiErr("InvalidParameterCombination", "LoginSettings.Password and LoginSettings.KeyIds cannot be specified together.")
	}
	if e := boolString("LoginSettings.KeepImageLogin", ls.KeepImageLogin); e != nil {
		return e
	}
	if plan.password != "" {
		classes := 0
		for _, re := range passwordClasses {
			if re.MatchString(plan.password) {
				classes++
			}
		}
		if len(plan.password) < 8 || len(plan.password) > 30 || classes < 3 {
			return apiErr("InvalidPassword", "The password must be 8-30 characters and contain at least three of: lower case, upper case, digits, special characters.")
		}
	}
	if len(plan.keyIDs) > 0 && im.Platform == "Windows" {
		return apiErr("UnsupportedOperation.KeyPairUnsupportedWindows", "Key pairs cannot be used with Windows images.")
	}
	for _, k := range plan.keyIDs {
		kp, ok := rs.KeyPairs[k]
		if !ok {
			return apiErr("InvalidKeyPairId.NotFound", "The key pair `%s` does not exist.", k)
		}
		plan.authKeys = append(plan.authKeys, str(kp.KeyPair.PublicKey))
	}
	return nil
}

// createInstance records one PENDING instance and schedules its launch; caller holds s.mu.
func (s *Server) createInstance(rc *reqCtx, rs *regionState, plan *launchPlan) string {
	id := newID("ins")
	im := plan.image
	in := &cvm.Instance{
		Placement:             &cvm.Placement{Zone: sp(plan.zone), ProjectId: ip64(0)},
		InstanceId:            sp(id),
		Uuid:                  sp(newRequestID()),
		InstanceType:          sp(plan.itype),
		CPU:                   ip64(2),
		Memory:                ip64(4),
		InstanceName:          sp(plan.name),
		InstanceChargeType:    sp(plan.chargeType),
		SystemDisk:            &cvm.SystemDisk{DiskType: sp("CLOUD_PREMIUM"), DiskId: sp(newID("disk")), DiskSize: ip64(im.ImageSize)},
		ImageId:               sp(im.ImageID),
		OsName:                sp(im.OsName),
		CreatedTime:           sp(timestamp(rc)),
		SecurityGroupIds:      sps(plan.sgIDs),
		LoginSettings:         &cvm.LoginSettings{KeyIds: sps(plan.keyIDs)},
		InstanceState:         sp("PENDING"),
		Tags:                  cvmTags(plan.tags),
		RestrictState:         sp("NORMAL"),
		RenewFlag:             sp("NOTIFY_AND_MANUAL_RENEW"),
		StopChargingMode:      sp("NOT_APPLICABLE"),
		DefaultLoginUser:      sp(im.LoginUser),
		DefaultLoginPort:      ip64(22),
		DisableApiTermination: bp(false),
		IPv6Addresses:         []*string{},
	}
	if im.Platform == "Windows" {
		in.DefaultLoginPort = ip64(3389)
	}
	if t, ok := lookupInstanceType(plan.itype); ok {
		in.CPU, in.Memory = ip64(t.size.cpu), ip64(t.size.memory)
	}
	if plan.systemDisk != nil {
		if plan.systemDisk.DiskType != nil {
			in.SystemDisk.DiskType = plan.systemDisk.DiskType
		}
		if plan.systemDisk.DiskSize != nil {
			in.SystemDisk.DiskSize = plan.systemDisk.DiskSize
		}
	}
	if plan.internetAcc != nil {
		in.InternetAccessible = &cvm.InternetAccessible{InternetChargeType: plan.internetAcc.InternetChargeType, InternetMaxBandwidthOut: ip64(plan.bandwidth), PublicIpAssigned: bp(plan.publicIP)}
	}
	if plan.subnet != nil {
		in.VirtualPrivateCloud = &cvm.VirtualPrivateCloud{VpcId: sp(plan.vpcID), SubnetId: plan.subnet.Subnet.SubnetId, AsVpcGateway: bp(false)}
		in.PrivateIpAddresses = []*string{sp(allocateSubnetIP(plan.subnet))}
	} else {
		s.world.NextIP++
		in.PrivateIpAddresses = []*string{sp(fmt.Sprintf("172.16.%d.%d", (s.world.NextIP/250)%250, s.world.NextIP%250+2))}
	}
	in.PublicIpAddresses = []*string{}
	if plan.publicIP {
		// Documentation-style fake addresses (198.18.0.0/15 is reserved for testing); API-only
		// instances never receive traffic, backed ones get the machine's address instead.
		s.world.NextIP++
		in.PublicIpAddresses = []*string{sp(fmt.Sprintf("198.19.%d.%d", (s.world.NextIP/250)%250, s.world.NextIP%250+2))}
	}
	rec := &instanceRec{Instance: in, UserData: plan.userData, Password: plan.password, Seq: s.world.next()}
	attachLaunchDisks(rc, rec, plan.dataDisks)
	var spec *MachineSpec
	switch {
	case s.opts.Backend == nil:
		rec.Backing = "api-only: tcsim runs without a machine backend"
	case im.BackingRef == "":
		rec.Backing = "api-only: image " + im.ImageID + " has no backing reference"
	default:
		rec.Backing = "machine"
		rec.BackingRef = im.BackingRef
		spec = &MachineSpec{InstanceID: id, BackingRef: im.BackingRef, LoginUser: im.LoginUser,
			AuthorizedKeys: append([]string(nil), plan.authKeys...), Password: plan.password, UserData: plan.userData,
			Region: rc.region, ImageID: im.ImageID}
	}
	for _, k := range plan.keyIDs {
		kp := rs.KeyPairs[k].KeyPair
		kp.AssociatedInstanceIds = append(kp.AssociatedInstanceIds, sp(id))
	}
	rs.Instances[id] = rec
	startOperation(rec, "RunInstances", rc.requestID, "")
	region := rc.region
	s.async(s.opts.Delays.Launch, func(ctx context.Context) { s.finishLaunch(ctx, region, id, spec, "") })
	return id
}

// finishLaunch launches the backing machine (outside the lock) and moves the instance to
// RUNNING, or LAUNCH_FAILED when the machine cannot be launched. newImage is set by ResetInstance.
func (s *Server) finishLaunch(ctx context.Context, region, id string, spec *MachineSpec, newImage string) {
	var m Machine
	var err error
	addr := ""
	if spec != nil {
		m, err = s.opts.Backend.Launch(ctx, *spec)
		if err == nil {
			addr = m.Address()
		}
	}
	s.mu.Lock()
	rs := s.world.Regions[region]
	rec, ok := rs.Instances[id]
	if !ok {
		s.mu.Unlock()
		s.destroyMachine(id, m)
		return
	}
	defer s.mu.Unlock()
	if newImage != "" {
		if im, ok := rs.Images[newImage]; ok {
			rec.Instance.ImageId, rec.Instance.OsName, rec.Instance.DefaultLoginUser = sp(im.ImageID), sp(im.OsName), sp(im.LoginUser)
		}
	}
	if err != nil {
		rec.Instance.InstanceState = sp("LAUNCH_FAILED")
		rec.Backing = "api-only: launch failed: " + err.Error()
		finishOperation(rec, "launch backing machine: "+err.Error())
		s.persistLocked()
		return
	}
	if m != nil {
		rec.machine = m
		rec.Instance.PrivateIpAddresses = []*string{sp(addr)}
		rec.Instance.PublicIpAddresses = []*string{sp(addr)}
	}
	rec.Instance.InstanceState = sp("RUNNING")
	finishOperation(rec, "")
	s.persistLocked()
}
