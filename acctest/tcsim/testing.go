package tcsim

import (
	"context"
	"testing"
)

// Option adjusts the Options of StartForTest.
type Option func(*Options)

// WithDelays sets the state-machine delays.
func WithDelays(d Delays) Option { return func(o *Options) { o.Delays = d } }

// WithFaults sets the initial fault configuration.
func WithFaults(f FaultConfig) Option { return func(o *Options) { o.Faults = f } }

// WithBackend backs instances with machines from b.
func WithBackend(b Backend) Option { return func(o *Options) { o.Backend = b } }

// WithOptions lets a test change anything else.
func WithOptions(fn func(*Options)) Option { return func(o *Options) { fn(o) } }

// TestServer is a Server started for one test, with the credentials it accepts.
type TestServer struct {
	*Server
	SecretID  string
	SecretKey string
}

// StartForTest starts tcsim on a free loopback port with fresh random credentials and closes
// it (destroying every machine) when the test ends.
func StartForTest(t testing.TB, opts ...Option) *TestServer {
	t.Helper()
	id, key := "AKIDtcsim"+randomHex(12), randomHex(16)
	o := Options{Listen: "127.0.0.1:0", Credentials: map[string]string{id: key}}
	for _, fn := range opts {
		fn(&o)
	}
	srv, err := Start(context.Background(), o)
	if err != nil {
		t.Fatalf("start tcsim: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close tcsim: %v", err)
		}
	})
	return &TestServer{Server: srv, SecretID: id, SecretKey: key}
}
