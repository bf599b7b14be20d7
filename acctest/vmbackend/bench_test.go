package vmbackend

import (
	"context"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

// BenchmarkBootToSSH: RunInstances' machine part, from QEMU start (overlay,
// seed, netns ready) to the SSH banner; the goal is ≤ 30 s under TCG on 2
// cores. The load average is logged beside it: other work on the host
// slows TCG down directly.
func BenchmarkBootToSSH(b *testing.B) {
	skipUnlessVM(b)
	ctx := context.Background()
	be := benchBackend(b)
	if _, err := BaseDisk(ctx, "bookworm", b.Logf); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		m, err := be.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-bench1", BackingRef: "debian:bookworm", LoginUser: "root"})
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		total += d
		b.StopTimer()
		b.Logf("boot to SSH %s (load average %s, %s)", d.Round(100*time.Millisecond), loadAverage(), be.accel.name)
		if err := m.Destroy(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s/boot")
}

// BenchmarkCreateImage: CreateImage of a running VM (a live switch to a new
// overlay; the frozen one becomes the image).
func BenchmarkCreateImage(b *testing.B) {
	skipUnlessVM(b)
	ctx := context.Background()
	be := benchBackend(b)
	m, err := be.Launch(ctx, tcsim.MachineSpec{InstanceID: "ins-bench2", BackingRef: "debian:bookworm", LoginUser: "root"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Snapshot(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.Logf("load average %s", loadAverage())
}

func benchBackend(b *testing.B) *Backend {
	be, err := New(Config{Logf: b.Logf, DestroyOnSignal: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := be.Close(context.Background()); err != nil {
			b.Errorf("close vm backing: %v", err)
		}
	})
	return be
}
