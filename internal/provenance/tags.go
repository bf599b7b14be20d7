package provenance

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Signed is a decoded (or freshly signed) provenance record. KeyID and
// Signature are empty for unsigned builds.
type Signed struct {
	Record
	KeyID     string
	Signature []byte
	// fields holds the exact values read from tags, so Verify checks what
	// the image really carries rather than a re-rendering of it.
	fields map[string]string
}

// IsSigned reports whether the record carries a signature.
func (s Signed) IsSigned() bool { return len(s.Signature) > 0 }

// Sign signs r with key. A nil key gives an unsigned record (the builder
// says so to the user); its tags carry no key id and no signature.
func Sign(r Record, key ed25519.PrivateKey) (Signed, error) {
	if err := r.Validate(); err != nil {
		return Signed{}, err
	}
	s := Signed{Record: r, fields: r.fields()}
	if key == nil {
		return s, nil
	}
	if len(key) != ed25519.PrivateKeySize {
		return Signed{}, fmt.Errorf("signing key: want an ed25519 private key of %d bytes, got %d", ed25519.PrivateKeySize, len(key))
	}
	id, err := KeyID(key.Public().(ed25519.PublicKey))
	if err != nil {
		return Signed{}, err
	}
	s.KeyID = id
	s.Signature = ed25519.Sign(key, canonical(s.fields))
	return s, nil
}

// Tags renders the record as Tencent Cloud tags.
func (s Signed) Tags() map[string]string {
	f := s.fields
	if f == nil {
		f = s.Record.fields()
	}
	tags := map[string]string{TagPrefix + FieldScheme: Scheme}
	for _, name := range signedFields {
		switch v := f[name]; {
		case v == "":
		case name == FieldVulnsOpen:
			splitField(tags, name, v)
		default:
			tags[TagPrefix+name] = v
		}
	}
	if s.IsSigned() {
		tags[TagPrefix+FieldKeyID] = s.KeyID
		splitField(tags, sigField, base64.StdEncoding.EncodeToString(s.Signature))
	}
	return tags
}

// HasProvenance reports whether tags carry any provenance tag at all, so a
// caller can tell "not a hardened image" from "a broken record".
func HasProvenance(tags map[string]string) bool {
	for k := range tags {
		if strings.HasPrefix(k, TagPrefix) {
			return true
		}
	}
	return false
}

// Errors of Decode and Verify, matchable with errors.Is / errors.As.
var (
	// ErrNoProvenance: the tags carry no provenance at all.
	ErrNoProvenance = errors.New("image carries no hardened provenance tags")
	// ErrUnsigned: the record has no signature (the build had no signing key).
	ErrUnsigned = errors.New("provenance is not signed")
	// ErrBadSignature: the signature does not match the fields under the named
	// key: a field was changed after signing or the signature is corrupt.
	ErrBadSignature = errors.New("provenance signature does not match its fields")
)

// MissingTagError names a tag a record needs but does not carry.
type MissingTagError struct{ Key string }

func (e *MissingTagError) Error() string {
	return fmt.Sprintf("provenance tag %q is missing", e.Key)
}

// UnknownKeyError says the record was signed by a key that is not trusted.
type UnknownKeyError struct {
	KeyID   string
	Trusted []string
}

func (e *UnknownKeyError) Error() string {
	if len(e.Trusted) == 0 {
		return fmt.Sprintf("provenance is signed by key %s but no trusted keys are configured", e.KeyID)
	}
	return fmt.Sprintf("provenance is signed by key %s, which is not among the trusted keys (%s)", e.KeyID, strings.Join(e.Trusted, ", "))
}

