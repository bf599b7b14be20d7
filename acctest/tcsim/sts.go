package tcsim

import (
	"regexp"
	"time"
)

// assumeRoleParams mirrors sts/v20180813 AssumeRoleRequestParams (the sts module is not a
// dependency of this project, so the shape is written out here).
type assumeRoleParams struct {
	RoleArn         *string `json:"RoleArn"`
	RoleSessionName *string `json:"RoleSessionName"`
	DurationSeconds *uint64 `json:"DurationSeconds"`
	Policy          *string `json:"Policy"`
	ExternalId      *string `json:"ExternalId"`
	Tags            []Tag   `json:"Tags"`
	SourceIdentity  *string `json:"SourceIdentity"`
}

var (
	roleArnRE     = regexp.MustCompile(`^qcs::cam::uin/[0-9]+:role(Name)?/[\w+=,.@-]{1,128}$`)
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)
)

// assumeRole issues temporary credentials that tcsim then accepts (with X-TC-Token) until
// they expire.
func (s *Server) assumeRole(rc *reqCtx) (any, *APIError) {
	var p assumeRoleParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	arn, session := str(p.RoleArn), str(p.RoleSessionName)
	if arn == "" {
		return nil, missingParam("RoleArn")
	}
	if !roleArnRE.MatchString(arn) {
		return nil, apiErr("InvalidParameter.RoleArnNotValid", "The RoleArn `%s` is not valid; use qcs::cam::uin/<uin>:roleName/<name>.", arn)
	}
	if session == "" {
		return nil, missingParam("RoleSessionName")
	}
	if !sessionNameRE.MatchString(session) {
		return nil, invalidValue("RoleSessionName", session, "use 2-128 characters of letters, digits and +=,.@-_")
	}
	d := uint64(7200)
	if p.DurationSeconds != nil {
		d = *p.DurationSeconds
	}
	if d < 1 || d > 43200 {
		return nil, invalidValue("DurationSeconds", d, "must be between 1 and 43200")
	}
	t := s.creds.issue(rc.now, time.Duration(d)*time.Second, "sts:"+arn)
	return map[string]any{
		"Credentials": map[string]string{"Token": t.Token, "TmpSecretId": t.SecretID, "TmpSecretKey": t.SecretKey},
		"ExpiredTime": t.Expires.Unix(),
		"Expiration":  t.Expires.UTC().Format(time.RFC3339),
	}, nil
}
