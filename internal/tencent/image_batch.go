package tencent

import (
	"context"
	"time"
)

// imageBatch is one DescribeImages call in the making: ids of concurrent
// lookups join it until it holds maxPage ids or its window has passed.
type imageBatch struct {
	ids  []string
	full chan struct{} // closed when the batch holds maxPage ids
	done chan struct{} // closed when its answers are cached (or the call failed)
}

// join adds id to the open batch, opening one when there is none; leader is
// true for the caller that opened it and must run it. ic.mu must be held.
func (ic *imageCache) join(id string) (b *imageBatch, leader bool) {
	if ic.pending == nil {
		ic.pending = &imageBatch{full: make(chan struct{}), done: make(chan struct{})}
		leader = true
	}
	b = ic.pending
	b.ids = append(b.ids, id)
	ic.inflight[id] = b.done
	if len(b.ids) == maxPage {
		close(b.full)
		ic.pending = nil
	}
	return b, leader
}

// runBatch waits for the window (or a full batch), closes the batch to new
// ids and fetches them all in one call. A failed call leaves the ids
// uncached, so the callers waiting on it fetch them again themselves.
func (c *Client) runBatch(ctx context.Context, b *imageBatch) error {
	if w := c.cfg.ImageBatchWindow; w > 0 {
		t := time.NewTimer(w)
		select {
		case <-t.C:
		case <-b.full:
		case <-ctx.Done():
		}
		t.Stop()
	}
	ic := c.images
	ic.mu.Lock()
	if ic.pending == b {
		ic.pending = nil
	}
	ids := b.ids
	ic.mu.Unlock()

	err := c.fetchImages(ctx, ids)
	ic.mu.Lock()
	for _, id := range ids {
		delete(ic.inflight, id)
	}
	ic.mu.Unlock()
	close(b.done)
	return err
}
