package tcsim

import (
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// instanceAttributes are the names DescribeInstancesAttributes' Attributes accepts.
var instanceAttributes = []string{"UserData"}

func (s *Server) describeInstancesAttributes(rc *reqCtx) (any, *APIError) {
	var p cvm.DescribeInstancesAttributesRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if len(p.Attributes) == 0 {
		return nil, missingParam("Attributes")
	}
	for _, a := range strs(p.Attributes) {
		if !contains(instanceAttributes, a) {
			return nil, invalidValue("Attributes", a, "use UserData")
		}
	}
	ids := strs(p.InstanceIds)
	for _, id := range ids {
		// This action documents its own code for a malformed id, unlike DescribeInstances.
		if !validID("ins", id) {
			return nil, apiErr("InvalidParameterValue.InstanceIdMalformed", "The instance id `%s` is malformed; instance ids look like ins-xxxxxxxx.", id)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, e := lookupInstances(s.region(rc), rc.region, ids)
	if e != nil {
		return nil, e
	}
	set := make([]*cvm.InstanceAttribute, 0, len(recs))
	for _, rec := range recs {
		// UserData is answered as RunInstances received it: base64, "" when none was given.
		set = append(set, &cvm.InstanceAttribute{InstanceId: rec.Instance.InstanceId, Attributes: &cvm.Attribute{UserData: sp(rec.UserData)}})
	}
	return rawJSON(map[string]any{"InstanceSet": set}), nil
}
