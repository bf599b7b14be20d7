package cvm

import (
	"encoding/json"
	"testing"
	"time"
)

func stateJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var fixedTime = time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
