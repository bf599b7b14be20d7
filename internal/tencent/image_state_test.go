package tencent

import "testing"

func TestMeetsMinState(t *testing.T) {
	tests := []struct {
		state, min string
		want       bool
	}{
		{"NORMAL", "", true},
		{"USING", "NORMAL", true},
		{"CREATING", "NORMAL", false},
		{"SYNCING", "NORMAL", false},
		{"CREATEFAILED", "NORMAL", false},
		{"CREATING", "CREATING", true},
		{"IMPORTING", "CREATING", true},
		{"IMPORTFAILED", "CREATING", false},
		{"CREATEFAILED", "ANY", true},
		{"SOMETHING_NEW", "NORMAL", false}, // unknown states are never "ready"
		{"SOMETHING_NEW", "CREATING", false},
	}
	for _, tt := range tests {
		if got := MeetsMinState(tt.state, tt.min); got != tt.want {
			t.Errorf("MeetsMinState(%q, %q) = %v, want %v", tt.state, tt.min, got, tt.want)
		}
	}
	if err := CheckMinImageState("READY"); err == nil {
		t.Error("CheckMinImageState accepted READY")
	}
	for _, v := range MinImageStates {
		if err := CheckMinImageState(v); err != nil {
			t.Error(err)
		}
	}
}
