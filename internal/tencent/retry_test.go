package tencent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
)

func TestRetryableTable(t *testing.T) {
	cases := []struct {
		code string
		kind opKind
		want bool
	}{
		{"RequestLimitExceeded", opMutation, true},
		{"RequestLimitExceeded.UinLimitExceeded", opMutation, true},
		{"InternalError", opMutation, false},
		{"InternalError", opIdempotent, true},
		{"InternalError.TradeUnknownError", opIdempotent, true},
		{"ClientError.NetworkError", opMutation, false},
		{"ClientError.NetworkError", opIdempotent, true},
		{"ClientError.HttpStatusCodeError", opDelete, true},
		{"ClientError.ParseJsonError", opIdempotent, true},
		{"ResourceInUse", opIdempotent, false},
		{"ResourceInUse", opDelete, true},
		{"ResourceBusy", opMutation, true},
		{"OperationDenied.InstanceOperationInProgress", opMutation, true},
		{"OperationDenied.InstanceOperationInProgress", opMutation | opAfterOperation, false},
		{"RequestLimitExceeded", opIdempotent | opAfterOperation, true},
		{"InternalError", opIdempotent | opAfterOperation, true},
		{"AuthFailure.SignatureFailure", opIdempotent, false},
		{"AuthFailure.TokenFailure", opDelete, false},
		{"InvalidParameterValue", opIdempotent, false},
		{"InvalidImageId.NotFound", opDelete, false},
		{"UnauthorizedOperation", opIdempotent, false},
	}
	for _, tc := range cases {
		if got := retryable(tc.code, tc.kind); got != tc.want {
			t.Errorf("retryable(%s, %d) = %v, want %v", tc.code, tc.kind, got, tc.want)
		}
	}
}

func TestBackoffIsBoundedJitteredAndGrows(t *testing.T) {
	c := &Client{cfg: Config{RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: 2 * time.Second}}
	for attempt := 0; attempt < 40; attempt++ {
		ceil := min(100*time.Millisecond<<min(attempt, 20), 2*time.Second)
		seen := map[time.Duration]bool{}
		for i := 0; i < 200; i++ {
			d := c.backoff(attempt)
			if d < 50*time.Millisecond || d > ceil {
				t.Fatalf("attempt %d: backoff %s outside [50ms, %s]", attempt, d, ceil)
			}
			seen[d] = true
		}
		if len(seen) < 50 {
			t.Fatalf("attempt %d: only %d distinct delays; backoff is not jittered", attempt, len(seen))
		}
	}
}

func TestCredentialRefreshFailureKeepsValidCredentials(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	calls := 0
	fail := false
	c := &credential{source: "test", now: func() time.Time { return now }, log: hclogNull()}
	c.refresh = func(context.Context) (tempCreds, error) {
		calls++
		if fail {
			return tempCreds{}, errors.New("metadata unreachable")
		}
		return tempCreds{id: fmt.Sprint("id", calls), key: "k", token: "t", expires: now.Add(time.Hour)}, nil
	}
	ctx := context.Background()
	if err := c.ensure(ctx); err != nil || c.GetSecretId() != "id1" {
		t.Fatalf("first fetch: %v", err)
	}
	now = now.Add(50 * time.Minute) // not yet due
	if err := c.ensure(ctx); err != nil || calls != 1 {
		t.Fatalf("refreshed too early (calls %d, err %v)", calls, err)
	}
	now = now.Add(6 * time.Minute) // due: 4 minutes left
	fail = true
	if err := c.ensure(ctx); err != nil || c.GetSecretId() != "id1" {
		t.Fatalf("a failed refresh with valid credentials must keep them: %v", err)
	}
	now = now.Add(5 * time.Minute) // expired
	if err := c.ensure(ctx); err == nil || !strings.Contains(err.Error(), "metadata unreachable") {
		t.Fatalf("expired credentials and a failed refresh must fail: %v", err)
	}
	fail = false
	if err := c.ensure(ctx); err != nil || c.GetSecretId() != fmt.Sprint("id", calls) {
		t.Fatalf("recovery: %v", err)
	}
}

func hclogNull() hclog.Logger { return hclog.NewNullLogger() }
