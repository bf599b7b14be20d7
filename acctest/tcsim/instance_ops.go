package tcsim

import (
	"context"
	"time"

	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// lookupInstances validates a list of instance ids against the region; all or nothing.
func lookupInstances(rs *regionState, region string, ids []string) ([]*instanceRec, *APIError) {
	if len(ids) == 0 {
		return nil, missingParam("InstanceIds")
	}
	if e := instanceIDs.checkList("InstanceIds", ids); e != nil {
		return nil, e
	}
	out := make([]*instanceRec, 0, len(ids))
	for _, id := range ids {
		rec, ok := rs.Instances[id]
		if !ok {
			return nil, apiErr("InvalidInstanceId.NotFound", "The instance `%s` does not exist in %s.", id, region)
		}
		out = append(out, rec)
	}
	return out, nil
}

func (s *Server) terminateInstances(rc *reqCtx) (any, *APIError) {
	return inRegion(s, rc, nil, func(p *cvm.TerminateInstancesRequestParams, rs *regionState) (any, *APIError) {
		recs, e := lookupInstances(rs, rc.region, strs(p.InstanceIds))
		if e != nil {
			return nil, e
		}
		for _, rec := range recs {
			switch str(rec.Instance.InstanceState) {
			case "LAUNCH_FAILED":
				continue
			case "TERMINATING":
				return nil, apiErr("UnsupportedOperation.InstanceStateTerminating", "The instance `%s` is already terminating.", str(rec.Instance.InstanceId))
			}
			if p := rec.Instance.DisableApiTermination; p != nil && *p {
				return nil, apiErr("UnsupportedOperation.InstancesProtected", "The instance `%s` has termination protection (DisableApiTermination) enabled.", str(rec.Instance.InstanceId))
			}
			if e := operable(rec, "RUNNING", "STOPPED"); e != nil {
				return nil, e
			}
		}
		region := rc.region
		for _, rec := range recs {
			id := str(rec.Instance.InstanceId)
			startOperation(rec, "TerminateInstances", rc.requestID, "TERMINATING")
			s.async(s.opts.Delays.Terminate, func(ctx context.Context) {
				s.releaseMachine(region, id)
				s.mu.Lock()
				defer s.mu.Unlock()
				rs := s.world.Regions[region]
				delete(rs.Instances, id)
				for _, kp := range rs.KeyPairs {
					kp.KeyPair.AssociatedInstanceIds = sps(removeString(strs(kp.KeyPair.AssociatedInstanceIds), id))
				}
				s.persistLocked()
			})
		}
		return nil, nil
	})
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

// machineStep runs a backend call for one instance outside the lock and then settles the state.
func (s *Server) machineStep(region, id string, call func(ctx context.Context, m Machine) error, okState, failState string) func(ctx context.Context) {
	return func(ctx context.Context) {
		s.mu.Lock()
		var m Machine
		if r, ok := s.world.Regions[region].Instances[id]; ok {
			m = r.machine
		}
		s.mu.Unlock()
		var err error
		if m != nil {
			err = call(ctx, m)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		r, ok := s.world.Regions[region].Instances[id]
		if !ok {
			return
		}
		if err != nil {
			r.Instance.InstanceState = sp(failState)
			finishOperation(r, err.Error())
		} else {
			r.Instance.InstanceState = sp(okState)
			finishOperation(r, "")
		}
		s.persistLocked()
	}
}

func (s *Server) stopInstances(rc *reqCtx) (any, *APIError) {
	var p cvm.StopInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if st := str(p.StopType); st != "" && st != "SOFT" && st != "HARD" && st != "SOFT_FIRST" {
		return nil, invalidValue("StopType", st, "use SOFT, HARD or SOFT_FIRST")
	}
	if sm := str(p.StoppedMode); sm != "" && sm != "KEEP_CHARGING" && sm != "STOP_CHARGING" {
		return nil, invalidValue("StoppedMode", sm, "use KEEP_CHARGING or STOP_CHARGING")
	}
	return s.powerTransition(rc, strs(p.InstanceIds), "StopInstances", "RUNNING", "STOPPING", "STOPPED", s.opts.Delays.Stop,
		func(ctx context.Context, m Machine) error { return m.Stop(ctx) })
}

func (s *Server) startInstances(rc *reqCtx) (any, *APIError) {
	var p cvm.StartInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	return s.powerTransition(rc, strs(p.InstanceIds), "StartInstances", "STOPPED", "STARTING", "RUNNING", s.opts.Delays.Start,
		func(ctx context.Context, m Machine) error { return m.Start(ctx) })
}

// Rebooter is a Machine that reboots in place (a guest reboot); machines
// without it are rebooted as Stop then Start.
type Rebooter interface {
	Reboot(ctx context.Context) error
}

func (s *Server) rebootInstances(rc *reqCtx) (any, *APIError) {
	var p cvm.RebootInstancesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if st := str(p.StopType); st != "" && st != "SOFT" && st != "HARD" && st != "SOFT_FIRST" {
		return nil, invalidValue("StopType", st, "use SOFT, HARD or SOFT_FIRST")
	}
	return s.powerTransition(rc, strs(p.InstanceIds), "RebootInstances", "RUNNING", "REBOOTING", "RUNNING", s.opts.Delays.Stop,
		func(ctx context.Context, m Machine) error {
			if r, ok := m.(Rebooter); ok {
				return r.Reboot(ctx)
			}
			if err := m.Stop(ctx); err != nil {
				return err
			}
			return m.Start(ctx)
		})
}

// powerTransition moves every named instance from state `from` through `via` to `to` (back to
// `from` if the machine step fails). All instances must be in `from` first, or nothing happens,
// like the real API.
func (s *Server) powerTransition(rc *reqCtx, ids []string, action, from, via, to string, delay time.Duration,
	step func(context.Context, Machine) error) (any, *APIError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, e := lookupInstances(s.region(rc), rc.region, ids)
	if e != nil {
		return nil, e
	}
	for _, rec := range recs {
		if e := operable(rec, from); e != nil {
			return nil, e
		}
	}
	for _, rec := range recs {
		startOperation(rec, action, rc.requestID, via)
		s.async(delay, s.machineStep(rc.region, str(rec.Instance.InstanceId), step, to, from))
	}
	return nil, nil
}

// requireInstanceID is ResetInstance's check: it acts on exactly one instance.
func requireInstanceID(p *cvm.ResetInstanceRequestParams) *APIError {
	if str(p.InstanceId) == "" {
		return missingParam("InstanceId")
	}
	return nil
}

// resetInstance re-images an instance in place: the old machine is destroyed and a new one is
// launched from the new image, exactly like a fresh RunInstances on the same instance id.
func (s *Server) resetInstance(rc *reqCtx) (any, *APIError) {
	return inRegion(s, rc, requireInstanceID, func(p *cvm.ResetInstanceRequestParams, rs *regionState) (any, *APIError) {
		id := str(p.InstanceId)
		recs, e := lookupInstances(rs, rc.region, []string{id})
		if e != nil {
			return nil, e
		}
		rec := recs[0]
		if e := operable(rec, "RUNNING", "STOPPED"); e != nil {
			return nil, e
		}
		imageID := str(p.ImageId)
		if imageID == "" {
			imageID = str(rec.Instance.ImageId)
		}
		im, e := launchImage(rs, rc.region, imageID)
		if e != nil {
			return nil, e
		}
		plan := &launchPlan{}
		if e := s.planLogin(rs, im, p.LoginSettings, plan); e != nil {
			return nil, e
		}
		if p.LoginSettings != nil {
			rec.Instance.LoginSettings = &cvm.LoginSettings{KeyIds: sps(plan.keyIDs)}
			rec.Password = plan.password
		}
		if p.UserData != nil {
			rec.UserData = *p.UserData
		}
		var spec *MachineSpec
		switch {
		case s.opts.Backend == nil:
			rec.Backing = "api-only: tcsim runs without a machine backend"
		case im.BackingRef == "":
			rec.Backing = "api-only: image " + im.ImageID + " has no backing reference"
		default:
			rec.Backing, rec.BackingRef = "machine", im.BackingRef
			spec = &MachineSpec{InstanceID: id, BackingRef: im.BackingRef, LoginUser: im.LoginUser, AuthorizedKeys: plan.authKeys,
				Password: plan.password, UserData: rec.UserData, Region: rc.region, ImageID: im.ImageID}
		}
		startOperation(rec, "ResetInstance", rc.requestID, "REBOOTING")
		region := rc.region
		s.async(s.opts.Delays.Reset, func(ctx context.Context) {
			s.releaseMachine(region, id)
			s.finishLaunch(ctx, region, id, spec, imageID)
		})
		return nil, nil
	})
}

func (s *Server) modifyInstancesAttribute(rc *reqCtx) (any, *APIError) {
	var p cvm.ModifyInstancesAttributeRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.InstanceName == nil && p.SecurityGroups == nil && p.DisableApiTermination == nil && p.UserData == nil && p.HostName == nil && p.CamRoleName == nil {
		return nil, missingParam("InstanceName")
	}
	if p.InstanceName != nil && (len(*p.InstanceName) == 0 || len(*p.InstanceName) > 128) {
		return nil, invalidValue("InstanceName", *p.InstanceName, "must be 1-128 characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.region(rc)
	recs, e := lookupInstances(rs, rc.region, strs(p.InstanceIds))
	if e != nil {
		return nil, e
	}
	for _, sg := range strs(p.SecurityGroups) {
		if _, ok := rs.SecurityGroups[sg]; !ok {
			return nil, apiErr("InvalidSecurityGroupId.NotFound", "The security group `%s` does not exist in %s.", sg, rc.region)
		}
	}
	for _, rec := range recs {
		if st := str(rec.Instance.InstanceState); st == "TERMINATING" || st == "LAUNCH_FAILED" {
			return nil, apiErr("UnsupportedOperation.InstanceState"+stateSuffix(st), "The instance `%s` is %s.", str(rec.Instance.InstanceId), st)
		}
	}
	for _, rec := range recs {
		if p.InstanceName != nil {
			rec.Instance.InstanceName = sp(*p.InstanceName)
		}
		if p.SecurityGroups != nil {
			rec.Instance.SecurityGroupIds = sps(strs(p.SecurityGroups))
		}
		if p.DisableApiTermination != nil {
			rec.Instance.DisableApiTermination = bp(*p.DisableApiTermination)
		}
		if p.UserData != nil {
			rec.UserData = *p.UserData
		}
	}
	return nil, nil
}
