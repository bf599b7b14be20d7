package provenance

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func testRecord() Record {
	return Record{
		ProfileID: "debian13-cis-l1", ProfileVersion: "1.0.0",
		Pass: 180, Fail: 0, Waived: 3, Manual: 7,
		BaseImageID: "img-debian13", BaseOsName: "Debian 13.1 64位",
		BaseEOL:        time.Date(2028, 8, 9, 0, 0, 0, 0, time.UTC),
		BuildTime:      time.Date(2026, 11, 23, 17, 4, 5, 0, time.UTC),
		BuilderVersion: "packer-plugin-hardened 0.1.0", BundleVersion: "harden 0.1.0",
		PackageSetHash: "sha256:" + strings.Repeat("ab", 32),
	}
}

func testKey(t testing.TB, seed byte) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func ring(t testing.TB, keys ...ed25519.PrivateKey) *KeyRing {
	t.Helper()
	var pubs []ed25519.PublicKey
	for _, k := range keys {
		pubs = append(pubs, k.Public().(ed25519.PublicKey))
	}
	r, err := NewKeyRing(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSignEncodeDecodeVerify(t *testing.T) {
	key := testKey(t, 1)
	s, err := Sign(testRecord(), key)
	if err != nil {
		t.Fatal(err)
	}
	tags := s.Tags()
	for k, v := range tags {
		if len(k) > MaxTagKeyLen || len(v) > MaxTagValueLen {
			t.Errorf("tag %q=%q exceeds Tencent limits", k, v)
		}
	}
	if tags["hardened:profile"] != "debian13-cis-l1" || tags["hardened:base-eol"] != "2028-08-09" {
		t.Fatalf("unexpected tags %v", tags)
	}
	got, err := VerifyTags(tags, ring(t, key))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if got.Record != testRecord() {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got.Record, testRecord())
	}
	if got.KeyID != s.KeyID || !strings.HasPrefix(got.KeyID, "SHA256:") {
		t.Fatalf("key id %q vs %q", got.KeyID, s.KeyID)
	}
}

func TestVerifyErrors(t *testing.T) {
	key, other := testKey(t, 1), testKey(t, 2)
	s, err := Sign(testRecord(), key)
	if err != nil {
		t.Fatal(err)
	}
	unsigned, err := Sign(testRecord(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mutate  func(map[string]string)
		tags    map[string]string
		trusted *KeyRing
		check   func(error) bool
		msg     string
	}{
		{name: "tampered field", mutate: func(m map[string]string) { m["hardened:audit-fail"] = "0"; m["hardened:audit-pass"] = "181" },
			trusted: ring(t, key), check: func(e error) bool { return errors.Is(e, ErrBadSignature) }, msg: "changed after signing"},
		{name: "tampered base os", mutate: func(m map[string]string) { m["hardened:base-os"] = "Debian 13.2 64位" },
			trusted: ring(t, key), check: func(e error) bool { return errors.Is(e, ErrBadSignature) }},
		{name: "unknown key", trusted: ring(t, other),
			check: func(e error) bool { var u *UnknownKeyError; return errors.As(e, &u) }, msg: "not among the trusted keys"},
		{name: "no trusted keys", trusted: nil,
			check: func(e error) bool { var u *UnknownKeyError; return errors.As(e, &u) }, msg: "no trusted keys"},
		{name: "missing field", mutate: func(m map[string]string) { delete(m, "hardened:base-image") }, trusted: ring(t, key),
			check: func(e error) bool { var m *MissingTagError; return errors.As(e, &m) }, msg: "hardened:base-image"},
		{name: "missing signature part", mutate: func(m map[string]string) { delete(m, "hardened:sig-0") }, trusted: ring(t, key),
			check: func(e error) bool { var m *MissingTagError; return errors.As(e, &m) }, msg: "hardened:sig-0"},
		{name: "missing key id", mutate: func(m map[string]string) { delete(m, "hardened:key-id") }, trusted: ring(t, key),
			check: func(e error) bool { var m *MissingTagError; return errors.As(e, &m) }, msg: "hardened:key-id"},
		{name: "non canonical count", mutate: func(m map[string]string) { m["hardened:audit-fail"] = "00" }, trusted: ring(t, key),
			check: func(e error) bool { var f *FieldError; return errors.As(e, &f) && f.Field == FieldAuditFail }},
		{name: "non canonical time", mutate: func(m map[string]string) { m["hardened:build-time"] = "2026-11-23T17:04:05+00:00" }, trusted: ring(t, key),
			check: func(e error) bool { var f *FieldError; return errors.As(e, &f) && f.Field == FieldBuildTime }, msg: "canonical"},
		{name: "future scheme", mutate: func(m map[string]string) { m["hardened:scheme"] = "hardened-provenance/v9" }, trusted: ring(t, key),
			check: func(e error) bool { var f *FieldError; return errors.As(e, &f) && f.Field == FieldScheme }},
		{name: "garbage signature", mutate: func(m map[string]string) { m["hardened:sig-0"] = "!!" }, trusted: ring(t, key),
			check: func(e error) bool { var f *FieldError; return errors.As(e, &f) }},
		{name: "unsigned", tags: unsigned.Tags(), trusted: ring(t, key),
			check: func(e error) bool { return errors.Is(e, ErrUnsigned) }},
		{name: "no provenance", tags: map[string]string{"team": "x"}, trusted: ring(t, key),
			check: func(e error) bool { return errors.Is(e, ErrNoProvenance) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tags := tc.tags
			if tags == nil {
				tags = s.Tags()
			}
			if tc.mutate != nil {
				tc.mutate(tags)
			}
			_, err := VerifyTags(tags, tc.trusted)
			if err == nil || !tc.check(err) {
				t.Fatalf("got error %v", err)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func TestSignatureSplitOverTags(t *testing.T) {
	// A signature longer than one tag value must be split and joined again.
	tags := map[string]string{}
	long := strings.Repeat("A", MaxTagValueLen+10)
	tags[TagPrefix+"sig-0"] = long[:MaxTagValueLen]
	tags[TagPrefix+"sig-1"] = long[MaxTagValueLen:]
	got, _, err := joinField(tags, sigField)
	if err != nil || got != long {
		t.Fatalf("join: %v", err)
	}
	delete(tags, TagPrefix+"sig-0")
	if _, _, err := joinField(tags, sigField); err == nil {
		t.Fatal("gap in signature parts accepted")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*Record)
		field string
	}{
		{"no profile", func(r *Record) { r.ProfileID = "" }, FieldProfile},
		{"no base image", func(r *Record) { r.BaseImageID = "" }, FieldBaseImage},
		{"no build time", func(r *Record) { r.BuildTime = time.Time{} }, FieldBuildTime},
		{"negative", func(r *Record) { r.Fail = -1 }, FieldAuditFail},
		{"too long", func(r *Record) { r.BaseOsName = strings.Repeat("x", 256) }, FieldBaseOS},
		{"newline", func(r *Record) { r.BuilderVersion = "a\nprofile=evil" }, FieldBuilder},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := testRecord()
			tc.mod(&r)
			_, err := Sign(r, testKey(t, 1))
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want field error on %s", err, tc.field)
			}
		})
	}
}

func TestKeyFormats(t *testing.T) {
	dir := t.TempDir()
	kp, err := WriteKeyFiles(filepath.Join(dir, "k"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteKeyFiles(filepath.Join(dir, "k"), nil); err == nil {
		t.Fatal("overwrote an existing private key")
	}
	fi, err := os.Stat(filepath.Join(dir, "k.pem"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", fi.Mode(), err)
	}
	priv, err := LoadPrivateKeyFile(filepath.Join(dir, "k.pem"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Sign(testRecord(), priv)
	if err != nil {
		t.Fatal(err)
	}
	for name, pub := range map[string][]byte{"pem": kp.PublicPEM, "ssh": []byte(kp.PublicSSH + " user@host\n")} {
		var r KeyRing
		id, err := r.Add(pub)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if id != kp.ID || id != s.KeyID {
			t.Fatalf("%s: id %s, want %s", name, id, kp.ID)
		}
		if err := Verify(s, &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}

	// OpenSSH private key format, as ssh-keygen writes it.
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ParsePrivateKey(pem.EncodeToMemory(block))
	if err != nil || !k2.Equal(priv) {
		t.Fatalf("openssh private key: %v", err)
	}

	bad := map[string][]byte{
		"empty":   nil,
		"rsa pem": pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1}}),
		"junk":    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}}),
	}
	for name, data := range bad {
		if _, err := ParsePrivateKey(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ParsePublicKey([]byte("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC")); err == nil {
		t.Error("rsa public key accepted")
	}
}

func TestSSHKeygenInterop(t *testing.T) {
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	priv, err := LoadPrivateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pubData, _ := os.ReadFile(path + ".pub")
	var r KeyRing
	id, err := r.Add(pubData)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ssh-keygen", "-l", "-f", path+".pub").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), id) {
		t.Fatalf("key id %s differs from ssh-keygen fingerprint %s", id, out)
	}
	s, err := Sign(testRecord(), priv)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(s, &r); err != nil {
		t.Fatal(err)
	}
	// PKCS#8 written by x509 for the same key gives the same id.
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	k2, err := ParsePrivateKey(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil || !k2.Equal(priv) {
		t.Fatal("pkcs8 round trip")
	}
}

func FuzzDecode(f *testing.F) {
	s, _ := Sign(testRecord(), testKey(f, 1))
	var seed []string
	for k, v := range s.Tags() {
		seed = append(seed, k+"\x00"+v)
	}
	f.Add(strings.Join(seed, "\x01"))
	f.Add("hardened:scheme\x00" + Scheme)
	f.Add("hardened:sig-0\x00AAAA\x01hardened:sig-01\x00x")
	trusted := ring(f, testKey(f, 1))
	f.Fuzz(func(t *testing.T, in string) {
		tags := map[string]string{}
		for _, kv := range strings.Split(in, "\x01") {
			k, v, _ := strings.Cut(kv, "\x00")
			tags[k] = v
		}
		got, err := Decode(tags)
		if err != nil {
			return
		}
		// Whatever decodes re-encodes to the same provenance tags.
		re := got.Tags()
		for k, v := range re {
			if tags[k] != v {
				t.Fatalf("re-encoded %s=%q, decoded from %q", k, v, tags[k])
			}
		}
		if err := Verify(got, trusted); err == nil && got.Record != testRecord() {
			t.Fatalf("forged record verified: %+v", got.Record)
		}
	})
}

// TestOpenSSLInterop: keys made as the pipeline README says (openssl genpkey)
// sign and verify.
func TestOpenSSLInterop(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	priv, pub := filepath.Join(dir, "signing.pem"), filepath.Join(dir, "signing.pub.pem")
	for _, args := range [][]string{{"genpkey", "-algorithm", "ed25519", "-out", priv}, {"pkey", "-in", priv, "-pubout", "-out", pub}} {
		if out, err := exec.Command("openssl", args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v %s", args, err, out)
		}
	}
	key, err := LoadPrivateKeyFile(priv)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(pub)
	var r KeyRing
	if _, err := r.Add(data); err != nil {
		t.Fatal(err)
	}
	s, err := Sign(testRecord(), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyTags(s.Tags(), &r); err != nil {
		t.Fatal(err)
	}
}
