package tencent

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// StateTerminated is the pseudo state WaitInstanceState accepts for "gone".
const StateTerminated = "TERMINATED"

// WaitTimeoutError names the resource, the wanted state and the last state seen.
type WaitTimeoutError struct {
	Kind, ID, Want, Last string
	Timeout              time.Duration
}

func (e *WaitTimeoutError) Error() string {
	return fmt.Sprintf("timed out after %s waiting for %s %s to become %s (last state: %s)", e.Timeout, e.Kind, e.ID, e.Want, e.Last)
}

// poll calls check every PollInterval until it reports done, fails, or timeout passes.
func (c *Client) poll(ctx context.Context, timeout time.Duration, kind, id, want string, check func(ctx context.Context) (done bool, last string, err error)) error {
	if timeout <= 0 {
		return fmt.Errorf("wait for %s %s: timeout must be positive", kind, id)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "unknown (not read yet)"
	for {
		done, state, err := check(ctx)
		if state != "" {
			last = state
		}
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
				return &WaitTimeoutError{Kind: kind, ID: id, Want: want, Last: last, Timeout: timeout}
			}
			return err
		}
		if done {
			return nil
		}
		c.log.Trace("waiting", "kind", kind, "id", id, "want", want, "state", last)
		t := time.NewTimer(c.cfg.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return &WaitTimeoutError{Kind: kind, ID: id, Want: want, Last: last, Timeout: timeout}
			}
			return fmt.Errorf("wait for %s %s to become %s (last state %s): %w", kind, id, want, last, ctx.Err())
		case <-t.C:
		}
	}
}

func describeOp(in Instance) string {
	if in.LatestOperation == "" {
		return in.State
	}
	return fmt.Sprintf("%s, latest operation %s %s", in.State, in.LatestOperation, in.LatestOperationState)
}

// WaitInstanceState waits until the instance is in want (RUNNING, STOPPED, ... or
// StateTerminated for "gone") with no operation in progress. LAUNCH_FAILED and failed
// operations end the wait early with the API's error message.
func (c *Client) WaitInstanceState(ctx context.Context, id, want string, timeout time.Duration) (Instance, error) {
	var got Instance
	err := c.poll(ctx, timeout, "instance", id, want, func(ctx context.Context) (bool, string, error) {
		in, err := c.GetInstance(ctx, id)
		var nf *NotFoundError
		if errors.As(err, &nf) {
			if want == StateTerminated {
				return true, "gone", nil
			}
			return false, "not found", fmt.Errorf("instance %s disappeared while waiting for %s", id, want)
		}
		if err != nil {
			return false, "", err
		}
		got = in
		last := describeOp(in)
		if in.State == want && in.LatestOperationState != "OPERATING" {
			return true, last, nil
		}
		if in.State == "LAUNCH_FAILED" && want != "LAUNCH_FAILED" {
			return false, last, fmt.Errorf("instance %s failed to launch: %s", id, in.LatestOperationError)
		}
		if in.LatestOperationState == "FAILED" && in.State != want && in.LatestOperationError != "" {
			return false, last, fmt.Errorf("instance %s: operation %s failed: %s (state %s)", id, in.LatestOperation, in.LatestOperationError, in.State)
		}
		return false, last, nil
	})
	return got, err
}

// WaitInstanceOperation waits until the instance's LatestOperationState leaves OPERATING and
// fails if it ended FAILED.
func (c *Client) WaitInstanceOperation(ctx context.Context, id string, timeout time.Duration) (Instance, error) {
	var got Instance
	err := c.poll(ctx, timeout, "instance", id, "done with its latest operation", func(ctx context.Context) (bool, string, error) {
		in, err := c.GetInstance(ctx, id)
		if err != nil {
			return false, "", err
		}
		got = in
		switch in.LatestOperationState {
		case "OPERATING":
			return false, describeOp(in), nil
		case "FAILED":
			return false, describeOp(in), fmt.Errorf("instance %s: operation %s failed: %s", id, in.LatestOperation, in.LatestOperationError)
		}
		return true, describeOp(in), nil
	})
	return got, err
}

// WaitImageNormal waits for an image to become NORMAL; CREATEFAILED ends the wait early.
func (c *Client) WaitImageNormal(ctx context.Context, id string, timeout time.Duration) (Image, error) {
	var got Image
	err := c.poll(ctx, timeout, "image", id, "NORMAL", func(ctx context.Context) (bool, string, error) {
		c.images.forget(id) // always ask the API, never the cache
		m, err := c.DescribeImagesByID(ctx, []string{id})
		if err != nil {
			return false, "", err
		}
		im, ok := m[id]
		if !ok {
			return false, "not found", nil
		}
		got = im
		switch im.State {
		case "NORMAL":
			return true, im.State, nil
		case "CREATEFAILED", "IMPORTFAILED":
			return false, im.State, fmt.Errorf("image %s (%s) ended in state %s", id, im.Name, im.State)
		}
		return false, im.State, nil
	})
	return got, err
}
