package report

import "testing"

func TestSectionTitleLayouts(t *testing.T) {
	for _, tc := range []struct {
		sec   string
		seven bool
		want  string
	}{
		{"4", false, "4 Logging and auditing"},
		{"6", false, "6 System maintenance"},
		{"4", true, "4 Host based firewall"},
		{"6", true, "6 Logging and auditing"},
		{"7", true, "7 System maintenance"},
		{"cloud", true, "Cloud baseline"},
		{"9", false, "Section 9"},
	} {
		if got := SectionTitle(tc.sec, tc.seven); got != tc.want {
			t.Errorf("SectionTitle(%q, %v) = %q, want %q", tc.sec, tc.seven, got, tc.want)
		}
	}
}
