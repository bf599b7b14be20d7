package tcsim

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// lhPeriods are the months CreateInstances accepts for InstanceChargePrepaid.Period.
var lhPeriods = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36, 48, 60}

// lhLaunch is what CreateInstances validated, shared by every instance it creates.
type lhLaunch struct {
	bundle    lhBundle
	blueprint *lhBlueprintRec
	zones     []string
	name      string
	months    int64
	renew     string
	password  string
	keyIDs    []string
	authKeys  []string
	tags      []*lighthouse.Tag
}

func (s *Server) lhCreateInstances(rc *reqCtx) (any, *APIError) {
	var p lighthouse.CreateInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	plan, e := lhPlanStatic(rc, &p)
	if e != nil {
		return nil, e
	}
	count := uint64(1)
	if p.InstanceCount != nil {
		count = *p.InstanceCount
	}
	if count < 1 || count > 30 {
		return nil, apiErr("InvalidParameterValue.OutOfRange", "The value `%d` of the parameter `InstanceCount` is out of range: it must be between 1 and 30.", count)
	}
	token := str(p.ClientToken)
	if len(token) > 64 {
		return nil, apiErr("InvalidParameterValue.ClientTokenTooLong", "The parameter `ClientToken` must be at most 64 ASCII characters, got %d.", len(token))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	if ids, ok := lh.ClientTokens[token]; ok && token != "" {
		// Idempotent replay: the same answer, nothing new created.
		return map[string]any{"InstanceIdSet": ids}, nil
	}
	if e := lhPlanState(rc, lh, &p, plan); e != nil {
		return nil, e
	}
	if p.DryRun != nil && *p.DryRun {
		// The real API answers a passing dry run with just a RequestId.
		return map[string]any{}, nil
	}
	ids := make([]string, 0, count)
	for i := uint64(0); i < count; i++ {
		ids = append(ids, s.lhCreateInstance(rc, lh, plan, plan.zones[int(i)%len(plan.zones)]))
	}
	if token != "" {
		lh.ClientTokens[token] = ids
	}
	return map[string]any{"InstanceIdSet": ids}, nil
}

// lhPlanStatic checks everything CreateInstances can check without state.
func lhPlanStatic(rc *reqCtx, p *lighthouse.CreateInstancesRequestParams) (*lhLaunch, *APIError) {
	plan := &lhLaunch{renew: "NOTIFY_AND_MANUAL_RENEW"}
	if str(p.BundleId) == "" {
		return nil, missingParam("BundleId")
	}
	if str(p.BlueprintId) == "" {
		return nil, missingParam("BlueprintId")
	}
	if e := lhBlueprintIDs.check(str(p.BlueprintId)); e != nil {
		return nil, e
	}
	b, ok := lookupBundle(str(p.BundleId))
	if !ok {
		return nil, apiErr("InvalidParameter.BundleIdNotFound", "The bundle `%s` does not exist; DescribeBundles lists the bundles.", str(p.BundleId))
	}
	plan.bundle = b
	cp := p.InstanceChargePrepaid
	if cp == nil || cp.Period == nil {
		return nil, missingParam("InstanceChargePrepaid.Period")
	}
	plan.months = *cp.Period
	if !containsInt(lhPeriods, plan.months) {
		return nil, apiErr("InvalidParameterValue.OutOfRange", "The value `%d` of the parameter `InstanceChargePrepaid.Period` is out of range: use 1-12, 24, 36, 48 or 60 months.", plan.months)
	}
	if rf := str(cp.RenewFlag); rf != "" {
		if rf != "NOTIFY_AND_AUTO_RENEW" && rf != "NOTIFY_AND_MANUAL_RENEW" {
			return nil, invalidValue("InstanceChargePrepaid.RenewFlag", rf, "use NOTIFY_AND_AUTO_RENEW or NOTIFY_AND_MANUAL_RENEW")
		}
		plan.renew = rf
	}
	plan.name = str(p.InstanceName)
	if plan.name == "" {
		plan.name = "未命名"
	}
	if n := len([]rune(plan.name)); n > 60 {
		return nil, apiErr("InvalidParameterValue.InstanceNameTooLong", "The parameter `InstanceName` must be at most 60 characters, got %d.", n)
	}
	for i, z := range strs(p.Zones) {
		if !validZone(rc.region, z) {
			return nil, apiErr("InvalidParameterValue.ZoneInvalid", "The zone `%s` in Zones.%d is not a zone of %s; DescribeZones lists them.", z, i, rc.region)
		}
		plan.zones = append(plan.zones, z)
	}
	if len(plan.zones) == 0 {
		// "Random zone" in the real API; a fixed one keeps tests reproducible.
		plan.zones = []string{rc.region + "-3"}
	}
	if len(p.Tags) > 10 {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most 10 Tags are allowed, got %d.", len(p.Tags))
	}
	for i, t := range p.Tags {
		if t == nil || str(t.Key) == "" {
			return nil, missingParam(fmt.Sprintf("Tags.%d.Key", i))
		}
		if len(str(t.Key)) > 127 || len(str(t.Value)) > 255 {
			return nil, apiErr("InvalidParameterValue.TooLong", "Tag key must be ≤ 127 and value ≤ 255 characters (key %q).", str(t.Key))
		}
		plan.tags = append(plan.tags, &lighthouse.Tag{Key: sp(str(t.Key)), Value: sp(str(t.Value))})
	}
	return plan, lhPlanLogin(p.LoginConfiguration, plan)
}

func lhPlanLogin(lc *lighthouse.LoginConfiguration, plan *lhLaunch) *APIError {
	if lc == nil {
		return nil
	}
	plan.password = str(lc.Password)
	plan.keyIDs = strs(lc.KeyIds)
	switch auto := str(lc.AutoGeneratePassword); auto {
	case "", "YES":
		if plan.password != "" && auto == "YES" {
			return apiErr("InvalidParameterValue.InvalidParameterCombination", "LoginConfiguration.Password cannot be set when LoginConfiguration.AutoGeneratePassword is YES.")
		}
	case "NO":
		if plan.password == "" && len(plan.keyIDs) == 0 {
			return missingParam("LoginConfiguration.Password")
		}
	default:
		return invalidValue("LoginConfiguration.AutoGeneratePassword", auto, "use YES or NO")
	}
	if plan.password != "" && len(plan.keyIDs) > 0 {
		return apiErr("InvalidParameterValue.InvalidParameterCombination", "LoginConfiguration.Password and LoginConfiguration.KeyIds cannot be specified together.")
	}
	if len(plan.keyIDs) > 5 {
		return apiErr("InvalidParameterValue.LimitExceeded", "At most 5 LoginConfiguration.KeyIds are allowed, got %d.", len(plan.keyIDs))
	}
	for _, k := range plan.keyIDs {
		if !validID("lhkp", k) {
			return apiErr("InvalidParameterValue.KeyPairIdMalformed", "The key pair id `%s` is malformed; key pair ids look like lhkp-xxxxxxxx.", k)
		}
	}
	return nil
}

// lhPlanState checks what needs the region's state: blueprint, bundle fit, key pairs.
func lhPlanState(rc *reqCtx, lh *lhState, p *lighthouse.CreateInstancesRequestParams, plan *lhLaunch) *APIError {
	id := str(p.BlueprintId)
	bp, ok := lh.Blueprints[id]
	if !ok {
		return errLHNotFound("ResourceNotFound.BlueprintIdNotFound", "blueprint", id, rc.region)
	}
	if st := str(bp.Blueprint.BlueprintState); st != "NORMAL" {
		return apiErr("ResourceUnavailable.BlueprintUnavailable", "The blueprint `%s` is %s; instances can only be created from NORMAL blueprints.", id, st)
	}
	plan.blueprint = bp
	b := plan.bundle
	windows := str(bp.Blueprint.PlatformType) == "WINDOWS"
	if (windows && !b.windows) || (!windows && !b.linux) {
		return apiErr("InvalidParameterValue.BundleNotSupportBlueprintPlatform", "The bundle `%s` does not support %s blueprints such as `%s`; pick a bundle whose DescribeBundles entry supports that platform.", b.id, str(bp.Blueprint.PlatformType), id)
	}
	if need := *bp.Blueprint.RequiredMemorySize; need > b.memory {
		return apiErr("InvalidParameterValue.BundleAndBlueprintNotMatch", "The blueprint `%s` needs %d GB of memory; the bundle `%s` has %d GB.", id, need, b.id, b.memory)
	}
	if need := *bp.Blueprint.RequiredSystemDiskSize; need > b.disk {
		return apiErr("InvalidParameterValue.BundleAndBlueprintNotMatch", "The blueprint `%s` needs a %d GB system disk; the bundle `%s` has %d GB.", id, need, b.id, b.disk)
	}
	if windows && len(plan.keyIDs) > 0 {
		return apiErr("UnsupportedOperation.WindowsNotSupportKeyPair", "Key pairs cannot be used with the Windows blueprint `%s`.", id)
	}
	if plan.password != "" {
		if e := lhCheckPassword(plan.password, windows); e != nil {
			return e
		}
	}
	for _, k := range plan.keyIDs {
		kp, ok := lh.KeyPairs[k]
		if !ok {
			return errLHNotFound("ResourceNotFound.KeyPairNotFound", "key pair", k, rc.region)
		}
		plan.authKeys = append(plan.authKeys, str(kp.KeyPair.PublicKey))
	}
	return nil
}

// lhCheckPassword applies the documented rules: 8-30 characters on Linux, 12-30 on Windows,
// no spaces, not starting with "/", three of the four character classes.
func lhCheckPassword(pw string, windows bool) *APIError {
	minLen := 8
	if windows {
		minLen = 12
	}
	classes := 0
	for _, re := range passwordClasses {
		if re.MatchString(pw) {
			classes++
		}
	}
	if len(pw) < minLen || len(pw) > 30 || strings.ContainsRune(pw, ' ') || strings.HasPrefix(pw, "/") || classes < 3 {
		return apiErr("InvalidParameterValue.InvalidPassword", "The password must be %d-30 characters without spaces, must not start with \"/\" and must contain at least three of: lower case, upper case, digits, special characters.", minLen)
	}
	return nil
}

func containsInt(list []int64, v int64) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// lhCreateInstance records one PENDING instance and schedules its launch; caller holds s.mu.
func (s *Server) lhCreateInstance(rc *reqCtx, lh *lhState, plan *lhLaunch, zone string) string {
	id := newID("lhins")
	blue := plan.blueprint.Blueprint
	b := plan.bundle
	s.world.NextIP++
	n := s.world.NextIP
	in := &lighthouse.Instance{
		InstanceId:         sp(id),
		BundleId:           sp(b.id),
		BlueprintId:        blue.BlueprintId,
		CPU:                ip64(b.cpu),
		Memory:             ip64(b.memory),
		InstanceName:       sp(plan.name),
		InstanceChargeType: sp("PREPAID"),
		SystemDisk:         &lighthouse.SystemDisk{DiskType: sp("CLOUD_SSD"), DiskSize: ip64(b.disk), DiskId: sp(newID("lhdisk"))},
		PrivateAddresses:   []*string{sp(fmt.Sprintf("10.0.%d.%d", (n/250)%250, n%250+2))},
		// 198.18.0.0/15 is reserved for testing: API-only instances never receive traffic,
		// backed ones get the machine's address instead.
		PublicAddresses:       []*string{sp(fmt.Sprintf("198.18.%d.%d", (n/250)%250, n%250+2))},
		InternetAccessible:    &lighthouse.InternetAccessible{InternetChargeType: sp("TRAFFIC_POSTPAID_BY_HOUR"), InternetMaxBandwidthOut: ip64(int64(b.bandwidth)), PublicIpAssigned: bp(true)},
		RenewFlag:             sp(plan.renew),
		LoginSettings:         &lighthouse.LoginSettings{KeyIds: sps(plan.keyIDs)},
		InstanceState:         sp("PENDING"),
		Uuid:                  sp(newRequestID()),
		CreatedTime:           sp(timestamp(rc)),
		ExpiredTime:           sp(rc.now.UTC().AddDate(0, int(plan.months), 0).Format("2006-01-02T15:04:05Z")),
		PlatformType:          blue.PlatformType,
		Platform:              blue.Platform,
		OsName:                blue.OsName,
		Zone:                  sp(zone),
		Tags:                  append([]*lighthouse.Tag{}, plan.tags...),
		InstanceRestrictState: sp("NORMAL"),
		PublicIpv6Addresses:   []*string{},
	}
	rec := &lhInstanceRec{Instance: in, Password: plan.password, Seq: s.world.next(), Firewall: lhDefaultFirewall()}
	var spec *MachineSpec
	switch {
	case s.opts.Backend == nil:
		rec.Backing = "api-only: tcsim runs without a machine backend"
	case plan.blueprint.BackingRef == "":
		rec.Backing = "api-only: blueprint " + str(blue.BlueprintId) + " has no backing reference"
	default:
		rec.Backing, rec.BackingRef = "machine", plan.blueprint.BackingRef
		spec = &MachineSpec{InstanceID: id, BackingRef: plan.blueprint.BackingRef, LoginUser: plan.blueprint.LoginUser,
			AuthorizedKeys: append([]string(nil), plan.authKeys...), Password: plan.password, Region: rc.region, ImageID: str(blue.BlueprintId)}
	}
	for _, k := range plan.keyIDs {
		kp := lh.KeyPairs[k].KeyPair
		kp.AssociatedInstanceIds = append(kp.AssociatedInstanceIds, sp(id))
	}
	lh.Instances[id] = rec
	lhStartOperation(rec, "CreateInstances", rc, "")
	region := rc.region
	s.async(s.opts.Delays.Launch, func(ctx context.Context) { s.lhFinishLaunch(ctx, region, id, spec) })
	return id
}

func lhStartOperation(rec *lhInstanceRec, op string, rc *reqCtx, newState string) {
	in := rec.Instance
	in.LatestOperation, in.LatestOperationState = sp(op), sp("OPERATING")
	in.LatestOperationRequestId, in.LatestOperationStartedTime = sp(rc.requestID), sp(timestamp(rc))
	if newState != "" {
		in.InstanceState = sp(newState)
	}
}

// lhFinish settles an operation: SUCCESS in state ok, or FAILED in state failed; an empty
// state leaves the instance's state as it is (CreateBlueprint).
func lhFinish(rec *lhInstanceRec, err error, ok, failed string) {
	state, result := ok, "SUCCESS"
	if err != nil {
		state, result = failed, "FAILED"
	}
	if state != "" {
		rec.Instance.InstanceState = sp(state)
	}
	rec.Instance.LatestOperationState = sp(result)
}

// lhFinishLaunch launches the backing machine (outside the lock) and moves the instance to
// RUNNING, or LAUNCH_FAILED when the machine cannot be launched.
func (s *Server) lhFinishLaunch(ctx context.Context, region, id string, spec *MachineSpec) {
	var m Machine
	var err error
	if spec != nil {
		m, err = s.opts.Backend.Launch(ctx, *spec)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lhInstance(region, id)
	if !ok {
		// Terminated while launching: the machine has no instance to back.
		go s.destroyMachine(id, m)
		return
	}
	if err != nil {
		rec.Backing = "api-only: launch failed: " + err.Error()
	} else if m != nil {
		rec.machine = m
		rec.Instance.PrivateAddresses = []*string{sp(m.Address())}
		rec.Instance.PublicAddresses = []*string{sp(m.Address())}
	}
	lhFinish(rec, err, "RUNNING", "LAUNCH_FAILED")
	s.persistLocked()
}

var lhInstanceFilters = []string{"instance-id", "instance-name", "private-ip-address", "public-ip-address", "zone", "instance-state", "bundle-id", "tag-key", "tag-value", "tag:"}

func (s *Server) lhDescribeInstances(rc *reqCtx) (any, *APIError) {
	var p lighthouse.DescribeInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	ids, fs, e := lhListQuery(lhInstanceIDs, "InstanceIds", p.InstanceIds, p.Filters, lhInstanceFilters...)
	if e != nil {
		return nil, e
	}
	order, field := str(p.Order), str(p.OrderField)
	if order != "" && field == "" {
		return nil, apiErr("MissingParameter.OrderFieldRequired", "The parameter `Order` needs `OrderField`.")
	}
	if field != "" && field != "EXPIRED_TIME" {
		return nil, invalidValue("OrderField", field, "use EXPIRED_TIME")
	}
	if order != "" && order != "ASC" && order != "DESC" {
		return nil, invalidValue("Order", order, "use ASC or DESC")
	}
	for _, z := range fs["zone"] {
		if !validZone(rc.region, z) {
			return nil, apiErr("InvalidParameterValue.InvalidZone", "The zone `%s` in the filter `zone` is not a zone of %s.", z, rc.region)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	matched := []*lighthouse.Instance{}
	for _, rec := range s.lh(rc).Instances {
		in := rec.Instance
		if len(ids) > 0 && !contains(ids, str(in.InstanceId)) {
			continue
		}
		if !fs.match("instance-id", str(in.InstanceId)) || !fs.match("instance-name", str(in.InstanceName)) ||
			!fs.match("private-ip-address", strs(in.PrivateAddresses)...) || !fs.match("public-ip-address", strs(in.PublicAddresses)...) ||
			!fs.match("zone", str(in.Zone)) || !fs.match("instance-state", str(in.InstanceState)) ||
			!fs.match("bundle-id", str(in.BundleId)) || !fs.matchTags(lhTags(in.Tags)) {
			continue
		}
		matched = append(matched, in)
	}
	sortLHInstances(matched, field, order)
	start, end, e := lhPage(p.Offset, p.Limit, len(matched))
	if e != nil {
		return nil, e
	}
	return rawJSON(map[string]any{"TotalCount": len(matched), "InstanceSet": matched[start:end]}), nil
}

// sortLHInstances orders as the real API: by ExpiredTime when asked (ASC by default), else
// SHUTDOWN ("待回收") instances first and the rest newest first. Ids break ties, so paging
// is stable.
func sortLHInstances(list []*lighthouse.Instance, field, order string) {
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if field == "EXPIRED_TIME" {
			if ea, eb := str(a.ExpiredTime), str(b.ExpiredTime); ea != eb {
				return (ea < eb) != (order == "DESC")
			}
			return str(a.InstanceId) < str(b.InstanceId)
		}
		if sa, sb := str(a.InstanceState) == "SHUTDOWN", str(b.InstanceState) == "SHUTDOWN"; sa != sb {
			return sa
		}
		if ca, cb := str(a.CreatedTime), str(b.CreatedTime); ca != cb {
			return ca > cb
		}
		return str(a.InstanceId) > str(b.InstanceId)
	})
}

// lhLookupInstances validates a list of instance ids against the region; all or nothing.
func lhLookupInstances(rc *reqCtx, lh *lhState, ids []*string, limit int) ([]*lhInstanceRec, *APIError) {
	return lhLookup(rc, lh.Instances, lhInstanceIDs, "InstanceIds", "ResourceNotFound.InstanceIdNotFound", ids, limit)
}

// lhLookup validates the id list param (present, at most limit, well-formed, no duplicates)
// and finds every id in m; all or nothing, notFound naming the first missing one.
func lhLookup[R any](rc *reqCtx, m map[string]R, k idKind, param, notFound string, ids []*string, limit int) ([]R, *APIError) {
	if len(ids) == 0 {
		return nil, missingParam(param)
	}
	list, e := lhIDList(k, param, ids)
	if e != nil {
		return nil, e
	}
	if len(list) > limit {
		return nil, apiErr("InvalidParameterValue.LimitExceeded", "At most %d %s are allowed per request, got %d.", limit, param, len(list))
	}
	out := make([]R, 0, len(list))
	for _, id := range list {
		rec, ok := m[id]
		if !ok {
			return nil, errLHNotFound(notFound, k.what, id, rc.region)
		}
		out = append(out, rec)
	}
	return out, nil
}

// lhOperable rejects instances still being created, with an operation running, or in a
// state not in allowed, with the codes the Lighthouse API uses for each.
func lhOperable(rec *lhInstanceRec, allowed ...string) *APIError {
	id, state := str(rec.Instance.InstanceId), str(rec.Instance.InstanceState)
	switch {
	case state == "PENDING":
		return apiErr("OperationDenied.InstanceCreating", "The instance `%s` is still being created; retry once it is RUNNING.", id)
	case str(rec.Instance.LatestOperationState) == "OPERATING":
		return apiErr("OperationDenied.InstanceOperationInProgress", "The instance `%s` has an operation in progress (%s); retry later.", id, str(rec.Instance.LatestOperation))
	case !contains(allowed, state):
		return apiErr("UnsupportedOperation.InvalidInstanceState", "The instance `%s` is %s; this operation needs %s.", id, state, strings.Join(allowed, " or "))
	}
	return nil
}

// lhTransition checks every instance (all or nothing) and moves each through via to ok (or
// back to the state it came from when the machine step fails).
func (s *Server) lhTransition(rc *reqCtx, ids []*string, limit int, action, via, ok string, delay time.Duration,
	step func(context.Context, Machine) error, allowed ...string) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, e := lhLookupInstances(rc, s.lh(rc), ids, limit)
	if e != nil {
		return nil, e
	}
	for _, rec := range recs {
		if e := lhOperable(rec, allowed...); e != nil {
			return nil, e
		}
	}
	region := rc.region
	for _, rec := range recs {
		id, from := str(rec.Instance.InstanceId), str(rec.Instance.InstanceState)
		lhStartOperation(rec, action, rc, via)
		s.async(delay, func(ctx context.Context) { s.lhMachineStep(ctx, region, id, step, ok, from) })
	}
	return nil, nil
}

// lhMachineStep runs a backend call for one instance outside the lock, then settles it.
func (s *Server) lhMachineStep(ctx context.Context, region, id string, step func(context.Context, Machine) error, ok, failed string) {
	s.mu.Lock()
	var m Machine
	if r, found := s.lhInstance(region, id); found {
		m = r.machine
	}
	s.mu.Unlock()
	var err error
	if m != nil && step != nil {
		err = step(ctx, m)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, found := s.lhInstance(region, id); found {
		lhFinish(r, err, ok, failed)
		s.persistLocked()
	}
}

// lhIsolateInstances returns instances (退还): RUNNING or STOPPED → SHUTDOWN, the only state
// TerminateInstances accepts. The machine is stopped, not destroyed: isolated instances can
// still be recovered in the real API.
func (s *Server) lhIsolateInstances(rc *reqCtx) (any, *APIError) {
	var p lighthouse.IsolateInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if len(p.InstanceIds) > 20 {
		return nil, apiErr("LimitExceeded.IsolateResourcesLimitExceeded", "At most 20 instances can be isolated per request, got %d.", len(p.InstanceIds))
	}
	return s.lhTransition(rc, p.InstanceIds, 20, "IsolateInstances", "", "SHUTDOWN", s.opts.Delays.Stop,
		func(ctx context.Context, m Machine) error { return m.Stop(ctx) }, "RUNNING", "STOPPED")
}

// lhTerminateInstances destroys SHUTDOWN instances; they disappear from DescribeInstances
// once the machine is gone.
func (s *Server) lhTerminateInstances(rc *reqCtx) (any, *APIError) {
	var p lighthouse.TerminateInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lh := s.lh(rc)
	recs, e := lhLookupInstances(rc, lh, p.InstanceIds, 100)
	if e != nil {
		return nil, e
	}
	for _, rec := range recs {
		if str(rec.Instance.LatestOperationState) == "OPERATING" {
			return nil, apiErr("UnsupportedOperation.LatestOperationUnfinished", "The latest operation (%s) of the instance `%s` has not finished; retry later.", str(rec.Instance.LatestOperation), str(rec.Instance.InstanceId))
		}
		if st := str(rec.Instance.InstanceState); st != "SHUTDOWN" && st != "LAUNCH_FAILED" {
			return nil, apiErr("UnsupportedOperation.InvalidInstanceState", "The instance `%s` is %s; only SHUTDOWN instances can be terminated (IsolateInstances first).", str(rec.Instance.InstanceId), st)
		}
	}
	region := rc.region
	for _, rec := range recs {
		id := str(rec.Instance.InstanceId)
		lhStartOperation(rec, "TerminateInstances", rc, "TERMINATING")
		s.async(s.opts.Delays.Terminate, func(context.Context) {
			s.mu.Lock()
			var m Machine
			if r, ok := s.lhInstance(region, id); ok {
				m, r.machine = r.machine, nil
			}
			s.mu.Unlock()
			s.destroyMachine(id, m)
			s.mu.Lock()
			defer s.mu.Unlock()
			lh := s.world.Regions[region].Lighthouse
			if lh == nil {
				return
			}
			delete(lh.Instances, id)
			for _, kp := range lh.KeyPairs {
				kp.KeyPair.AssociatedInstanceIds = sps(removeString(strs(kp.KeyPair.AssociatedInstanceIds), id))
			}
			s.persistLocked()
		})
	}
	return nil, nil
}
