package tencent

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// ModifyImageInput changes a private image's attributes; nil fields are left alone.
type ModifyImageInput struct {
	Name        *string
	Description *string
	Family      *string
	Deprecated  *bool
}

// ModifyImage changes a private image's name, description, family or deprecation flag.
func (c *Client) ModifyImage(ctx context.Context, id string, in ModifyImageInput) error {
	err := c.do(ctx, "ModifyImageAttribute", opIdempotent, nil, func(ctx context.Context) error {
		req := cvm.NewModifyImageAttributeRequest()
		req.ImageId = sp(id)
		req.ImageName, req.ImageDescription, req.ImageFamily, req.ImageDeprecated = in.Name, in.Description, in.Family, in.Deprecated
		_, err := c.cvm.ModifyImageAttributeWithContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("modify image %s: %w", id, err)
	}
	c.images.forget(id)
	return nil
}

// ShareImage shares (share=true) or stops sharing a private image with other accounts.
// The API refuses a whole SHARE request when one account already has the image, so
// accounts that have it are left out, and FailedOperation.AccountAlreadyExists after a
// retry (the first attempt was applied, its answer lost) counts as done once
// DescribeImageSharePermission confirms every account has the image.
func (c *Client) ShareImage(ctx context.Context, id string, accounts []string, share bool) error {
	perm, verb := "CANCEL", "unshare"
	want := append([]string(nil), accounts...)
	if share {
		perm, verb = "SHARE", "share"
		have, err := c.ImageShares(ctx, id)
		if err != nil {
			return fmt.Errorf("share image %s with %v: %w", id, accounts, err)
		}
		want = slices.DeleteFunc(want, func(a string) bool { return slices.Contains(have, a) })
		if len(want) == 0 {
			return nil
		}
	}
	err := c.do(ctx, "ModifyImageSharePermission", opIdempotent, nil, func(ctx context.Context) error {
		req := cvm.NewModifyImageSharePermissionRequest()
		req.ImageId, req.Permission = sp(id), sp(perm)
		req.AccountIds = ptrs(append([]string(nil), want...))
		_, err := c.cvm.ModifyImageSharePermissionWithContext(ctx, req)
		return err
	})
	if share && ErrorCode(err) == "FailedOperation.AccountAlreadyExists" {
		if have, herr := c.ImageShares(ctx, id); herr == nil && !slices.ContainsFunc(want, func(a string) bool { return !slices.Contains(have, a) }) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("%s image %s with %v: %w", verb, id, accounts, err)
	}
	return nil
}

// ImageShares lists the accounts a private image is shared with (DescribeImageSharePermission).
func (c *Client) ImageShares(ctx context.Context, id string) ([]string, error) {
	var out []string
	err := c.do(ctx, "DescribeImageSharePermission", opIdempotent, nil, func(ctx context.Context) error {
		req := cvm.NewDescribeImageSharePermissionRequest()
		req.ImageId = sp(id)
		resp, err := c.cvm.DescribeImageSharePermissionWithContext(ctx, req)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, p := range resp.Response.SharePermissionSet {
			out = append(out, s(p.AccountId))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("describe share permission of image %s in %s: %w", id, c.region, err)
	}
	sort.Strings(out)
	return out, nil
}

// AssociateKeyPairs binds (associate=true) or unbinds key pairs and instances. The API changes
// only STOPPED instances unless forceStop is set; then a RUNNING instance is forcibly stopped,
// changed and started again (an operation: wait for it before the next one).
func (c *Client) AssociateKeyPairs(ctx context.Context, instanceIDs, keyIDs []string, associate, forceStop bool) error {
	action := "DisassociateInstancesKeyPairs"
	if associate {
		action = "AssociateInstancesKeyPairs"
	}
	err := c.do(ctx, action, opIdempotent, nil, func(ctx context.Context) error {
		ins, keys := ptrs(append([]string(nil), instanceIDs...)), ptrs(append([]string(nil), keyIDs...))
		if associate {
			req := cvm.NewAssociateInstancesKeyPairsRequest()
			req.InstanceIds, req.KeyIds, req.ForceStop = ins, keys, common.BoolPtr(forceStop)
			_, err := c.cvm.AssociateInstancesKeyPairsWithContext(ctx, req)
			return err
		}
		req := cvm.NewDisassociateInstancesKeyPairsRequest()
		req.InstanceIds, req.KeyIds, req.ForceStop = ins, keys, common.BoolPtr(forceStop)
		_, err := c.cvm.DisassociateInstancesKeyPairsWithContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s %v / %v: %w", action, instanceIDs, keyIDs, err)
	}
	return nil
}
