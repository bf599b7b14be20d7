package tcsim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Stats counts requests per X-TC-Action (faulted ones included), injected faults per action and
// API error codes answered.
type Stats struct {
	Total   int64            `json:"total"`
	Actions map[string]int64 `json:"actions"`
	Faults  map[string]int64 `json:"faults"`
	Errors  map[string]int64 `json:"errors"`
}

type statsCounter struct {
	mu sync.Mutex
	s  Stats
}

func newStatsCounter() *statsCounter {
	c := &statsCounter{}
	c.reset()
	return c
}

func (c *statsCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s = Stats{Actions: map[string]int64{}, Faults: map[string]int64{}, Errors: map[string]int64{}}
}

func (c *statsCounter) request(action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Total++
	c.s.Actions[action]++
}

func (c *statsCounter) fault(action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Faults[action]++
}

func (c *statsCounter) apiError(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Errors[code]++
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := Stats{Total: c.s.Total, Actions: map[string]int64{}, Faults: map[string]int64{}, Errors: map[string]int64{}}
	for k, v := range c.s.Actions {
		out.Actions[k] = v
	}
	for k, v := range c.s.Faults {
		out.Faults[k] = v
	}
	for k, v := range c.s.Errors {
		out.Errors[k] = v
	}
	return out
}

// StateSnapshot is what GET /_tcsim/state answers: every resource of every region (secrets
// such as passwords, private keys and session tokens left out) and the issued temporary keys.
type StateSnapshot struct {
	Regions              map[string]json.RawMessage `json:"regions"`
	TemporaryCredentials []tempCredential           `json:"temporaryCredentials"`
	Faults               FaultConfig                `json:"faults"`
}

// State returns a deep copy of the current state as JSON-ready data.
func (s *Server) State() StateSnapshot {
	s.mu.Lock()
	regions := make(map[string]json.RawMessage, len(s.world.Regions))
	for name, rs := range s.world.Regions {
		b, err := json.Marshal(rs)
		if err != nil {
			b, _ = json.Marshal(map[string]string{"error": err.Error()})
		}
		regions[name] = b
	}
	s.mu.Unlock()
	return StateSnapshot{Regions: regions, TemporaryCredentials: s.creds.snapshot(), Faults: s.faults.config()}
}

// RegionResources is a decoded view of one region for tests: ids per resource kind.
type RegionResources struct {
	Instances      map[string]string // id → InstanceState
	PrivateImages  map[string]string // id → ImageState
	KeyPairs       []string
	Vpcs           []string
	Subnets        []string
	SecurityGroups []string
	// Snapshots are CBS snapshots; DeleteImages leaves an image's snapshot unless DeleteBindedSnap.
	Snapshots []string
	// Backing maps instance id → "machine" or "api-only: why".
	Backing map[string]string
	// Lighthouse lists the Lighthouse resources (a separate product with its own ids).
	Lighthouse LighthouseResources
}

// Resources lists the non-public resources of one region created through the API, for orphan
// checks; seeded images are left out.
func (s *Server) Resources(region string) RegionResources {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := RegionResources{Instances: map[string]string{}, PrivateImages: map[string]string{}, Backing: map[string]string{},
		Lighthouse: lighthouseResources(nil)}
	rs, ok := s.world.Regions[region]
	if !ok {
		return out
	}
	for id, in := range rs.Instances {
		out.Instances[id] = str(in.Instance.InstanceState)
		out.Backing[id] = in.Backing
	}
	for id, im := range rs.Images {
		if im.ImageType != "PUBLIC_IMAGE" && !im.Seeded {
			out.PrivateImages[id] = im.ImageState
		}
	}
	for id := range rs.KeyPairs {
		out.KeyPairs = append(out.KeyPairs, id)
	}
	for id := range rs.Vpcs {
		out.Vpcs = append(out.Vpcs, id)
	}
	for id := range rs.Subnets {
		out.Subnets = append(out.Subnets, id)
	}
	for id := range rs.SecurityGroups {
		out.SecurityGroups = append(out.SecurityGroups, id)
	}
	for id := range rs.Snapshots {
		out.Snapshots = append(out.Snapshots, id)
	}
	out.Lighthouse = lighthouseResources(rs.Lighthouse)
	return out
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := strings.CutPrefix(path, "/_tcsim/metadata/"); ok {
		s.serveMetadata(w, r, rest)
		return
	}
	switch {
	case path == "/_tcsim/state" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.State())
	case path == "/_tcsim/stats" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Stats())
	case path == "/_tcsim/stats" && r.Method == http.MethodDelete:
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	case path == "/_tcsim/faults" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.faults.config())
	case path == "/_tcsim/faults" && r.Method == http.MethodPost:
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		var cfg FaultConfig
		if err := json.Unmarshal(b, &cfg); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "fault config: " + err.Error()})
			return
		}
		if err := s.SetFaults(cfg); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, s.faults.config())
	case path == "/_tcsim/reset" && r.Method == http.MethodPost:
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown admin endpoint; use GET /_tcsim/state, GET /_tcsim/stats, POST /_tcsim/faults, POST /_tcsim/reset"})
	}
}

// serveMetadata emulates http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/.
func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request, rest string) {
	const prefix = "latest/meta-data/cam/security-credentials/"
	role, ok := strings.CutPrefix(rest, prefix)
	if !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	s.stats.request("metadata:cam")
	if role == "" {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, s.opts.CAMRoleName)
		return
	}
	if role != s.opts.CAMRoleName {
		http.NotFound(w, r)
		return
	}
	now := s.clock()
	t := s.creds.issue(now, s.opts.TempCredentialTTL, "metadata:"+role)
	writeJSON(w, http.StatusOK, map[string]any{
		"TmpSecretId":  t.SecretID,
		"TmpSecretKey": t.SecretKey,
		"ExpiredTime":  t.Expires.Unix(),
		"Expiration":   t.Expires.UTC().Format(time.RFC3339),
		"Token":        t.Token,
		"Code":         "Success",
	})
}
