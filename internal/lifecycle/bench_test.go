package lifecycle

import (
	"testing"
	"time"
)

// BenchmarkParseAndStatus measures the per-image cost the policy engine pays:
// parse an OsName, look the release up, compute its status. Goal ≤ 2 µs/op.
func BenchmarkParseAndStatus(b *testing.B) {
	c, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{
		"Ubuntu Server 22.04 LTS 64bit UEFI", "TencentOS Server 3.2 (Final)", "CentOS 7.9 64位",
		"Windows Server 2019 数据中心版 64位中文版", "Debian 12.4 64位", "Rocky Linux 9.3 64位",
	}
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	p := DefaultPolicy()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, _, _ := c.Parse(names[i%len(names)], "")
		if s := Compute(r, today, p); s.Phase == "" {
			b.Fatal("empty phase")
		}
	}
}

// BenchmarkParseAndEvaluate adds the successor-chain recommendation the
// policy engine uses for plan-time errors.
func BenchmarkParseAndEvaluate(b *testing.B) {
	c, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"Ubuntu Server 18.04.1 LTS 64位", "CentOS 7.9 64位", "Debian 12.4 64位", "Rocky Linux 9.3 64位"}
	today := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	p := DefaultPolicy()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r, _, _ := c.Parse(names[i%len(names)], "")
		if s := c.Evaluate(r, today, p); s.Phase == "" {
			b.Fatal("empty phase")
		}
	}
}
