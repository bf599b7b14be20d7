package tencent

import (
	"fmt"
	"strings"
	"testing"
)

func TestConfigStringRedactsSecrets(t *testing.T) {
	cfg := Config{Region: "ap-guangzhou", SecretID: "AKIDvisible", SecretKey: "very-secret-key", SecurityToken: "session-token"}
	for _, out := range []string{cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(&cfg)} {
		if strings.Contains(out, "very-secret-key") || strings.Contains(out, "session-token") {
			t.Fatalf("secret printed: %s", out)
		}
		if !strings.Contains(out, "AKIDvisible") {
			t.Fatalf("SecretID (not a secret) should stay visible for debugging: %s", out)
		}
	}
}

func TestCheckEndpointAcceptsHostAndPort(t *testing.T) {
	for _, ep := range []string{"127.0.0.1", "127.0.0.1:1", "localhost:65535", "cvm.internal.tencentcloudapi.com"} {
		if err := CheckEndpoint(ep); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v, want nil", ep, err)
		}
	}
}
