package tencent

import "context"

// allPages follows Offset/Limit of one Describe* action to the end: fetch asks for the page at
// offset (maxPage items at most) and returns its items and the TotalCount the API reports;
// each page goes through c.do with the action's retries, and the listing stops at an empty
// page or once offset reaches the total. progress (when not nil) sees the items read so far
// and the total after every page. On a failed page it returns the offset of that page (for
// the caller's error message) and the error.
func allPages[T any](ctx context.Context, c *Client, action string, fetch func(ctx context.Context, offset int) ([]T, int, error),
	progress func(read, total int)) ([]T, int, error) {
	var out []T
	for offset := 0; ; {
		var page []T
		var total int
		err := c.do(ctx, action, opIdempotent, nil, func(ctx context.Context) error {
			var err error
			page, total, err = fetch(ctx, offset)
			return err
		})
		if err != nil {
			return nil, offset, err
		}
		out = append(out, page...)
		offset += len(page)
		if progress != nil {
			progress(len(out), total)
		}
		if len(page) == 0 || offset >= total {
			return out, offset, nil
		}
	}
}

// count is the TotalCount of a Describe* answer (the CVM API reports int64, the VPC API
// uint64); a missing one counts as 0, which ends the listing after this page.
func count[N int64 | uint64](n *N) int {
	if n == nil {
		return 0
	}
	return int(*n)
}

// convert maps one page of SDK values to the client's types.
func convert[S, T any](in []S, f func(S) T) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}
