package tencent

import (
	"context"
	"errors"
	"fmt"
	"time"

	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// lhBusyCodes are the Lighthouse refusals that mean "an operation on the instance is still
// running": the request was not applied, so waiting for the operation and trying again is safe.
var lhBusyCodes = []string{"OperationDenied.InstanceCreating", "OperationDenied.InstanceOperationInProgress", "UnsupportedOperation.LatestOperationUnfinished"}

// lhAfterOperations runs call; when the API refuses it because an operation is still running
// on id (a launch can take minutes, far longer than retry backoff), it waits for that
// operation to end and tries again, at most 5 times.
func (c *Client) lhAfterOperations(ctx context.Context, id string, call func() error) error {
	for round := 0; ; round++ {
		err := call()
		if !containsStr(lhBusyCodes, ErrorCode(err)) || round >= 5 {
			return err
		}
		c.log.Debug("waiting for the running lighthouse instance operation before retrying", "instance", id, "round", round+1)
		_, werr := c.WaitLighthouseInstanceOperation(ctx, id, c.cfg.OperationWaitTimeout)
		var wt *WaitTimeoutError
		var nf *NotFoundError
		switch {
		case werr == nil || errors.As(werr, &nf):
		case errors.As(werr, &wt) || ctx.Err() != nil:
			return fmt.Errorf("%w (while waiting to retry after: %v)", werr, err)
		default:
			// The operation ended FAILED: it is no longer running, so retrying is right.
		}
	}
}

// lhInstanceCall runs one Lighthouse instance action on one id, after any running operation.
func (c *Client) lhInstanceCall(ctx context.Context, action, id string, kind opKind, call func(ctx context.Context, ids []*string) error) error {
	return c.lhAfterOperations(ctx, id, func() error {
		return c.do(ctx, action, kind|opAfterOperation, nil, func(ctx context.Context) error {
			return call(ctx, []*string{sp(id)})
		})
	})
}

// TerminateLighthouseInstances destroys instances the way the API requires: a RUNNING or
// STOPPED instance is first returned (IsolateInstances) and waited for until SHUTDOWN, then
// terminated. Instances already gone or terminating count as done. It returns once every
// termination was accepted; wait with WaitLighthouseInstanceState(id, StateTerminated).
func (c *Client) TerminateLighthouseInstances(ctx context.Context, ids ...string) error {
	for _, id := range uniq(ids) {
		if err := c.terminateLighthouseInstance(ctx, id); err != nil {
			return fmt.Errorf("terminate lighthouse instance %s: %w", id, err)
		}
	}
	return nil
}

func (c *Client) terminateLighthouseInstance(ctx context.Context, id string) error {
	in, err := c.GetLighthouseInstance(ctx, id)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return err
	}
	switch in.State {
	case "TERMINATING":
		return nil
	case "SHUTDOWN", "LAUNCH_FAILED":
	default:
		if err := c.IsolateLighthouseInstance(ctx, id); err != nil {
			return err
		}
		if _, err := c.WaitLighthouseInstanceState(ctx, id, "SHUTDOWN", c.cfg.OperationWaitTimeout); err != nil {
			return err
		}
	}
	err = c.lhInstanceCall(ctx, "TerminateInstances", id, opIdempotent, func(ctx context.Context, ids []*string) error {
		req := lighthouse.NewTerminateInstancesRequest()
		req.InstanceIds = ids
		_, err := c.lh.TerminateInstancesWithContext(ctx, req)
		return err
	})
	if ErrorCode(err) == "ResourceNotFound.InstanceIdNotFound" {
		return nil // a retry after an accepted but unanswered call
	}
	return err
}

// IsolateLighthouseInstance returns a RUNNING or STOPPED instance (退还): it goes to SHUTDOWN,
// the only state TerminateLighthouseInstances' TerminateInstances call accepts. An instance
// already SHUTDOWN counts as done.
func (c *Client) IsolateLighthouseInstance(ctx context.Context, id string) error {
	err := c.lhInstanceCall(ctx, "IsolateInstances", id, opMutation, func(ctx context.Context, ids []*string) error {
		req := lighthouse.NewIsolateInstancesRequest()
		req.InstanceIds = ids
		_, err := c.lh.IsolateInstancesWithContext(ctx, req)
		return err
	})
	if ErrorCode(err) == "UnsupportedOperation.InvalidInstanceState" {
		if in, gerr := c.GetLighthouseInstance(ctx, id); gerr == nil && in.State == "SHUTDOWN" {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("isolate lighthouse instance %s: %w", id, err)
	}
	return nil
}

func describeLHOp(in LighthouseInstance) string {
	if in.LatestOperation == "" {
		return in.State
	}
	return fmt.Sprintf("%s, latest operation %s %s", in.State, in.LatestOperation, in.LatestOpState)
}

// WaitLighthouseInstanceState waits until the instance is in want (RUNNING, STOPPED,
// SHUTDOWN, ... or StateTerminated for "gone") with no operation in progress. LAUNCH_FAILED
// and failed operations end the wait early.
func (c *Client) WaitLighthouseInstanceState(ctx context.Context, id, want string, timeout time.Duration) (LighthouseInstance, error) {
	var got LighthouseInstance
	err := c.poll(ctx, timeout, "lighthouse instance", id, want, func(ctx context.Context) (bool, string, error) {
		in, err := c.GetLighthouseInstance(ctx, id)
		var nf *NotFoundError
		if errors.As(err, &nf) {
			if want == StateTerminated {
				return true, "gone", nil
			}
			return false, "not found", fmt.Errorf("lighthouse instance %s disappeared while waiting for %s", id, want)
		}
		if err != nil {
			return false, "", err
		}
		got = in
		last := describeLHOp(in)
		switch {
		case in.State == want && in.LatestOpState != "OPERATING":
			return true, last, nil
		case in.State == "LAUNCH_FAILED" && want != "LAUNCH_FAILED":
			return false, last, fmt.Errorf("lighthouse instance %s failed to launch (%s)", id, last)
		case in.LatestOpState == "FAILED" && in.State != want:
			return false, last, fmt.Errorf("lighthouse instance %s: operation %s failed (state %s)", id, in.LatestOperation, in.State)
		}
		return false, last, nil
	})
	return got, err
}

// WaitLighthouseInstanceOperation waits until the instance's latest operation is no longer
// OPERATING and fails if it ended FAILED.
func (c *Client) WaitLighthouseInstanceOperation(ctx context.Context, id string, timeout time.Duration) (LighthouseInstance, error) {
	var got LighthouseInstance
	err := c.poll(ctx, timeout, "lighthouse instance", id, "done with its latest operation", func(ctx context.Context) (bool, string, error) {
		in, err := c.GetLighthouseInstance(ctx, id)
		if err != nil {
			return false, "", err
		}
		got = in
		switch {
		case in.LatestOpState == "OPERATING" || in.State == "PENDING":
			return false, describeLHOp(in), nil
		case in.LatestOpState == "FAILED":
			return false, describeLHOp(in), fmt.Errorf("lighthouse instance %s: operation %s failed", id, in.LatestOperation)
		}
		return true, describeLHOp(in), nil
	})
	return got, err
}
