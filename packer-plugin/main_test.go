package main

import (
	"bytes"
	"crypto/ed25519"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

func TestKeygen(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "k")
	var out, errb bytes.Buffer
	if code := keygen([]string{"-out", prefix}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	key, err := provenance.LoadPrivateKeyFile(prefix + ".pem")
	if err != nil {
		t.Fatal(err)
	}
	id, _ := provenance.KeyID(key.Public().(ed25519.PublicKey))
	if !strings.Contains(out.String(), id) {
		t.Fatalf("output does not show key id %s: %s", id, out.String())
	}
	if code := keygen([]string{"-out", prefix}, &out, &errb); code == 0 {
		t.Fatal("keygen overwrote an existing key")
	}
	if code := keygen(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "-out") {
		t.Fatalf("missing -out: exit %d %s", code, errb.String())
	}
}
