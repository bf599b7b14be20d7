package provenance

import "testing"

// The provider verifies the provenance of every image a plan touches.
func BenchmarkVerifyTags(b *testing.B) {
	key := testKey(b, 1)
	s, err := Sign(testRecord(), key)
	if err != nil {
		b.Fatal(err)
	}
	tags := s.Tags()
	trusted := ring(b, key)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyTags(tags, trusted); err != nil {
			b.Fatal(err)
		}
	}
}
