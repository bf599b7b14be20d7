package tencent

import (
	"context"
	"fmt"

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
func (c *Client) ShareImage(ctx context.Context, id string, accounts []string, share bool) error {
	perm := "CANCEL"
	if share {
		perm = "SHARE"
	}
	err := c.do(ctx, "ModifyImageSharePermission", opIdempotent, nil, func(ctx context.Context) error {
		req := cvm.NewModifyImageSharePermissionRequest()
		req.ImageId, req.Permission = sp(id), sp(perm)
		req.AccountIds = ptrs(append([]string(nil), accounts...))
		_, err := c.cvm.ModifyImageSharePermissionWithContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s image %s with %v: %w", map[bool]string{true: "share", false: "unshare"}[share], id, accounts, err)
	}
	return nil
}

// AssociateKeyPairs binds (associate=true) or unbinds key pairs and instances.
func (c *Client) AssociateKeyPairs(ctx context.Context, instanceIDs, keyIDs []string, associate bool) error {
	action := "DisassociateInstancesKeyPairs"
	if associate {
		action = "AssociateInstancesKeyPairs"
	}
	err := c.do(ctx, action, opIdempotent, nil, func(ctx context.Context) error {
		ins, keys := ptrs(append([]string(nil), instanceIDs...)), ptrs(append([]string(nil), keyIDs...))
		if associate {
			req := cvm.NewAssociateInstancesKeyPairsRequest()
			req.InstanceIds, req.KeyIds, req.ForceStop = ins, keys, common.BoolPtr(false)
			_, err := c.cvm.AssociateInstancesKeyPairsWithContext(ctx, req)
			return err
		}
		req := cvm.NewDisassociateInstancesKeyPairsRequest()
		req.InstanceIds, req.KeyIds, req.ForceStop = ins, keys, common.BoolPtr(false)
		_, err := c.cvm.DisassociateInstancesKeyPairsWithContext(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s %v / %v: %w", action, instanceIDs, keyIDs, err)
	}
	return nil
}
