package tencent

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"sync"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
)

// maxPage is the API's largest Limit and the largest id batch per call.
const maxPage = 100

var imageIDRE = regexp.MustCompile(`^img-[a-z0-9]{8}$`)

// imageCache remembers lookups by id for the life of the client (one Terraform plan, one
// Packer build), including "does not exist", and lets concurrent callers share a request.
type imageCache struct {
	mu       sync.Mutex
	entries  map[string]*Image // nil value: known not to exist
	inflight map[string]chan struct{}
	pending  *imageBatch // the batch new ids join, nil when none is open
}

func newImageCache() *imageCache {
	return &imageCache{entries: map[string]*Image{}, inflight: map[string]chan struct{}{}}
}

// forget drops ids so the next lookup asks the API again (after create/delete/modify).
func (ic *imageCache) forget(ids ...string) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	for _, id := range ids {
		delete(ic.entries, id)
	}
}

func (ic *imageCache) store(im Image) {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	cp := im
	ic.entries[im.ID] = &cp
}

// DescribeImagesByID returns the images among ids that exist, keyed by id. Ids are looked up
// at most once per client: unknown ones in batches of at most 100 ids per DescribeImages call.
func (c *Client) DescribeImagesByID(ctx context.Context, ids []string) (map[string]Image, error) {
	want := uniq(ids)
	for _, id := range want {
		if !imageIDRE.MatchString(id) {
			return nil, fmt.Errorf("image id %q is malformed: image ids look like img-xxxxxxxx", id)
		}
	}
	for round := 0; round < 3; round++ {
		ic := c.images
		ic.mu.Lock()
		var waits []chan struct{}
		var led []*imageBatch
		for _, id := range want {
			if _, ok := ic.entries[id]; ok {
				continue
			}
			if ch, ok := ic.inflight[id]; ok {
				waits = append(waits, ch)
				continue
			}
			b, leader := ic.join(id)
			waits = append(waits, b.done)
			if leader {
				led = append(led, b)
			}
		}
		ic.mu.Unlock()

		// Run the batches this call opened; each waits for others to join it first.
		var err error
		for _, b := range led {
			if e := c.runBatch(ctx, b); e != nil && err == nil {
				err = e
			}
		}
		if err != nil {
			return nil, err
		}
		for _, ch := range waits {
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, fmt.Errorf("describe images in %s: %w", c.region, ctx.Err())
			}
		}
		out, missing := c.collect(want)
		if !missing {
			return out, nil
		}
		// Another caller's fetch failed; go round and fetch those ids ourselves.
	}
	return nil, fmt.Errorf("describe images in %s: concurrent lookups kept failing", c.region)
}

func (c *Client) collect(want []string) (map[string]Image, bool) {
	c.images.mu.Lock()
	defer c.images.mu.Unlock()
	out := make(map[string]Image, len(want))
	for _, id := range want {
		im, ok := c.images.entries[id]
		if !ok {
			return nil, true
		}
		if im != nil {
			out[id] = *im
		}
	}
	return out, false
}

// fetchImages asks the API for ids (≤ 100 per call) and caches every answer, including absence.
func (c *Client) fetchImages(ctx context.Context, ids []string) error {
	for start := 0; start < len(ids); start += maxPage {
		batch := ids[start:min(start+maxPage, len(ids))]
		var found []*cvm.Image
		err := c.do(ctx, "DescribeImages", opIdempotent, nil, func(ctx context.Context) error {
			req := cvm.NewDescribeImagesRequest()
			req.ImageIds = ptrs(append([]string(nil), batch...))
			req.Limit = common.Uint64Ptr(maxPage)
			resp, err := c.cvm.DescribeImagesWithContext(ctx, req)
			if err != nil {
				return err
			}
			found = resp.Response.ImageSet
			return nil
		})
		if err != nil {
			return fmt.Errorf("describe %d images by id: %w", len(batch), err)
		}
		c.images.mu.Lock()
		for _, id := range batch {
			c.images.entries[id] = nil
		}
		for _, im := range found {
			v := imageFromSDK(im)
			c.images.entries[v.ID] = &v
		}
		c.images.mu.Unlock()
	}
	return nil
}

// GetImage returns one image; the error satisfies IsNotFound-style checks via ErrImageNotFound.
func (c *Client) GetImage(ctx context.Context, id string) (Image, error) {
	m, err := c.DescribeImagesByID(ctx, []string{id})
	if err != nil {
		return Image{}, err
	}
	im, ok := m[id]
	if !ok {
		return Image{}, &NotFoundError{Kind: "image", ID: id, Region: c.region}
	}
	return im, nil
}

// NotFoundError says a resource does not exist in the region.
type NotFoundError struct {
	Kind, ID, Region string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s %s does not exist in %s", e.Kind, e.ID, e.Region)
}

