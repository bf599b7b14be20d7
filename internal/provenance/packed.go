package provenance

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The packed form carries the same record in few tags, for resources whose
// API takes only a handful (a Lighthouse blueprint: at most 10 tags per
// CreateBlueprint). The signed canonical encoding, deflated and base64
// encoded, is split over "hardened:packed-0", "-1", …; the key id and the
// signature keep their usual tags. Decode reads both forms, so a verifier
// does not care which resource a record came from, and the signature is the
// same one either way (it is over the canonical text, not over tags).
const (
	fieldPacked = "packed"
	// maxPackedText bounds the inflated canonical text a decoder accepts: a
	// full record with every open CVE is a few kilobytes.
	maxPackedText = 64 << 10
)

// PackedTags renders s in the packed form. It fails when the form needs
// more than maxTags tags; FitPacked trims a record before signing so it fits.
func (s Signed) PackedTags(maxTags int) (map[string]string, error) {
	f := s.fields
	if f == nil {
		f = s.Record.fields()
	}
	tags := map[string]string{}
	splitField(tags, fieldPacked, deflateBase64(canonical(f)))
	if s.IsSigned() {
		tags[TagPrefix+FieldKeyID] = s.KeyID
		splitField(tags, sigField, base64.StdEncoding.EncodeToString(s.Signature))
	}
	if len(tags) > maxTags {
		return nil, fmt.Errorf("packed provenance needs %d tags, only %d are available (trim it with FitPacked before signing)", len(tags), maxTags)
	}
	return tags, nil
}

// PackedTagCount is how many tags the packed form of r takes, signed or not.
func PackedTagCount(r Record, signed bool) int {
	n := (len(deflateBase64(r.Canonical())) + MaxTagValueLen - 1) / MaxTagValueLen
	if signed {
		// key-id, and the 88 base64 characters of an ed25519 signature in one value.
		n += 2
	}
	return n
}

// FitPacked drops open CVEs (newest fix first, as FitOpen orders them) until
// the packed form of r fits maxTags tags, and returns how many it dropped.
// The counts by severity stay: they say how many fixable findings there
// were even when the list of them no longer fits. It fails when even the
// record without any open CVE does not fit.
func FitPacked(r *Record, maxTags int, signed bool) (int, error) {
	dropped := 0
	if r.Vulns != nil {
		dropped = r.Vulns.FitOpen()
		for len(r.Vulns.Open) > 0 && PackedTagCount(*r, signed) > maxTags {
			r.Vulns.Open = r.Vulns.Open[:len(r.Vulns.Open)-1]
			dropped++
		}
	}
	if n := PackedTagCount(*r, signed); n > maxTags {
		return dropped, fmt.Errorf("packed provenance needs %d tags, only %d are available", n, maxTags)
	}
	return dropped, nil
}

func deflateBase64(text []byte) string {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestCompression) // only fails for an invalid level
	_, _ = w.Write(text)                               // writes to a bytes.Buffer do not fail
	_ = w.Close()
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// unpack turns the packed form back into the per-field tags Decode reads
// (key id and signature tags are carried over unchanged). ok is false when
// tags are not packed.
func unpack(tags map[string]string) (out map[string]string, ok bool, err error) {
	v, ok, err := joinField(tags, fieldPacked)
	if err != nil || !ok {
		return nil, ok, err
	}
	bad := func(msg string) error {
		return &FieldError{Field: fieldPacked + "-*", Msg: msg}
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil {
		return nil, true, bad("is not base64")
	}
	text, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxPackedText+1))
	if err != nil {
		return nil, true, bad("is not a deflated provenance record: " + err.Error())
	}
	if len(text) > maxPackedText {
		return nil, true, bad(fmt.Sprintf("inflates to more than %d bytes", maxPackedText))
	}
	out = map[string]string{}
	for k, val := range tags {
		if k == TagPrefix+FieldKeyID || strings.HasPrefix(k, TagPrefix+sigField+"-") {
			out[k] = val
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	for _, line := range lines {
		name, val, found := strings.Cut(line, "=")
		if !found {
			return nil, true, bad(fmt.Sprintf("holds the line %q, which is not name=value", line))
		}
		if _, dup := out[TagPrefix+name]; dup {
			return nil, true, bad(fmt.Sprintf("names field %q twice", name))
		}
		if name == FieldVulnsOpen {
			splitField(out, name, val)
			continue
		}
		out[TagPrefix+name] = val
	}
	return out, true, nil
}

// errPackedAndPlain: a resource carries both forms, and they might disagree.
var errPackedAndPlain = errors.New("tags carry both the packed provenance (" + TagPrefix + fieldPacked + "-*) and the per-field tags (" + TagPrefix + FieldScheme + ", …): keep one form")
