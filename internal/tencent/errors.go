package tencent

import (
	"errors"
	"strings"
)

// Cause is the kind of failure behind an error of this package, so callers
// can title it by what went wrong and name the setting that fixes it
// instead of reporting every failed lookup as "not found".
type Cause int

const (
	// CauseOther is anything not classified below (network, throttling, ...).
	CauseOther Cause = iota
	// CauseNotFound: the resource does not exist in the region.
	CauseNotFound
	// CauseSecretID: the API does not know the SecretId.
	CauseSecretID
	// CauseSecretKey: the signature does not verify (wrong SecretKey).
	CauseSecretKey
	// CauseToken: the temporary credential's token is invalid or expired.
	CauseToken
	// CauseClock: the request timestamp is too far from the server's clock.
	CauseClock
	// CauseAuth: any other authentication or authorisation failure.
	CauseAuth
	// CauseRegion: the region does not exist or does not offer the service.
	CauseRegion
)

// CauseOf classifies err. Codes follow the Tencent Cloud API 3.0 common
// error codes.
func CauseOf(err error) Cause {
	if err == nil {
		return CauseOther
	}
	var nf *NotFoundError
	if errors.As(err, &nf) || IsNotFound(err) {
		return CauseNotFound
	}
	switch code := ErrorCode(err); {
	case code == "AuthFailure.SecretIdNotFound":
		return CauseSecretID
	case code == "AuthFailure.SignatureFailure":
		return CauseSecretKey
	case code == "AuthFailure.TokenFailure" || code == "AuthFailure.InvalidAuthorization" && strings.Contains(strings.ToLower(err.Error()), "token"):
		return CauseToken
	case code == "AuthFailure.SignatureExpire":
		return CauseClock
	case strings.HasPrefix(code, "AuthFailure") || code == "UnauthorizedOperation":
		return CauseAuth
	case code == "UnsupportedRegion" || code == "InvalidRegion" || strings.HasPrefix(code, "InvalidParameterValue.Region"):
		return CauseRegion
	}
	return CauseOther
}
