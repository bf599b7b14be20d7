// Package tcsim is an in-process emulator of the Tencent Cloud CVM, VPC, CBS, Tag, STS and Lighthouse APIs. It speaks
// the real wire protocol (TC3-HMAC-SHA256, X-TC-* headers, the {"Response": ...} envelope) so the
// unmodified tencentcloud-sdk-go clients work against it with only the endpoint changed.
package tcsim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// Delays are the durations of the asynchronous state machines; zero means "as soon as the
// background goroutine runs", which keeps tests fast.
type Delays struct {
	Launch      time.Duration // PENDING → RUNNING
	Stop        time.Duration // STOPPING → STOPPED
	Start       time.Duration // STARTING → RUNNING
	Terminate   time.Duration // TERMINATING → gone
	Reset       time.Duration // ResetInstance
	CreateImage time.Duration // CREATING → NORMAL
	SyncImage   time.Duration // SYNCING → NORMAL
}

// UniformDelays sets every delay to d.
func UniformDelays(d time.Duration) Delays {
	return Delays{Launch: d, Stop: d, Start: d, Terminate: d, Reset: d, CreateImage: d, SyncImage: d}
}

// Options configures a Server.
type Options struct {
	// Listen is the address to bind; "127.0.0.1:0" (the default) picks a free port.
	Listen string
	// Credentials maps SecretId → SecretKey of the permanent keys tcsim accepts.
	Credentials map[string]string
	// Regions served; defaults to ten real region names with ap-guangzhou first.
	Regions []string
	// SeedFile adds images to (or replaces) the built-in public catalog.
	SeedFile string
	// StateFile, when set, is loaded at start (if it exists) and rewritten after every change.
	StateFile string
	Delays    Delays
	Faults    FaultConfig
	Backend   Backend
	// CAMRoleName is the role the metadata endpoint reports; default "tcsim-cam-role".
	CAMRoleName string
	// TempCredentialTTL is the lifetime of metadata-issued credentials; default 2h.
	TempCredentialTTL time.Duration
	// Clock returns "now" for signature freshness and credential expiry; default time.Now.
	Clock  func() time.Time
	Logger hclog.Logger
	// OwnerUin is the account id used in ImageCreator and role ARNs; default "100000000001".
	OwnerUin string
}

type handler func(rc *reqCtx) (any, *APIError)

type reqCtx struct {
	method    string
	query     url.Values
	region    string
	action    string
	body      []byte
	requestID string
	now       time.Time
}

// Server is a running tcsim.
type Server struct {
	opts     Options
	log      hclog.Logger
	clock    func() time.Time
	creds    *credStore
	faults   *faultInjector
	stats    *statsCounter
	catalog  []SeedImage
	routes   map[string]map[string]handler // service → action → handler
	versions map[string]string             // service → API version

	ln   net.Listener
	http *http.Server

	mu    sync.Mutex // guards world
	world *world

	bg       context.Context
	cancelBg context.CancelFunc
	wg       sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// Start validates opts, binds the listener and serves until Close (or ctx is cancelled).
func Start(ctx context.Context, opts Options) (*Server, error) {
	if len(opts.Credentials) == 0 {
		return nil, errors.New("tcsim: Options.Credentials is empty; give at least one SecretId → SecretKey pair")
	}
	for id, key := range opts.Credentials {
		if id == "" || key == "" {
			return nil, errors.New("tcsim: Options.Credentials has an empty SecretId or SecretKey")
		}
	}
	if err := opts.Faults.Validate(); err != nil {
		return nil, fmt.Errorf("tcsim: Options.Faults: %w", err)
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if len(opts.Regions) == 0 {
		opts.Regions = append([]string(nil), defaultRegions...)
	}
	if opts.CAMRoleName == "" {
		opts.CAMRoleName = "tcsim-cam-role"
	}
	if opts.TempCredentialTTL <= 0 {
		opts.TempCredentialTTL = 2 * time.Hour
	}
	if opts.OwnerUin == "" {
		opts.OwnerUin = "100000000001"
	}
	s := &Server{
		opts:   opts,
		log:    opts.Logger,
		clock:  opts.Clock,
		creds:  newCredStore(opts.Credentials),
		faults: newFaultInjector(opts.Faults),
		stats:  newStatsCounter(),
	}
	if s.log == nil {
		s.log = hclog.NewNullLogger()
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.catalog = builtinCatalog()
	if opts.SeedFile != "" {
		sf, err := LoadSeedFile(opts.SeedFile)
		if err != nil {
			return nil, fmt.Errorf("tcsim: %w", err)
		}
		if sf.ReplaceCatalog {
			s.catalog = nil
		}
		s.catalog = append(s.catalog, sf.Images...)
	}
	s.world = newWorld(opts.Regions, s.catalog)
	if opts.StateFile != "" {
		w, err := loadWorld(opts.StateFile)
		switch {
		case err == nil:
			s.world = w
		case errors.Is(err, fs.ErrNotExist):
		default:
			return nil, fmt.Errorf("tcsim: load --state-file: %w", err)
		}
	}
	s.registerRoutes()

	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("tcsim: listen on %s: %w", opts.Listen, err)
	}
	s.ln = ln
	s.bg, s.cancelBg = context.WithCancel(context.Background())
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(ln) }()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.bg.Done():
		}
	}()
	s.log.Info("tcsim listening", "url", s.URL(), "regions", len(opts.Regions))
	return s, nil
}