// ListImages returns every image matching filters, following Offset/Limit to the end.
func (c *Client) ListImages(ctx context.Context, filters []Filter) ([]Image, error) {
	out, offset, err := allPages(ctx, c, "DescribeImages", func(ctx context.Context, offset int) ([]Image, int, error) {
		req := cvm.NewDescribeImagesRequest()
		if len(filters) > 0 {
			req.Filters = cvmFilters(filters)
		}
		req.Offset = common.Uint64Ptr(uint64(offset))
		req.Limit = common.Uint64Ptr(maxPage)
		resp, err := c.cvm.DescribeImagesWithContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		page := convert(resp.Response.ImageSet, imageFromSDK)
		for _, v := range page {
			c.images.store(v) // storing again on a retried page is harmless
		}
		return page, count(resp.Response.TotalCount), nil
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("list images in %s (offset %d): %w", c.region, offset, err)
	}
	return out, nil
}

// CreateImageInput describes CreateImage.
type CreateImageInput struct {
	InstanceID    string
	Name          string
	Description   string
	Family        string
	ForcePoweroff bool
	Tags          map[string]string
}

// CreateImage starts an image from an instance and returns its id (state CREATING; use
// WaitImageNormal). A retry after a lost answer finds the image by its unique name.
func (c *Client) CreateImage(ctx context.Context, in CreateImageInput) (string, error) {
	if in.InstanceID == "" || in.Name == "" {
		return "", fmt.Errorf("create image: InstanceID and Name are required")
	}
	var id string
	err := c.afterOperations(ctx, []string{in.InstanceID}, func() error { return c.createImageOnce(ctx, in, &id) })
	if ae, ok := err.(*APIError); ok && ae.Code == "InvalidImageName.Duplicate" && ae.Attempts > 1 {
		// An earlier attempt was applied but its answer was lost.
		imgs, lerr := c.ListImages(ctx, []Filter{{Name: "image-type", Values: []string{"PRIVATE_IMAGE"}}, {Name: "image-name", Values: []string{in.Name}}})
		if lerr == nil && len(imgs) == 1 {
			return imgs[0].ID, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("create image %q from %s: %w", in.Name, in.InstanceID, err)
	}
	c.images.forget(id)
	return id, nil
}

func (c *Client) createImageOnce(ctx context.Context, in CreateImageInput, id *string) error {
	return c.do(ctx, "CreateImage", opIdempotent|opAfterOperation, nil, func(ctx context.Context) error {
		req := cvm.NewCreateImageRequest()
		req.InstanceId, req.ImageName = sp(in.InstanceID), sp(in.Name)
		if in.Description != "" {
			req.ImageDescription = sp(in.Description)
		}
		if in.Family != "" {
			req.ImageFamily = sp(in.Family)
		}
		if in.ForcePoweroff {
			req.ForcePoweroff = sp("TRUE")
		}
		req.TagSpecification = cvmTagSpec("image", in.Tags)
		resp, err := c.cvm.CreateImageWithContext(ctx, req)
		if err != nil {
			return err
		}
		*id = s(resp.Response.ImageId)
		return nil
	})
}

// DeleteImages deletes private images; ids that no longer exist count as deleted.
func (c *Client) DeleteImages(ctx context.Context, ids ...string) error {
	ids = uniq(ids)
	for start := 0; start < len(ids); start += maxPage {
		batch := ids[start:min(start+maxPage, len(ids))]
		err := c.do(ctx, "DeleteImages", opDelete, nil, func(ctx context.Context) error {
			req := cvm.NewDeleteImagesRequest()
			req.ImageIds = ptrs(append([]string(nil), batch...))
			_, err := c.cvm.DeleteImagesWithContext(ctx, req)
			return err
		})
		if err != nil && ErrorCode(err) == "InvalidImageId.NotFound" && len(batch) > 1 {
			// One id is gone; delete the rest one by one so the others are not left behind.
			for _, id := range batch {
				if err := c.DeleteImages(ctx, id); err != nil {
					return err
				}
			}
			continue
		}
		if err != nil && ErrorCode(err) != "InvalidImageId.NotFound" {
			return fmt.Errorf("delete images %v: %w", batch, err)
		}
		c.images.forget(batch...)
	}
	return nil
}

// SyncImages copies images to other regions and returns region → new image ids.
func (c *Client) SyncImages(ctx context.Context, ids []string, regions []string) (map[string][]string, error) {
	out := map[string][]string{}
	err := c.do(ctx, "SyncImages", opMutation, nil, func(ctx context.Context) error {
		req := cvm.NewSyncImagesRequest()
		req.ImageIds = ptrs(append([]string(nil), ids...))
		req.DestinationRegions = ptrs(append([]string(nil), regions...))
		req.ImageSetRequired = common.BoolPtr(true)
		resp, err := c.cvm.SyncImagesWithContext(ctx, req)
		if err != nil {
			return err
		}
		for _, si := range resp.Response.ImageSet {
			out[s(si.Region)] = append(out[s(si.Region)], s(si.ImageId))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sync images %v to %v: %w", ids, regions, err)
	}
	return out, nil
}

func uniq(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := make([]string, 0, len(in))
	for _, v := range in {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
