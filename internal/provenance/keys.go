package provenance

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/crypto/ssh"
)

// KeyID is the fingerprint of a public key in the form ssh-keygen -l prints
// ("SHA256:…"), so users can compare it with their OpenSSH tooling.
func KeyID(pub ed25519.PublicKey) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", fmt.Errorf("public key: want ed25519 (%d bytes), got %d bytes", ed25519.PublicKeySize, len(pub))
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("public key: %w", err)
	}
	return ssh.FingerprintSHA256(sp), nil
}

// KeyRing is a set of trusted public keys by key id. The zero value is
// empty; a nil *KeyRing is an empty ring.
type KeyRing struct {
	keys map[string]ed25519.PublicKey
}

// NewKeyRing builds a ring from public keys.
func NewKeyRing(pubs ...ed25519.PublicKey) (*KeyRing, error) {
	r := &KeyRing{keys: map[string]ed25519.PublicKey{}}
	for i, p := range pubs {
		id, err := KeyID(p)
		if err != nil {
			return nil, fmt.Errorf("trusted key %d: %w", i, err)
		}
		r.keys[id] = p
	}
	return r, nil
}

// Add parses one public key (PEM or OpenSSH, see ParsePublicKey) into the ring.
func (r *KeyRing) Add(data []byte) (string, error) {
	pub, err := ParsePublicKey(data)
	if err != nil {
		return "", err
	}
	id, err := KeyID(pub)
	if err != nil {
		return "", err
	}
	if r.keys == nil {
		r.keys = map[string]ed25519.PublicKey{}
	}
	r.keys[id] = pub
	return id, nil
}

// Get returns the key with id.
func (r *KeyRing) Get(id string) (ed25519.PublicKey, bool) {
	if r == nil {
		return nil, false
	}
	k, ok := r.keys[id]
	return k, ok
}

// IDs lists the key ids, sorted.
func (r *KeyRing) IDs() []string {
	if r == nil {
		return nil
	}
	ids := make([]string, 0, len(r.keys))
	for id := range r.keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Len is the number of keys.
func (r *KeyRing) Len() int {
	if r == nil {
		return 0
	}
	return len(r.keys)
}

// ParsePrivateKey reads an ed25519 private key from PEM PKCS#8
// ("PRIVATE KEY", as written by GenerateKey and `openssl genpkey -algorithm
// ed25519`) or the OpenSSH format (`ssh-keygen -t ed25519`, unencrypted).
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("signing key: no PEM block found; expected an ed25519 key in PKCS#8 PEM (BEGIN PRIVATE KEY) or OpenSSH format (BEGIN OPENSSH PRIVATE KEY)")
	}
	switch block.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("signing key: parse PKCS#8: %w", err)
		}
		ek, ok := k.(ed25519.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("signing key: PKCS#8 key is %T; only ed25519 keys can sign provenance", k)
		}
		return ek, nil
	case "OPENSSH PRIVATE KEY":
		k, err := ssh.ParseRawPrivateKey(data)
		if err != nil {
			return nil, fmt.Errorf("signing key: parse OpenSSH key: %w (passphrase-protected keys are not supported; export an unencrypted copy for the build)", err)
		}
		switch ek := k.(type) {
		case *ed25519.PrivateKey:
			return *ek, nil
		case ed25519.PrivateKey:
			return ek, nil
		default:
			return nil, fmt.Errorf("signing key: OpenSSH key is %T; only ed25519 keys can sign provenance (ssh-keygen -t ed25519)", k)
		}
	default:
		return nil, fmt.Errorf("signing key: PEM block %q is not supported; expected PRIVATE KEY (PKCS#8) or OPENSSH PRIVATE KEY", block.Type)
	}
}

// ParsePublicKey reads an ed25519 public key from PEM ("PUBLIC KEY", PKIX)
// or an OpenSSH authorized_keys line ("ssh-ed25519 AAAA… comment").
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	text := strings.TrimSpace(string(data))
	if strings.HasPrefix(text, "ssh-") {
		sp, _, _, _, err := ssh.ParseAuthorizedKey([]byte(text))
		if err != nil {
			return nil, fmt.Errorf("public key: parse OpenSSH key: %w", err)
		}
		ck, ok := sp.(ssh.CryptoPublicKey)
		if !ok {
			return nil, fmt.Errorf("public key: %s keys are not supported; use ssh-ed25519", sp.Type())
		}
		ek, ok := ck.CryptoPublicKey().(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("public key: %s keys are not supported; use ssh-ed25519", sp.Type())
		}
		return ek, nil
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("public key: expected PEM (BEGIN PUBLIC KEY) or an OpenSSH line (ssh-ed25519 AAAA…)")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("public key: PEM block %q is not supported; expected PUBLIC KEY", block.Type)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key: parse PKIX: %w", err)
	}
	ek, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key: key is %T; only ed25519 keys verify provenance", k)
	}
	return ek, nil
}

// LoadPrivateKeyFile reads a signing key file.
func LoadPrivateKeyFile(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	k, err := ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// KeyPair is a freshly generated key in the formats users need.
type KeyPair struct {
	ID         string
	PrivatePEM []byte // PKCS#8 "PRIVATE KEY": keep secret, give to the builder (signing_key_file)
	PublicPEM  []byte // PKIX "PUBLIC KEY": give to verifiers (trusted_keys)
	PublicSSH  string // the same public key as an OpenSSH line
}

// GenerateKey makes a new ed25519 signing key. rand nil means crypto/rand.
func GenerateKey(random io.Reader) (KeyPair, error) {
	if random == nil {
		random = rand.Reader
	}
	pub, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return KeyPair{}, fmt.Errorf("generate ed25519 key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return KeyPair{}, fmt.Errorf("encode private key: %w", err)
	}
	pder, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return KeyPair{}, fmt.Errorf("encode public key: %w", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return KeyPair{}, fmt.Errorf("encode public key: %w", err)
	}
	id, err := KeyID(pub)
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{
		ID:         id,
		PrivatePEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		PublicPEM:  pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}),
		PublicSSH:  strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))),
	}, nil
}

// WriteKeyFiles writes <prefix>.pem (mode 0600, refusing to overwrite) and
// <prefix>.pub.pem for a new key and returns it.
func WriteKeyFiles(prefix string, random io.Reader) (KeyPair, error) {
	kp, err := GenerateKey(random)
	if err != nil {
		return KeyPair{}, err
	}
	f, err := os.OpenFile(prefix+".pem", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return KeyPair{}, fmt.Errorf("write private key: %w", err)
	}
	if _, err := f.Write(kp.PrivatePEM); err != nil {
		f.Close()
		return KeyPair{}, fmt.Errorf("write private key: %w", err)
	}
	if err := f.Close(); err != nil {
		return KeyPair{}, fmt.Errorf("write private key: %w", err)
	}
	if err := os.WriteFile(prefix+".pub.pem", kp.PublicPEM, 0o644); err != nil {
		return KeyPair{}, fmt.Errorf("write public key: %w", err)
	}
	return kp, nil
}
