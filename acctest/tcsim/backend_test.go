package tcsim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// fakeBackend records every call; it also proves tcsim never calls it with the state lock held
// by reading the state from inside each call.
type fakeBackend struct {
	t       *testing.T
	srv     func() *Server
	mu      sync.Mutex
	specs   []MachineSpec
	events  []string
	n       int
	failRef string
}

type fakeMachine struct {
	b    *fakeBackend
	id   string
	addr string
}

func (b *fakeBackend) record(ev string) {
	b.mu.Lock()
	b.events = append(b.events, ev)
	b.mu.Unlock()
	if srv := b.srv(); srv != nil {
		done := make(chan struct{})
		go func() { srv.Resources("ap-guangzhou"); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			b.t.Errorf("backend call %q made while tcsim held its state lock", ev)
		}
	}
}

func (b *fakeBackend) Launch(ctx context.Context, spec MachineSpec) (Machine, error) {
	b.record("launch " + spec.InstanceID + " " + spec.BackingRef)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.specs = append(b.specs, spec)
	if spec.BackingRef == b.failRef {
		return nil, errors.New("debootstrap exploded")
	}
	b.n++
	return &fakeMachine{b: b, id: spec.InstanceID, addr: fmt.Sprintf("198.18.0.%d", 10+b.n)}, nil
}

func (m *fakeMachine) Address() string { return m.addr }
func (m *fakeMachine) Stop(ctx context.Context) error {
	m.b.record("stop " + m.id)
	return nil
}
func (m *fakeMachine) Start(ctx context.Context) error {
	m.b.record("start " + m.id)
	return nil
}
func (m *fakeMachine) Snapshot(ctx context.Context) (string, error) {
	m.b.record("snapshot " + m.id)
	return "snap:" + m.id, nil
}
func (m *fakeMachine) Destroy(ctx context.Context) error {
	m.b.record("destroy " + m.id)
	return nil
}

func (b *fakeBackend) has(ev string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.events {
		if e == ev {
			return true
		}
	}
	return false
}

func TestBackendWiring(t *testing.T) {
	var srvRef *Server
	var srvMu sync.Mutex
	fb := &fakeBackend{t: t, failRef: "debian:trixie", srv: func() *Server { srvMu.Lock(); defer srvMu.Unlock(); return srvRef }}
	srv := StartForTest(t, WithBackend(fb))
	srvMu.Lock()
	srvRef = srv.Server
	srvMu.Unlock()

	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx3HJpIKfXm6bXkCZvhnzDnHFzUJvQzbn0x5kvvvDw5 builder"))
	if err != nil {
		t.Fatal(err)
	}
	pubText := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
	keyID := mustCall(t, srv, "cvm", "ImportKeyPair", map[string]any{"KeyName": "builder", "ProjectId": 0, "PublicKey": pubText})["KeyId"].(string)

	bookworm := catalogImageID("Debian 12.4 64位", "x86_64")
	trixie := catalogImageID("Debian 13.1 64位", "x86_64")
	runFrom := func(image string) string {
		out := mustCall(t, srv, "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"},
			"ImageId": image, "LoginSettings": map[string]any{"KeyIds": []string{keyID}}, "UserData": "IyEvYmluL3NoCg=="})
		return out["InstanceIdSet"].([]any)[0].(string)
	}

	backed := runFrom(bookworm)
	in := waitState(t, srv, backed, "RUNNING")
	if ip := in["PrivateIpAddresses"].([]any)[0]; !strings.HasPrefix(ip.(string), "198.18.0.") || in["PublicIpAddresses"].([]any)[0] != ip {
		t.Fatalf("addresses %v / %v are not the machine's", in["PrivateIpAddresses"], in["PublicIpAddresses"])
	}
	spec := fb.specs[0]
	if spec.BackingRef != "debian:bookworm" || spec.LoginUser != "root" || len(spec.AuthorizedKeys) != 1 || spec.AuthorizedKeys[0] != pubText || spec.UserData != "IyEvYmluL3NoCg==" {
		t.Fatalf("spec = %+v", spec)
	}
	if got := srv.Resources("ap-guangzhou").Backing[backed]; got != "machine" {
		t.Fatalf("backing = %q", got)
	}

	apiOnly := runFrom("img-9qrfy1xt")
	waitState(t, srv, apiOnly, "RUNNING")
	if got := srv.Resources("ap-guangzhou").Backing[apiOnly]; !strings.Contains(got, "api-only: image img-9qrfy1xt has no backing reference") {
		t.Fatalf("backing of a TencentOS instance = %q", got)
	}

	failed := runFrom(trixie)
	in = waitState(t, srv, failed, "LAUNCH_FAILED")
	if in["LatestOperationState"] != "FAILED" || !strings.Contains(in["LatestOperationErrorMsg"].(string), "debootstrap exploded") {
		t.Fatalf("failed launch = %v", in)
	}

	mustCall(t, srv, "cvm", "StopInstances", map[string]any{"InstanceIds": []string{backed}})
	waitState(t, srv, backed, "STOPPED")
	mustCall(t, srv, "cvm", "StartInstances", map[string]any{"InstanceIds": []string{backed}})
	waitState(t, srv, backed, "RUNNING")
	// A machine without Reboot is rebooted as a stop and a start.
	nEvents := len(fb.events)
	mustCall(t, srv, "cvm", "RebootInstances", map[string]any{"InstanceIds": []string{backed}})
	waitState(t, srv, backed, "RUNNING")
	fb.mu.Lock()
	reboot := strings.Join(fb.events[nEvents:], ",")
	fb.mu.Unlock()
	if reboot != "stop "+backed+",start "+backed {
		t.Fatalf("RebootInstances made the backend calls %q, want a stop and a start", reboot)
	}
	if _, code := call(t, srv, "ap-guangzhou", "cvm", "RebootInstances", map[string]any{"InstanceIds": []string{backed}, "StopType": "NOW"}); code != "InvalidParameterValue" {
		t.Fatalf("RebootInstances with StopType NOW: %q, want InvalidParameterValue", code)
	}

	imageID := mustCall(t, srv, "cvm", "CreateImage", map[string]any{"InstanceId": backed, "ImageName": "hardened-bookworm"})["ImageId"].(string)
	deadline := time.Now().Add(5 * time.Second)
	for srv.Resources("ap-guangzhou").PrivateImages[imageID] != "NORMAL" && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	fromSnap := runFrom(imageID)
	waitState(t, srv, fromSnap, "RUNNING")
	if !fb.has("launch " + fromSnap + " snap:" + backed) {
		t.Fatalf("instance from the custom image was not launched from the snapshot: %v", fb.events)
	}

	mustCall(t, srv, "cvm", "ResetInstance", map[string]any{"InstanceId": backed, "ImageId": imageID})
	waitState(t, srv, backed, "RUNNING")
	if !fb.has("destroy "+backed) || !fb.has("launch "+backed+" snap:"+backed) {
		t.Fatalf("reset did not destroy and relaunch: %v", fb.events)
	}

	mustCall(t, srv, "cvm", "TerminateInstances", map[string]any{"InstanceIds": []string{fromSnap, failed}})
	waitState(t, srv, fromSnap, "")
	if !fb.has("destroy " + fromSnap) {
		t.Fatalf("terminate did not destroy the machine: %v", fb.events)
	}

	// Close destroys the machines still running.
	before := len(fb.events)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	destroyed := 0
	for _, e := range fb.events[before:] {
		if strings.HasPrefix(e, "destroy ") {
			destroyed++
		}
	}
	if destroyed != 1 {
		t.Fatalf("Close destroyed %d machines, want 1 (%v)", destroyed, fb.events[before:])
	}
	srvMu.Lock()
	srvRef = nil
	srvMu.Unlock()
}