// URL is the base URL, e.g. http://127.0.0.1:40123.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Endpoint is host:port, what HttpProfile.Endpoint wants (with Scheme "HTTP").
func (s *Server) Endpoint() string { return s.ln.Addr().String() }

// Endpoints maps every served service to Endpoint(), the shape of tencent.Config.Endpoints
// (use it with Scheme "http").
func (s *Server) Endpoints() map[string]string {
	ep := s.Endpoint()
	return map[string]string{"cvm": ep, "vpc": ep, "sts": ep, "lighthouse": ep}
}

// MetadataURL is the base URL of the emulated instance metadata service; the CAM role
// credentials live under <MetadataURL>/latest/meta-data/cam/security-credentials/<role>.
func (s *Server) MetadataURL() string { return s.URL() + "/_tcsim/metadata" }

// CAMRoleName is the role name the metadata service hands out credentials for.
func (s *Server) CAMRoleName() string { return s.opts.CAMRoleName }

// SetFaults replaces the fault configuration.
func (s *Server) SetFaults(cfg FaultConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	s.faults.set(cfg)
	return nil
}

// Stats returns the request counters.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// ResetStats zeroes the request counters.
func (s *Server) ResetStats() { s.stats.reset() }

// Close stops serving, waits for the state machines, destroys every machine and saves state.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := s.http.Shutdown(shutdownCtx)
		s.cancelBg()
		s.wg.Wait()
		machines := s.detachMachines()
		destroyCtx, cancel2 := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel2()
		for id, m := range machines {
			if derr := m.Destroy(destroyCtx); derr != nil {
				err = errors.Join(err, fmt.Errorf("destroy machine of %s: %w", id, derr))
			}
		}
		s.mu.Lock()
		s.persistLocked()
		s.mu.Unlock()
		s.closeErr = err
	})
	return s.closeErr
}

// detachMachines removes every machine from its instance and returns them by instance id.
func (s *Server) detachMachines() map[string]Machine {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Machine{}
	for _, rs := range s.world.Regions {
		for id, in := range rs.Instances {
			if in.machine != nil {
				out[id] = in.machine
				in.machine = nil
			}
		}
		if rs.Lighthouse == nil {
			continue
		}
		for id, in := range rs.Lighthouse.Instances {
			if in.machine != nil {
				out[id] = in.machine
				in.machine = nil
			}
		}
	}
	return out
}

// destroyMachine destroys a machine that has already been detached from its instance. It does
// not use the state machines' context: Close cancels that one, and a machine detached but not
// destroyed would leak.
// releaseMachine detaches the machine backing an instance (if any) under s.mu and destroys it
// outside the lock, so a slow backend never blocks the API; the caller does not hold s.mu.
func (s *Server) releaseMachine(region, id string) {
	s.mu.Lock()
	var m Machine
	if r, ok := s.world.Regions[region].Instances[id]; ok {
		m, r.machine = r.machine, nil
	}
	s.mu.Unlock()
	s.destroyMachine(id, m)
}

func (s *Server) destroyMachine(id string, m Machine) {
	if m == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := m.Destroy(ctx); err != nil {
		s.log.Warn("destroy machine", "instance", id, "error", err)
	}
}

// Reset drops every resource, re-seeds the catalog and zeroes the counters.
func (s *Server) Reset() {
	machines := s.detachMachines()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for id, m := range machines {
		if err := m.Destroy(ctx); err != nil {
			s.log.Warn("destroy machine on reset", "instance", id, "error", err)
		}
	}
	s.mu.Lock()
	s.world = newWorld(s.opts.Regions, s.catalog)
	s.persistLocked()
	s.mu.Unlock()
	s.stats.reset()
}

