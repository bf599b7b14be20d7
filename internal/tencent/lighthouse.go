package tencent

import (
	"context"
	"fmt"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
)

// Blueprint is a Lighthouse blueprint (镜像): a system (PURE_OS), application (APP_OS),
// custom (PRIVATE) or shared (SHARED) image of the Lighthouse product.
type Blueprint struct {
	ID             string
	Name           string
	DisplayTitle   string
	DisplayVersion string
	Description    string
	// OsName and Platform ("Debian 12.4 64bit", "DEBIAN") are what lifecycle.ParseOsName reads.
	OsName       string
	Platform     string
	PlatformType string // LINUX_UNIX or WINDOWS
	Type         string // APP_OS, PURE_OS, DOCKER, PRIVATE, SHARED
	State        string // NORMAL, CREATING, OFFLINE, CREATEFAILED, ...
	// RequiredSystemDiskGB and RequiredMemoryGB are what a bundle must offer.
	RequiredSystemDiskGB int64
	RequiredMemoryGB     int64
	CreatedTime          *time.Time // nil for system blueprints
	// ImageID is the CVM image a blueprint was shared from, when it was.
	ImageID  string
	SceneIDs []string
	Shared   bool
	Tags     map[string]string
}

// LighthouseInstance is a Lighthouse instance (轻量应用服务器).
type LighthouseInstance struct {
	ID                string
	Name              string
	BundleID          string
	BlueprintID       string
	Zone              string
	State             string // PENDING, LAUNCH_FAILED, RUNNING, STOPPED, STARTING, STOPPING, REBOOTING, SHUTDOWN, TERMINATING
	CPU               int64
	MemoryGB          int64
	OsName            string
	Platform          string
	PlatformType      string
	PrivateAddresses  []string
	PublicAddresses   []string
	KeyIDs            []string
	SystemDiskType    string
	SystemDiskSizeGB  int64
	ChargeType        string // PREPAID
	RenewFlag         string
	RestrictState     string
	LatestOperation   string
	LatestOpState     string // OPERATING, SUCCESS, FAILED
	LatestOpRequestID string
	CreatedTime       *time.Time
	ExpiredTime       *time.Time
	Tags              map[string]string
}

func lhTagMap(tags []*lighthouse.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		if t != nil && t.Key != nil {
			out[*t.Key] = s(t.Value)
		}
	}
	return out
}

func lhTags(tags map[string]string) []*lighthouse.Tag {
	out := make([]*lighthouse.Tag, 0, len(tags))
	for _, k := range sortedKeys(tags) {
		out = append(out, &lighthouse.Tag{Key: sp(k), Value: sp(tags[k])})
	}
	return out
}

// lhFilters converts filters; none is nil, so the request leaves Filters out.
func lhFilters(in []Filter) []*lighthouse.Filter {
	if len(in) == 0 {
		return nil
	}
	out := make([]*lighthouse.Filter, 0, len(in))
	for _, f := range in {
		out = append(out, &lighthouse.Filter{Name: sp(f.Name), Values: ptrs(append([]string(nil), f.Values...))})
	}
	return out
}

func i64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func blueprintFromSDK(b *lighthouse.Blueprint) Blueprint {
	out := Blueprint{
		ID: s(b.BlueprintId), Name: s(b.BlueprintName), DisplayTitle: s(b.DisplayTitle), DisplayVersion: s(b.DisplayVersion),
		Description: s(b.Description), OsName: s(b.OsName), Platform: s(b.Platform), PlatformType: s(b.PlatformType),
		Type: s(b.BlueprintType), State: s(b.BlueprintState), RequiredSystemDiskGB: i64(b.RequiredSystemDiskSize),
		RequiredMemoryGB: i64(b.RequiredMemorySize), CreatedTime: parseTime(b.CreatedTime), ImageID: s(b.ImageId),
		SceneIDs: ss(b.SceneIdSet), Tags: lhTagMap(b.Tags),
	}
	if b.BlueprintShared != nil {
		out.Shared = *b.BlueprintShared
	}
	return out
}

func lhInstanceFromSDK(in *lighthouse.Instance) LighthouseInstance {
	out := LighthouseInstance{
		ID: s(in.InstanceId), Name: s(in.InstanceName), BundleID: s(in.BundleId), BlueprintID: s(in.BlueprintId),
		Zone: s(in.Zone), State: s(in.InstanceState), CPU: i64(in.CPU), MemoryGB: i64(in.Memory), OsName: s(in.OsName),
		Platform: s(in.Platform), PlatformType: s(in.PlatformType), PrivateAddresses: ss(in.PrivateAddresses),
		PublicAddresses: ss(in.PublicAddresses), ChargeType: s(in.InstanceChargeType), RenewFlag: s(in.RenewFlag),
		RestrictState: s(in.InstanceRestrictState), LatestOperation: s(in.LatestOperation),
		LatestOpState: s(in.LatestOperationState), LatestOpRequestID: s(in.LatestOperationRequestId),
		CreatedTime: parseTime(in.CreatedTime), ExpiredTime: parseTime(in.ExpiredTime), Tags: lhTagMap(in.Tags),
	}
	if in.LoginSettings != nil {
		out.KeyIDs = ss(in.LoginSettings.KeyIds)
	}
	if in.SystemDisk != nil {
		out.SystemDiskType, out.SystemDiskSizeGB = s(in.SystemDisk.DiskType), i64(in.SystemDisk.DiskSize)
	}
	return out
}