// Decode reads a record from tags. Tags without the prefix are ignored;
// unknown tags with the prefix are ignored too (a later scheme may add
// unsigned annotations) but every signed field must be well formed.
func Decode(tags map[string]string) (Signed, error) {
	if !HasProvenance(tags) {
		return Signed{}, ErrNoProvenance
	}
	if plain, packed, err := unpack(tags); err != nil {
		return Signed{}, err
	} else if packed {
		if _, both := tags[TagPrefix+FieldScheme]; both {
			return Signed{}, errPackedAndPlain
		}
		tags = plain
	}
	scheme, ok := tags[TagPrefix+FieldScheme]
	if !ok {
		return Signed{}, &MissingTagError{Key: TagPrefix + FieldScheme}
	}
	if scheme != Scheme {
		return Signed{}, &FieldError{Field: FieldScheme, Msg: fmt.Sprintf("is %q; this version understands only %q", scheme, Scheme)}
	}
	f := make(map[string]string, len(signedFields))
	for _, name := range signedFields {
		v, ok := tags[TagPrefix+name]
		if name == FieldVulnsOpen {
			var err error
			if v, ok, err = joinField(tags, name); err != nil {
				return Signed{}, err
			}
		}
		if !ok {
			if requiredFields[name] {
				return Signed{}, &MissingTagError{Key: TagPrefix + name}
			}
			continue
		}
		if v == "" {
			return Signed{}, &FieldError{Field: name, Msg: "is present but empty"}
		}
		if name == FieldVulnsOpen && strings.ContainsAny(v, "\r\n") {
			return Signed{}, &FieldError{Field: name, Msg: "must not contain line breaks"}
		}
		if name != FieldVulnsOpen { // split over tags: each part is within the limit
			if err := checkValue(name, v); err != nil {
				return Signed{}, err
			}
		}
		f[name] = v
	}
	r, err := parseRecord(f)
	if err != nil {
		return Signed{}, err
	}
	// Values must be in canonical form, or two encodings of one record
	// would exist and only one of them would verify.
	if want := r.fields(); !sameFields(want, f) {
		for _, name := range signedFields {
			if want[name] != f[name] {
				return Signed{}, &FieldError{Field: name, Msg: fmt.Sprintf("is not in canonical form: %q (expected %q)", f[name], want[name])}
			}
		}
	}
	s := Signed{Record: r, fields: f}

	keyID, hasKey := tags[TagPrefix+FieldKeyID]
	sig, _, err := joinField(tags, sigField)
	if err != nil {
		return Signed{}, err
	}
	switch {
	case !hasKey && sig == "":
		return s, nil // unsigned build
	case !hasKey:
		return Signed{}, &MissingTagError{Key: TagPrefix + FieldKeyID}
	case sig == "":
		return Signed{}, &MissingTagError{Key: TagPrefix + sigField + "-0"}
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return Signed{}, &FieldError{Field: "sig-*", Msg: fmt.Sprintf("is not a base64 ed25519 signature of %d bytes", ed25519.SignatureSize)}
	}
	s.KeyID, s.Signature = keyID, raw
	return s, nil
}

func sameFields(a, b map[string]string) bool {
	for _, name := range signedFields {
		if a[name] != b[name] {
			return false
		}
	}
	return true
}

// Verify checks s against trusted keys. It returns ErrUnsigned for unsigned
// records, *UnknownKeyError when no trusted key has s.KeyID, and an error
// wrapping ErrBadSignature when the fields were changed after signing.
func Verify(s Signed, trusted *KeyRing) error {
	if !s.IsSigned() {
		return ErrUnsigned
	}
	pub, ok := trusted.Get(s.KeyID)
	if !ok {
		return &UnknownKeyError{KeyID: s.KeyID, Trusted: trusted.IDs()}
	}
	f := s.fields
	if f == nil {
		f = s.Record.fields()
	}
	if !ed25519.Verify(pub, canonical(f), s.Signature) {
		return fmt.Errorf("key %s: %w (a provenance tag was changed after signing, or the signature tags are corrupt)", s.KeyID, ErrBadSignature)
	}
	return nil
}

// VerifyTags is Decode followed by Verify.
func VerifyTags(tags map[string]string, trusted *KeyRing) (Signed, error) {
	s, err := Decode(tags)
	if err != nil {
		return Signed{}, err
	}
	return s, Verify(s, trusted)
}

// Summary is a one-line human description, e.g. for `ui.Say`.
func (s Signed) Summary() string {
	sig := "unsigned"
	if s.IsSigned() {
		sig = "signed by " + s.KeyID
	}
	eol := "unknown"
	if !s.BaseEOL.IsZero() {
		eol = s.BaseEOL.Format(time.DateOnly)
	}
	return fmt.Sprintf("profile %s: %d pass, %d fail, %d waived, %d manual; base %s (%s, EOL %s); %s",
		s.ProfileID, s.Pass, s.Fail, s.Waived, s.Manual, s.BaseImageID, s.BaseOsName, eol, sig)
}
