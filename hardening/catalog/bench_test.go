package catalog

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
)

// BenchmarkAuditFixture measures a full profile audit of a vendor fixture
// root (the notes ask for well under a second per audit).
func BenchmarkAuditFixture(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("fixture roots need root")
	}
	cat, err := NewWithClock(testNow)
	if err != nil {
		b.Fatal(err)
	}
	for _, pl := range fixturePlatforms {
		b.Run(pl, func(b *testing.B) {
			root := filepath.Join(b.TempDir(), "root")
			copyTree(b, filepath.Join(fixtureDir, pl), root)
			res, err := cat.Resolve(pl, engine.Platform{})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tg, err := engine.NewTarget(root, engine.TargetOptions{Mode: engine.ModeImage})
				if err != nil {
					b.Fatal(err)
				}
				engine.Audit(context.Background(), tg, res.Rules, engine.RunOptions{Waivers: res.Waivers})
			}
		})
	}
}
