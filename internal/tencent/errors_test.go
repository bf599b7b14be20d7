package tencent

import (
	"errors"
	"fmt"
	"testing"
)

func TestCauseOf(t *testing.T) {
	api := func(code string) error {
		return fmt.Errorf("describe images: %w", &APIError{Action: "DescribeImages", Region: "ap-guangzhou", Code: code})
	}
	cases := []struct {
		name string
		err  error
		want Cause
	}{
		{"nil", nil, CauseOther},
		{"not found error", &NotFoundError{Kind: "image", ID: "img-1", Region: "ap-guangzhou"}, CauseNotFound},
		{"not found code", api("InvalidImageId.NotFound"), CauseNotFound},
		{"secret id", api("AuthFailure.SecretIdNotFound"), CauseSecretID},
		{"signature", api("AuthFailure.SignatureFailure"), CauseSecretKey},
		{"token", api("AuthFailure.TokenFailure"), CauseToken},
		{"clock", api("AuthFailure.SignatureExpire"), CauseClock},
		{"unauthorized", api("UnauthorizedOperation"), CauseAuth},
		{"other auth", api("AuthFailure.MFAFailure"), CauseAuth},
		{"region", api("UnsupportedRegion"), CauseRegion},
		{"invalid region", api("InvalidRegion"), CauseRegion},
		{"throttled", api("RequestLimitExceeded"), CauseOther},
		{"plain", errors.New("connection refused"), CauseOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CauseOf(tc.err); got != tc.want {
				t.Fatalf("CauseOf(%v) = %d, want %d", tc.err, got, tc.want)
			}
		})
	}
}