func (s *Server) persistLocked() {
	if s.opts.StateFile == "" {
		return
	}
	if err := saveWorld(s.opts.StateFile, s.world); err != nil {
		s.log.Error("save state", "error", err)
	}
}

// async runs fn in the background after delay; fn must take s.mu itself when it touches state.
func (s *Server) async(delay time.Duration, fn func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if delay > 0 {
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-s.bg.Done():
				return
			}
		}
		if s.bg.Err() != nil {
			return
		}
		fn(s.bg)
	}()
}

// ServeHTTP routes admin paths and the Tencent Cloud API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_tcsim/") {
		s.serveAdmin(w, r)
		return
	}
	s.serveAPI(w, r)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		writeAPIError(w, requestID, apiErr("InvalidParameter", "read request body: %v", err))
		return
	}
	action := r.Header.Get("X-TC-Action")
	s.stats.request(action)

	if delay, kind := s.faults.draw(action); delay > 0 || kind != "" {
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		if kind != "" {
			s.stats.fault(action)
			s.log.Debug("injecting fault", "action", action, "kind", string(kind))
			switch kind {
			case FaultThrottle:
				writeAPIError(w, requestID, apiErr("RequestLimitExceeded", "Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls."))
			case FaultInternal:
				writeAPIError(w, requestID, apiErr("InternalError", "An internal error has occurred. Retry your request, but if the problem persists, contact us."))
			case FaultHTTP502:
				http.Error(w, "502 Bad Gateway", http.StatusBadGateway)
			case FaultHTTP504:
				http.Error(w, "504 Gateway Time-out", http.StatusGatewayTimeout)
			case FaultReset:
				resetConnection(w)
			}
			return
		}
	}

	code, payload := s.dispatch(r, body, action, requestID)
	if code != nil {
		s.stats.apiError(code.Code)
		s.log.Debug("api error", "action", action, "code", code.Code, "request_id", requestID)
		writeAPIError(w, requestID, code)
		return
	}
	s.log.Trace("api call", "action", action, "region", r.Header.Get("X-TC-Region"), "request_id", requestID)
	writeResult(w, requestID, payload)
}

func (s *Server) dispatch(r *http.Request, body []byte, action, requestID string) (*APIError, any) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return apiErr("UnsupportedProtocol", "Use POST (JSON body) or GET (query parameters)."), nil
	}
	now := s.clock()
	ar, aerr := s.creds.verify(r, body, now)
	if aerr != nil {
		return aerr, nil
	}
	if action == "" {
		return missingParam("Action"), nil
	}
	actions, ok := s.routes[ar.Service]
	if !ok {
		return apiErr("InvalidAction", "The service `%s` is not served by tcsim.", ar.Service), nil
	}
	h, ok := actions[action]
	if !ok {
		return apiErr("InvalidAction", "The action `%s` is not found in service %s.", action, ar.Service), nil
	}
	if v := r.Header.Get("X-TC-Version"); v != s.versions[ar.Service] {
		return apiErr("NoSuchVersion", "The API version `%s` does not exist for %s; use %s.", v, ar.Service, s.versions[ar.Service]), nil
	}
	region := r.Header.Get("X-TC-Region")
	// STS and the tag service are global: the region, when sent, is only checked.
	if region == "" && ar.Service != "sts" && ar.Service != "tag" {
		return missingParam("Region"), nil
	}
	if region != "" && !contains(s.opts.Regions, region) {
		return apiErr("UnsupportedRegion", "The region `%s` is not supported.", region), nil
	}
	rc := &reqCtx{method: r.Method, query: r.URL.Query(), region: region, action: action, body: body, requestID: requestID, now: now}
	payload, herr := h(rc)
	if herr != nil {
		return herr, nil
	}
	if s.opts.StateFile != "" && !strings.HasPrefix(action, "Describe") {
		s.mu.Lock()
		s.persistLocked()
		s.mu.Unlock()
	}
	return nil, payload
}

// resetConnection closes the client's TCP connection abruptly (RST), as a crashed gateway would.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "connection reset", http.StatusBadGateway)
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// region returns the state of the request's region; the caller holds s.mu.
func (s *Server) region(rc *reqCtx) *regionState {
	rs, ok := s.world.Regions[rc.region]
	if !ok {
		rs = newRegionState()
		s.world.Regions[rc.region] = rs
	}
	return rs
}
