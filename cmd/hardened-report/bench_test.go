package main

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkReport5000 is the #12 scaling target: hardened-report over 5000
// instances (on every x86_64 public image of tcsim) in one region. It fails
// when the API calls exceed ⌈instances/100⌉ + ⌈distinct images/100⌉ and
// reports wall time and calls per action (make bench-report).
func BenchmarkReport5000(b *testing.B) {
	const n = 5000
	s := startSim(b, "ap-guangzhou")
	names := make([]string, 0, len(s.images))
	for osName := range s.images {
		names = append(names, osName)
	}
	sort.Strings(names)
	seedStart := time.Now()
	for i, osName := range names {
		per := n / len(names)
		if i < n%len(names) {
			per++
		}
		s.launch(b, "ap-guangzhou", osName, per)
	}
	b.Logf("seeded %d instances on %d images in %s", n, len(names), time.Since(seedStart).Round(time.Millisecond))
	env := s.env()
	limit := ceil(n, 100) + ceil(len(names), 100)
	b.ResetTimer()
	for b.Loop() {
		s.srv.ResetStats()
		start := time.Now()
		r := runCLI(b, env, false, "--regions", "ap-guangzhou", "--format", "json", "--quiet")
		wall := time.Since(start)
		if r.code != exitOK {
			b.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		st := s.srv.Stats()
		if st.Total > limit {
			b.Fatalf("%d API calls (%v) for %d instances on %d images, want at most %d", st.Total, st.Actions, n, len(names), limit)
		}
		b.ReportMetric(float64(st.Actions["DescribeInstances"]), "DescribeInstances/op")
		b.ReportMetric(float64(st.Actions["DescribeImages"]), "DescribeImages/op")
		b.Logf("%d instances, %d images: wall %s, calls %v (limit %d)", n, len(names), wall.Round(time.Millisecond), fmt.Sprint(st.Actions), limit)
	}
}
