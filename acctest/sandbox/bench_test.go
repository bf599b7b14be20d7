package sandbox

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Benchmarks for the timing note. Base roots are warm (built by an
// earlier run or TestBaseRoot); the cold debootstrap is logged by TestBaseRoot.
//
//	go test -run '^$' -bench . -benchtime 5x ./acctest/sandbox/

func BenchmarkBaseRootWarm(b *testing.B) {
	skipUnlessCapable(b)
	ctx := context.Background()
	if _, err := BaseRoot(ctx, Bookworm); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := BaseRoot(ctx, Bookworm); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateDestroy is a warm sandbox create (overlay root, network,
// init, first boot, sshd answering) plus its destroy.
func BenchmarkCreateDestroy(b *testing.B) {
	skipUnlessCapable(b)
	ctx := context.Background()
	var create, destroy time.Duration
	for b.Loop() {
		t0 := time.Now()
		s, err := New(ctx, Options{})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := s.Destroy(ctx); err != nil {
			b.Fatal(err)
		}
		create += t1.Sub(t0)
		destroy += time.Since(t1)
	}
	b.ReportMetric(float64(create.Milliseconds())/float64(b.N), "create-ms/op")
	b.ReportMetric(float64(destroy.Milliseconds())/float64(b.N), "destroy-ms/op")
}

// BenchmarkSSHReady measures create until a key login as a cloud-init style
// user has succeeded.
func BenchmarkSSHReady(b *testing.B) {
	skipUnlessCapable(b)
	ctx := context.Background()
	signer, pub := testKey(b)
	for b.Loop() {
		s, err := New(ctx, Options{LoginUser: "cvmuser", AuthorizedKeys: []string{pub}})
		if err != nil {
			b.Fatal(err)
		}
		c, err := ssh.Dial("tcp", s.SSHAddr(), &ssh.ClientConfig{User: "cvmuser",
			Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: ssh.InsecureIgnoreHostKey()})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
		b.StopTimer()
		if err := s.Destroy(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func BenchmarkSnapshot(b *testing.B) {
	skipUnlessCapable(b)
	s := NewForTest(b, Options{})
	tarPath := filepath.Join(b.TempDir(), "s.tar")
	for b.Loop() {
		if err := s.Snapshot(context.Background(), tarPath); err != nil {
			b.Fatal(err)
		}
	}
	if fi, err := os.Stat(tarPath); err == nil {
		b.ReportMetric(float64(fi.Size()>>20), "MiB")
	}
}

func BenchmarkCreateFromSnapshot(b *testing.B) {
	skipUnlessCapable(b)
	ctx := context.Background()
	src := NewForTest(b, Options{})
	tarPath := filepath.Join(b.TempDir(), "s.tar")
	if err := src.Snapshot(ctx, tarPath); err != nil {
		b.Fatal(err)
	}
	// The first sandbox from a snapshot unpacks it; the rest reuse that.
	t0 := time.Now()
	first, err := New(ctx, Options{FromSnapshot: tarPath})
	if err != nil {
		b.Fatal(err)
	}
	firstMs := float64(time.Since(t0).Milliseconds())
	if err := first.Destroy(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		s, err := New(ctx, Options{FromSnapshot: tarPath})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Destroy(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(firstMs, "first-ms") // after the loop: ResetTimer clears metrics
}

// BenchmarkCopyRoot is the alternative to the overlay: a full copy of the base
// root with cp -a --reflink=auto (ext4 here: no reflinks, a real copy).
func BenchmarkCopyRoot(b *testing.B) {
	skipUnlessCapable(b)
	base, err := BaseRoot(context.Background(), Bookworm)
	if err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	for b.Loop() {
		dst := filepath.Join(tmp, "root")
		if out, err := exec.Command("cp", "-a", "--reflink=auto", base, dst).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v: %s", err, out)
		}
		b.StopTimer()
		if err := os.RemoveAll(dst); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
