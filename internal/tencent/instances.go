package tencent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// DescribeInstances returns the instances among ids that exist (≤ 100 ids per call).
func (c *Client) DescribeInstances(ctx context.Context, ids []string) ([]Instance, error) {
	ids = uniq(ids)
	var out []Instance
	for start := 0; start < len(ids); start += maxPage {
		batch := ids[start:min(start+maxPage, len(ids))]
		err := c.do(ctx, "DescribeInstances", opIdempotent, nil, func(ctx context.Context) error {
			req := cvm.NewDescribeInstancesRequest()
			req.InstanceIds = ptrs(append([]string(nil), batch...))
			req.Limit = common.Int64Ptr(maxPage)
			resp, err := c.cvm.DescribeInstancesWithContext(ctx, req)
			if err != nil {
				return err
			}
			for _, in := range resp.Response.InstanceSet {
				out = append(out, instanceFromSDK(in))
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("describe instances %v: %w", batch, err)
		}
	}
	return out, nil
}

// GetInstance returns one instance or a *NotFoundError.
func (c *Client) GetInstance(ctx context.Context, id string) (Instance, error) {
	list, err := c.DescribeInstances(ctx, []string{id})
	if err != nil {
		return Instance{}, err
	}
	for _, in := range list {
		if in.ID == id {
			return in, nil
		}
	}
	return Instance{}, &NotFoundError{Kind: "instance", ID: id, Region: c.region}
}

// ListInstances returns every instance matching filters, following pagination to the end.
func (c *Client) ListInstances(ctx context.Context, filters []Filter) ([]Instance, error) {
	return c.ListInstancesProgress(ctx, filters, nil)
}

// ListInstancesProgress is ListInstances that calls progress (when not nil)
// after every page with the instances read so far and the total the API
// reports, so a CLI paging through thousands of instances can show how far
// it got.
func (c *Client) ListInstancesProgress(ctx context.Context, filters []Filter, progress func(read, total int)) ([]Instance, error) {
	out, offset, err := allPages(ctx, c, "DescribeInstances", func(ctx context.Context, offset int) ([]Instance, int, error) {
		req := cvm.NewDescribeInstancesRequest()
		if len(filters) > 0 {
			req.Filters = cvmFilters(filters)
		}
		req.Offset, req.Limit = common.Int64Ptr(int64(offset)), common.Int64Ptr(maxPage)
		resp, err := c.cvm.DescribeInstancesWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.InstanceSet, instanceFromSDK), count(resp.Response.TotalCount), nil
	}, progress)
	if err != nil {
		return nil, fmt.Errorf("list instances in %s (offset %d): %w", c.region, offset, err)
	}
	return out, nil
}

// RunInstanceInput describes one instance to launch.
type RunInstanceInput struct {
	Zone             string
	ImageID          string
	InstanceType     string
	Name             string
	ChargeType       string // default POSTPAID_BY_HOUR
	VpcID            string
	SubnetID         string
	SecurityGroupIDs []string
	KeyIDs           []string
	Password         string
	KeepImageLogin   bool
	SystemDiskType   string
	SystemDiskSizeGB int64
	PublicIP         bool
	BandwidthOutMbps int64
	UserData         string // base64
	Tags             map[string]string
	// ClientToken makes the call idempotent; a random one is generated when empty and reused
	// by every retry of this call.
	ClientToken string
	DryRun      bool
}

// NewClientToken returns a random idempotency token.
func NewClientToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RunInstance launches one instance and returns its id (state PENDING; use WaitInstanceState).
func (c *Client) RunInstance(ctx context.Context, in RunInstanceInput) (string, error) {
	if in.Zone == "" || in.ImageID == "" {
		return "", fmt.Errorf("run instance: Zone and ImageID are required")
	}
	if in.Password != "" && len(in.KeyIDs) > 0 {
		return "", fmt.Errorf("run instance: set Password or KeyIDs, not both")
	}
	token := in.ClientToken
	if token == "" {
		token = NewClientToken()
	}
	req := cvm.NewRunInstancesRequest()
	req.Placement = &cvm.Placement{Zone: sp(in.Zone)}
	req.ImageId = sp(in.ImageID)
	if in.InstanceType != "" {
		req.InstanceType = sp(in.InstanceType)
	}
	if in.Name != "" {
		req.InstanceName = sp(in.Name)
	}
	if in.ChargeType != "" {
		req.InstanceChargeType = sp(in.ChargeType)
	}
	if in.VpcID != "" || in.SubnetID != "" {
		req.VirtualPrivateCloud = &cvm.VirtualPrivateCloud{VpcId: sp(in.VpcID), SubnetId: sp(in.SubnetID)}
	}
	if len(in.SecurityGroupIDs) > 0 {
		req.SecurityGroupIds = ptrs(append([]string(nil), in.SecurityGroupIDs...))
	}
	if in.Password != "" || len(in.KeyIDs) > 0 || in.KeepImageLogin {
		ls := &cvm.LoginSettings{}
		if in.Password != "" {
			ls.Password = sp(in.Password)
		}
		if len(in.KeyIDs) > 0 {
			ls.KeyIds = ptrs(append([]string(nil), in.KeyIDs...))
		}
		if in.KeepImageLogin {
			ls.KeepImageLogin = sp("TRUE")
		}
		req.LoginSettings = ls
	}
	if in.SystemDiskType != "" || in.SystemDiskSizeGB > 0 {
		req.SystemDisk = &cvm.SystemDisk{}
		if in.SystemDiskType != "" {
			req.SystemDisk.DiskType = sp(in.SystemDiskType)
		}
		if in.SystemDiskSizeGB > 0 {
			req.SystemDisk.DiskSize = common.Int64Ptr(in.SystemDiskSizeGB)
		}
	}
	if in.PublicIP || in.BandwidthOutMbps > 0 {
		bw := in.BandwidthOutMbps
		if bw == 0 {
			bw = 1
		}
		req.InternetAccessible = &cvm.InternetAccessible{InternetChargeType: sp("TRAFFIC_POSTPAID_BY_HOUR"),
			InternetMaxBandwidthOut: common.Int64Ptr(bw), PublicIpAssigned: common.BoolPtr(in.PublicIP)}
	}
	if in.UserData != "" {
		req.UserData = sp(in.UserData)
	}
	req.TagSpecification = cvmTagSpec("instance", in.Tags)
	req.ClientToken = sp(token)
	if in.DryRun {
		req.DryRun = common.BoolPtr(true)
	}
	var id string
	err := c.do(ctx, "RunInstances", opIdempotent, nil, func(ctx context.Context) error {
		resp, err := c.cvm.RunInstancesWithContext(ctx, req)
		if err != nil {
			return err
		}
		if ids := ss(resp.Response.InstanceIdSet); len(ids) > 0 {
			id = ids[0]
		}
		return nil
	})
	if in.DryRun && ErrorCode(err) == "DryRunOperation" {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("run instance from %s in %s: %w", in.ImageID, in.Zone, err)
	}
	if id == "" {
		return "", fmt.Errorf("run instance from %s in %s: the API returned no instance id", in.ImageID, in.Zone)
	}
	return id, nil
}

// instanceAction runs Terminate/Stop/Start; ok lists codes meaning "already done or going".
func (c *Client) instanceAction(ctx context.Context, action string, ids []string, ok []string, call func(ctx context.Context, ids []*string) error) error {
	ids = uniq(ids)
	for start := 0; start < len(ids); start += maxPage {
		batch := ids[start:min(start+maxPage, len(ids))]
		err := c.afterOperations(ctx, batch, func() error {
			return c.do(ctx, action, opIdempotent|opAfterOperation, nil, func(ctx context.Context) error {
				return call(ctx, ptrs(append([]string(nil), batch...)))
			})
		})
		if err != nil {
			code := ErrorCode(err)
			if containsStr(ok, code) {
				if len(batch) == 1 {
					continue // already gone / already in that state
				}
				// One id made the whole batch fail; do them one by one so none is skipped.
				for _, id := range batch {
					if err := c.instanceAction(ctx, action, []string{id}, ok, call); err != nil {
						return err
					}
				}
				continue
			}
			return fmt.Errorf("%s %v: %w", action, batch, err)
		}
	}
	return nil
}

// TerminateInstances terminates instances; already gone or terminating counts as done.
func (c *Client) TerminateInstances(ctx context.Context, ids ...string) error {
	return c.instanceAction(ctx, "TerminateInstances", ids,
		[]string{"InvalidInstanceId.NotFound", "UnsupportedOperation.InstanceStateTerminating", "UnsupportedOperation.InstanceStateTerminated"},
		func(ctx context.Context, ids []*string) error {
			req := cvm.NewTerminateInstancesRequest()
			req.InstanceIds = ids
			_, err := c.cvm.TerminateInstancesWithContext(ctx, req)
			return err
		})
}

// StopInstances stops instances (stopType SOFT, HARD or SOFT_FIRST; empty = API default).
func (c *Client) StopInstances(ctx context.Context, stopType string, ids ...string) error {
	return c.instanceAction(ctx, "StopInstances", ids,
		[]string{"UnsupportedOperation.InstanceStateStopped", "UnsupportedOperation.InstanceStateStopping"},
		func(ctx context.Context, ids []*string) error {
			req := cvm.NewStopInstancesRequest()
			req.InstanceIds = ids
			if stopType != "" {
				req.StopType = sp(stopType)
			}
			_, err := c.cvm.StopInstancesWithContext(ctx, req)
			return err
		})
}

// StartInstances starts stopped instances.
func (c *Client) StartInstances(ctx context.Context, ids ...string) error {
	return c.instanceAction(ctx, "StartInstances", ids,
		[]string{"UnsupportedOperation.InstanceStateRunning", "UnsupportedOperation.InstanceStateStarting"},
		func(ctx context.Context, ids []*string) error {
			req := cvm.NewStartInstancesRequest()
			req.InstanceIds = ids
			_, err := c.cvm.StartInstancesWithContext(ctx, req)
			return err
		})
}

// ResetInstanceInput describes ResetInstance (re-image in place).
type ResetInstanceInput struct {
	InstanceID     string
	ImageID        string
	KeyIDs         []string
	Password       string
	KeepImageLogin bool
	UserData       string
}

// ResetInstance re-images an instance; wait with WaitInstanceOperation.
func (c *Client) ResetInstance(ctx context.Context, in ResetInstanceInput) error {
	if in.InstanceID == "" {
		return fmt.Errorf("reset instance: InstanceID is required")
	}
	err := c.afterOperations(ctx, []string{in.InstanceID}, func() error { return c.resetOnce(ctx, in) })
	if err != nil {
		return fmt.Errorf("reset instance %s to image %s: %w", in.InstanceID, in.ImageID, err)
	}
	return nil
}

func (c *Client) resetOnce(ctx context.Context, in ResetInstanceInput) error {
	return c.do(ctx, "ResetInstance", opMutation|opAfterOperation, nil, func(ctx context.Context) error {
		req := cvm.NewResetInstanceRequest()
		req.InstanceId = sp(in.InstanceID)
		if in.ImageID != "" {
			req.ImageId = sp(in.ImageID)
		}
		if in.Password != "" || len(in.KeyIDs) > 0 || in.KeepImageLogin {
			ls := &cvm.LoginSettings{}
			if in.Password != "" {
				ls.Password = sp(in.Password)
			}
			if len(in.KeyIDs) > 0 {
				ls.KeyIds = ptrs(append([]string(nil), in.KeyIDs...))
			}
			if in.KeepImageLogin {
				ls.KeepImageLogin = sp("TRUE")
			}
			req.LoginSettings = ls
		}
		if in.UserData != "" {
			req.UserData = sp(in.UserData)
		}
		_, err := c.cvm.ResetInstanceWithContext(ctx, req)
		return err
	})
}

// afterOperations runs call; when the API refuses it because an operation (launch, stop,
// image creation...) is still running on one of ids, it waits for those operations to end
// and tries again. A cold machine launch can take minutes, far longer than retry backoff.
func (c *Client) afterOperations(ctx context.Context, ids []string, call func() error) error {
	for round := 0; ; round++ {
		err := call()
		if ErrorCode(err) != "OperationDenied.InstanceOperationInProgress" || round >= 5 {
			return err
		}
		c.log.Debug("waiting for running instance operations before retrying", "instances", strings.Join(ids, ","), "round", round+1)
		for _, id := range ids {
			_, werr := c.WaitInstanceOperation(ctx, id, c.cfg.OperationWaitTimeout)
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
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ModifyInstanceInput changes attributes in place; nil / empty fields are left alone.
type ModifyInstanceInput struct {
	Name             *string
	SecurityGroupIDs []string
	// DisableAPITermination turns termination protection on or off.
	DisableAPITermination *bool
}

// ModifyInstance renames an instance, replaces its security groups or toggles termination
// protection.
func (c *Client) ModifyInstance(ctx context.Context, id string, in ModifyInstanceInput) error {
	if in.Name == nil && in.SecurityGroupIDs == nil && in.DisableAPITermination == nil {
		return fmt.Errorf("modify instance %s: nothing to change", id)
	}
	err := c.do(ctx, "ModifyInstancesAttribute", opIdempotent, nil, func(ctx context.Context) error {
		req := cvm.NewModifyInstancesAttributeRequest()
		req.InstanceIds = []*string{sp(id)}
		req.InstanceName = in.Name
		if in.SecurityGroupIDs != nil {
			req.SecurityGroups = ptrs(append([]string(nil), in.SecurityGroupIDs...))
		}
		req.DisableApiTermination = in.DisableAPITermination
		_, err := c.cvm.ModifyInstancesAttributeWithContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("modify instance %s: %w", id, err)
	}
	return nil
}
