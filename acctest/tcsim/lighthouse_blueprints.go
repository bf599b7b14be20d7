package tcsim

import (
	"regexp"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// lhTextLimit is the length limit of blueprint names and descriptions.
const lhTextLimit = 60

func lhTooLong(field, v string) *APIError {
	if n := len([]rune(v)); n > lhTextLimit {
		return apiErr("InvalidParameterValue.TooLong", "The parameter `%s` is longer than %d characters (%d).", field, lhTextLimit, n)
	}
	return nil
}

// lhPrivateBlueprint finds one of the account's own blueprints.
func lhPrivateBlueprint(rc *reqCtx, lh *lhState, id string) (*lhBlueprintRec, *APIError) {
	if id == "" {
		return nil, missingParam("BlueprintId")
	}
	if e := lhBlueprintIDs.check(id); e != nil {
		return nil, e
	}
	b, ok := lh.Blueprints[id]
	if !ok {
		return nil, errLHNotFound("ResourceNotFound.BlueprintIdNotFound", "blueprint", id, rc.region)
	}
	if str(b.Blueprint.BlueprintType) != "PRIVATE" {
		return nil, apiErr("ResourceNotFound.PrivateBlueprintNotFound", "The blueprint `%s` is a %s blueprint, not one of the account's own (PRIVATE).", id, str(b.Blueprint.BlueprintType))
	}
	return b, nil
}

func (s *Server) lhModifyBlueprintAttribute(rc *reqCtx) (any, *APIError) {
	var p lighthouse.ModifyBlueprintAttributeRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	if p.BlueprintName == nil && p.Description == nil {
		return nil, apiErr("InvalidParameter.MustSpecifyOneAttributeToModify", "Set BlueprintName or Description.")
	}
	if e := lhTooLong("BlueprintName", str(p.BlueprintName)); e != nil {
		return nil, e
	}
	if e := lhTooLong("Description", str(p.Description)); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := lhPrivateBlueprint(rc, s.lh(rc), str(p.BlueprintId))
	if e != nil {
		return nil, e
	}
	if st := str(b.Blueprint.BlueprintState); st != "NORMAL" {
		return nil, apiErr("UnsupportedOperation.BlueprintCurStateInvalid", "The blueprint `%s` is %s; only NORMAL blueprints can be modified.", str(p.BlueprintId), st)
	}
	if p.BlueprintName != nil {
		b.Blueprint.BlueprintName, b.Blueprint.DisplayTitle = sp(*p.BlueprintName), sp(*p.BlueprintName)
	}
	if p.Description != nil {
		b.Blueprint.Description = sp(*p.Description)
	}
	return nil, nil
}

var uinRE = regexp.MustCompile(`^[1-9][0-9]{4,15}$`)

// lhShareBlueprint shares a NORMAL private blueprint with other accounts (at most 10 in all).
func (s *Server) lhShareBlueprint(rc *reqCtx) (any, *APIError) {
	var p lighthouse.ShareBlueprintAcrossAccountsRequestParams
	if e := rc.decode(&p); e != nil {
		return nil, e
	}
	accounts := strs(p.AccountIds)
	if len(accounts) == 0 {
		return nil, missingParam("AccountIds")
	}
	for _, a := range accounts {
		switch {
		case !uinRE.MatchString(a):
			return nil, apiErr("InvalidParameterValue.AccountIdsNotExist", "The account `%s` does not exist; account ids are the numeric UIN of the root account.", a)
		case a == s.opts.OwnerUin:
			return nil, apiErr("InvalidParameterValue.AccountIdSameWithUin", "The account `%s` is the blueprint's own account.", a)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, e := lhPrivateBlueprint(rc, s.lh(rc), str(p.BlueprintId))
	if e != nil {
		return nil, e
	}
	if st := str(b.Blueprint.BlueprintState); st != "NORMAL" {
		return nil, apiErr("InvalidParameterValue.InvalidBlueprintState", "The blueprint `%s` is %s; only NORMAL blueprints can be shared.", str(p.BlueprintId), st)
	}
	for _, a := range accounts {
		if contains(b.SharedAccounts, a) {
			return nil, apiErr("UnsupportedOperation.BlueprintAlreadyShared", "The blueprint `%s` is already shared with `%s`.", str(p.BlueprintId), a)
		}
	}
	if n := len(b.SharedAccounts) + len(accounts); n > 10 {
		return nil, apiErr("LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded", "A blueprint can be shared with at most 10 accounts; this would make %d.", n)
	}
	b.SharedAccounts = append(b.SharedAccounts, accounts...)
	b.Blueprint.BlueprintShared = bp(true)
	return nil, nil
}