// ListBlueprints returns every blueprint matching filters (names as the API's: blueprint-id,
// blueprint-type, platform-type, blueprint-name, blueprint-state, scene-id, tag-key,
// tag-value, tag:<key>), following Offset/Limit to the end.
func (c *Client) ListBlueprints(ctx context.Context, filters []Filter) ([]Blueprint, error) {
	return lhList(ctx, c, "DescribeBlueprints", "lighthouse blueprints", nil, func(ctx context.Context, offset, limit *int64) ([]Blueprint, int, error) {
		req := lighthouse.NewDescribeBlueprintsRequest()
		req.Filters, req.Offset, req.Limit = lhFilters(filters), offset, limit
		resp, err := c.lh.DescribeBlueprintsWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.BlueprintSet, blueprintFromSDK), count(resp.Response.TotalCount), nil
	})
}

// lhList is allPages for a Lighthouse Describe* action, with the error every listing wraps.
func lhList[T any](ctx context.Context, c *Client, action, what string, progress func(read, total int),
	fetch func(ctx context.Context, offset, limit *int64) ([]T, int, error)) ([]T, error) {
	out, offset, err := allPages(ctx, c, action, func(ctx context.Context, offset int) ([]T, int, error) {
		return fetch(ctx, common.Int64Ptr(int64(offset)), common.Int64Ptr(maxPage))
	}, progress)
	if err != nil {
		return nil, fmt.Errorf("list %s in %s (offset %d): %w", what, c.region, offset, err)
	}
	return out, nil
}

// DescribeBlueprints returns the blueprints among ids that exist (≤ 100 ids per call).
func (c *Client) DescribeBlueprints(ctx context.Context, ids []string) ([]Blueprint, error) {
	return describeByIDs(ctx, c, "DescribeBlueprints", ids, func(ctx context.Context, batch []string) ([]Blueprint, error) {
		req := lighthouse.NewDescribeBlueprintsRequest()
		req.BlueprintIds = ptrs(batch)
		req.Limit = common.Int64Ptr(maxPage)
		resp, err := c.lh.DescribeBlueprintsWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return convert(resp.Response.BlueprintSet, blueprintFromSDK), nil
	})
}

// GetBlueprint returns one blueprint or a *NotFoundError.
func (c *Client) GetBlueprint(ctx context.Context, id string) (Blueprint, error) {
	return getOne(ctx, c, id, "lighthouse blueprint", c.DescribeBlueprints, func(b Blueprint) string { return b.ID })
}

