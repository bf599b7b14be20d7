package tcsim

import cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"

// inRegion is the opening that handlers acting on one region's resources share: decode the
// request into a P (UnknownParameter and type errors as the real API answers them), run
// check on it (validation that needs no state; nil for none), then run fn under s.mu with the
// request's region. Keeping the order in one place keeps the error precedence the same in
// every action: malformed request, then bad parameters, then missing resources.
func inRegion[P any](s *Server, rc *reqCtx, check func(*P) *APIError, fn func(*P, *regionState) (any, *APIError)) (any, *APIError) {
	var p P
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if check != nil {
		if e := check(&p); e != nil {
			return nil, e
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(&p, s.region(rc))
}

// lookup finds the record id names in one of the region's maps: a missing id is
// MissingParameter naming field, an unknown one ResourceNotFound naming what it is (the VPC
// API's codes; CVM instances use lookupInstances).
func lookup[R any](m map[string]R, field, what, id string) (R, *APIError) {
	var zero R
	if id == "" {
		return zero, missingParam(field)
	}
	rec, ok := m[id]
	if !ok {
		return zero, apiErr("ResourceNotFound", "The %s `%s` does not exist.", what, id)
	}
	return rec, nil
}

// idKind is one kind of CVM resource id, with the error code the real API answers a
// malformed one with.
type idKind struct{ prefix, what, malformed string }

var (
	imageIDs    = idKind{prefix: "img", what: "image", malformed: "InvalidImageId.Malformed"}
	instanceIDs = idKind{prefix: "ins", what: "instance", malformed: "InvalidInstanceId.Malformed"}
)

// check rejects an id of the wrong shape, saying what the right shape is.
func (k idKind) check(id string) *APIError {
	if !validID(k.prefix, id) {
		return apiErr(k.malformed, "The %s id `%s` is malformed; %s ids look like %s-xxxxxxxx.", k.what, id, k.what, k.prefix)
	}
	return nil
}

// checkList is the id-list check of CVM actions: at most 100 ids in param, each well-formed.
func (k idKind) checkList(param string, ids []string) *APIError {
	if len(ids) > 100 {
		return apiErr("InvalidParameterValue.LimitExceeded", "At most 100 %s are allowed per request, got %d.", param, len(ids))
	}
	for _, id := range ids {
		if e := k.check(id); e != nil {
			return e
		}
	}
	return nil
}

// listQuery is the front of the CVM Describe* actions that take an id list or Filters:
// not both (coexist is the code the action answers that with), the id list checked, and the
// filters limited to the allowed names.
func (k idKind) listQuery(param, coexist string, ids []*string, filters []*cvm.Filter, allowed ...string) ([]string, filterSet, *APIError) {
	if len(ids) > 0 && len(filters) > 0 {
		return nil, nil, apiErr(coexist, "The parameters `%s` and `Filters` cannot be specified at the same time.", param)
	}
	list := strs(ids)
	if e := k.checkList(param, list); e != nil {
		return nil, nil, e
	}
	fs, e := parseFilters(filters, allowed...)
	return list, fs, e
}
