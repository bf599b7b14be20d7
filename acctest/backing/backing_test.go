package backing

import (
	"strings"
	"testing"
)

func TestNewRefusesUnknownBacking(t *testing.T) {
	_, _, err := New("docker", t.Logf)
	if err == nil || !strings.Contains(err.Error(), `TCSIM_BACKING="docker": use sandbox or vm`) {
		t.Fatalf("New(docker) = %v, want the variable and the choices named", err)
	}
}