// describeByIDs looks ids up in batches of maxPage (duplicates dropped), each batch with the
// action's retries.
func describeByIDs[T any](ctx context.Context, c *Client, action string, ids []string, fetch func(ctx context.Context, batch []string) ([]T, error)) ([]T, error) {
	ids = uniq(ids)
	var out []T
	for start := 0; start < len(ids); start += maxPage {
		batch := append([]string(nil), ids[start:min(start+maxPage, len(ids))]...)
		err := c.do(ctx, action, opIdempotent, nil, func(ctx context.Context) error {
			got, err := fetch(ctx, batch)
			if err == nil {
				out = append(out, got...)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("%s %v: %w", action, batch, err)
		}
	}
	return out, nil
}

// getOne looks one id up with describe and returns it, or a *NotFoundError naming kind.
func getOne[T any](ctx context.Context, c *Client, id, kind string, describe func(context.Context, []string) ([]T, error), idOf func(T) string) (T, error) {
	var zero T
	list, err := describe(ctx, []string{id})
	if err != nil {
		return zero, err
	}
	for _, v := range list {
		if idOf(v) == id {
			return v, nil
		}
	}
	return zero, &NotFoundError{Kind: kind, ID: id, Region: c.region}
}

// CreateLighthouseInstanceInput describes one Lighthouse instance to create. Lighthouse is
// prepaid only: Period months (1-12, 24, 36, 48, 60; default 1).
type CreateLighthouseInstanceInput struct {
	BundleID    string
	BlueprintID string
	Zone        string // empty: the API picks one
	Name        string
	Period      int64
	AutoRenew   bool
	// Password or KeyIDs (up to 5, not for Windows); neither: the API's default login setup.
	Password           string
	KeyIDs             []string
	FirewallTemplateID string
	Tags               map[string]string
	// ClientToken makes the call idempotent; a random one is generated when empty and reused
	// by every retry of this call.
	ClientToken string
	DryRun      bool
}

// CreateLighthouseInstance creates one instance and returns its id (state PENDING; use
// WaitLighthouseInstanceState for RUNNING). A passing DryRun returns "" and no error.
func (c *Client) CreateLighthouseInstance(ctx context.Context, in CreateLighthouseInstanceInput) (string, error) {
	if in.BundleID == "" || in.BlueprintID == "" {
		return "", fmt.Errorf("create lighthouse instance: BundleID and BlueprintID are required (DescribeBundles / ListBlueprints list them)")
	}
	if in.Password != "" && len(in.KeyIDs) > 0 {
		return "", fmt.Errorf("create lighthouse instance: set Password or KeyIDs, not both")
	}
	period, renew := in.Period, "NOTIFY_AND_MANUAL_RENEW"
	if period == 0 {
		period = 1
	}
	if in.AutoRenew {
		renew = "NOTIFY_AND_AUTO_RENEW"
	}
	token := in.ClientToken
	if token == "" {
		token = NewClientToken()
	}
	req := lighthouse.NewCreateInstancesRequest()
	req.BundleId, req.BlueprintId = sp(in.BundleID), sp(in.BlueprintID)
	req.InstanceChargePrepaid = &lighthouse.InstanceChargePrepaid{Period: common.Int64Ptr(period), RenewFlag: sp(renew)}
	if in.Zone != "" {
		req.Zones = []*string{sp(in.Zone)}
	}
	if in.Name != "" {
		req.InstanceName = sp(in.Name)
	}
	switch {
	case in.Password != "":
		req.LoginConfiguration = &lighthouse.LoginConfiguration{AutoGeneratePassword: sp("NO"), Password: sp(in.Password)}
	case len(in.KeyIDs) > 0:
		req.LoginConfiguration = &lighthouse.LoginConfiguration{KeyIds: ptrs(append([]string(nil), in.KeyIDs...))}
	}
	if in.FirewallTemplateID != "" {
		req.FirewallTemplateId = sp(in.FirewallTemplateID)
	}
	if len(in.Tags) > 0 {
		req.Tags = lhTags(in.Tags)
	}
	req.ClientToken = sp(token)
	if in.DryRun {
		req.DryRun = common.BoolPtr(true)
	}
	var resp *lighthouse.CreateInstancesResponse
	err := c.do(ctx, "CreateInstances", opIdempotent, nil, func(ctx context.Context) (err error) {
		resp, err = c.lh.CreateInstancesWithContext(ctx, req)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create lighthouse instance from %s (bundle %s): %w", in.BlueprintID, in.BundleID, err)
	}
	switch ids := ss(resp.Response.InstanceIdSet); {
	case len(ids) > 0:
		return ids[0], nil
	case in.DryRun:
		return "", nil
	}
	return "", fmt.Errorf("create lighthouse instance from %s (bundle %s): the API returned no instance id", in.BlueprintID, in.BundleID)
}

// DescribeLighthouseInstances returns the instances among ids that exist (≤ 100 ids per call).
func (c *Client) DescribeLighthouseInstances(ctx context.Context, ids []string) ([]LighthouseInstance, error) {
	return describeByIDs(ctx, c, "DescribeInstances", ids, func(ctx context.Context, batch []string) ([]LighthouseInstance, error) {
		req := lighthouse.NewDescribeInstancesRequest()
		req.InstanceIds = ptrs(batch)
		req.Limit = common.Int64Ptr(maxPage)
		resp, err := c.lh.DescribeInstancesWithContext(ctx, req)
		if err != nil {
			return nil, err
		}
		return convert(resp.Response.InstanceSet, lhInstanceFromSDK), nil
	})
}

// GetLighthouseInstance returns one instance or a *NotFoundError.
func (c *Client) GetLighthouseInstance(ctx context.Context, id string) (LighthouseInstance, error) {
	return getOne(ctx, c, id, "lighthouse instance", c.DescribeLighthouseInstances, func(in LighthouseInstance) string { return in.ID })
}

// ListLighthouseInstances returns every instance matching filters (instance-name,
// private-ip-address, public-ip-address, zone, instance-state, bundle-id, tag-key,
// tag-value, tag:<key>), following pagination to the end.
func (c *Client) ListLighthouseInstances(ctx context.Context, filters []Filter) ([]LighthouseInstance, error) {
	return c.ListLighthouseInstancesProgress(ctx, filters, nil)
}

// ListLighthouseInstancesProgress is ListLighthouseInstances that calls progress (when not
// nil) after every page with the instances read so far and the total the API reports.
func (c *Client) ListLighthouseInstancesProgress(ctx context.Context, filters []Filter, progress func(read, total int)) ([]LighthouseInstance, error) {
	return lhList(ctx, c, "DescribeInstances", "lighthouse instances", progress, func(ctx context.Context, offset, limit *int64) ([]LighthouseInstance, int, error) {
		req := lighthouse.NewDescribeInstancesRequest()
		req.Filters, req.Offset, req.Limit = lhFilters(filters), offset, limit
		resp, err := c.lh.DescribeInstancesWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		return convert(resp.Response.InstanceSet, lhInstanceFromSDK), count(resp.Response.TotalCount), nil
	})
}