// slowBackend's machines take a while to destroy and fail if their context is cancelled, like
// a sandbox whose teardown is interrupted.
type slowBackend struct {
	mu        sync.Mutex
	launched  int
	destroyed int
}

type slowMachine struct{ b *slowBackend }

func (b *slowBackend) Launch(ctx context.Context, spec MachineSpec) (Machine, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.launched++
	return slowMachine{b}, nil
}
func (m slowMachine) Address() string                          { return "198.18.1.2" }
func (m slowMachine) Stop(context.Context) error               { return nil }
func (m slowMachine) Start(context.Context) error              { return nil }
func (m slowMachine) Snapshot(context.Context) (string, error) { return "snap", nil }
func (m slowMachine) Destroy(ctx context.Context) error {
	select {
	case <-time.After(50 * time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	m.b.destroyed++
	return nil
}

// TestCloseDuringTerminateDestroysEverything: shutting down while machines are being
// destroyed must not interrupt (and so leak) them.
func TestCloseDuringTerminateDestroysEverything(t *testing.T) {
	b := &slowBackend{}
	srv, err := Start(context.Background(), Options{Credentials: map[string]string{"AKIDslow": "k"}, Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	ts := &TestServer{Server: srv, SecretID: "AKIDslow", SecretKey: "k"}
	var ids []string
	for i := 0; i < 3; i++ {
		out := mustCall(t, ts, "cvm", "RunInstances", map[string]any{"Placement": map[string]any{"Zone": "ap-guangzhou-3"}, "ImageId": catalogImageID("Debian 12.4 64位", "x86_64")})
		id := out["InstanceIdSet"].([]any)[0].(string)
		waitState(t, ts, id, "RUNNING")
		ids = append(ids, id)
	}
	mustCall(t, ts, "cvm", "TerminateInstances", map[string]any{"InstanceIds": ids[:2]})
	time.Sleep(10 * time.Millisecond) // the two destroys are under way
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.launched != 3 || b.destroyed != 3 {
		t.Fatalf("launched %d, destroyed %d: machines leaked", b.launched, b.destroyed)
	}
}
