package tencent

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// syncBuffer collects log output from concurrent goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv is an environment with no Tencent variables, so host settings never leak in.
func testEnv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// newTestClient returns a client wired to srv with fast retries and polling, logging at TRACE
// into the returned buffer.
func newTestClient(t *testing.T, srv *tcsim.TestServer, mod func(*Config)) (*Client, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		Region:               "ap-guangzhou",
		SecretID:             srv.SecretID,
		SecretKey:            srv.SecretKey,
		Endpoints:            srv.Endpoints(),
		Scheme:               "http",
		Logger:               hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: logs}),
		RetryBaseDelay:       time.Millisecond,
		RetryMaxDelay:        5 * time.Millisecond,
		PollInterval:         5 * time.Millisecond,
		Getenv:               testEnv(nil),
		SharedCredentialsDir: t.TempDir(),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, logs
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// customImage launches an instance from image in zone, waits until it runs and makes a
// custom image named name from it; it returns the instance and the image (NORMAL).
func customImage(t *testing.T, c *Client, zone, image, name string) (instanceID, imageID string) {
	t.Helper()
	ctx := ctxT(t)
	id, err := c.RunInstance(ctx, RunInstanceInput{Zone: zone, ImageID: image})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitInstanceState(ctx, id, "RUNNING", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	img, err := c.CreateImage(ctx, CreateImageInput{InstanceID: id, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitImageNormal(ctx, img, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	return id, img
}
