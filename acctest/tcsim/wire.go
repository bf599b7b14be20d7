package tcsim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is an error answered in the Tencent Cloud envelope (HTTP 200, Response.Error).
type APIError struct {
	Code    string
	Message string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

func apiErr(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func missingParam(name string) *APIError {
	return apiErr("MissingParameter", "The request is missing a required parameter `%s`.", name)
}

func invalidValue(name string, v any, why string) *APIError {
	return apiErr("InvalidParameterValue", "The value `%v` specified in the parameter `%s` is not valid: %s.", v, name, why)
}

type errorEnvelope struct {
	Response struct {
		Error struct {
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
		RequestId string `json:"RequestId"`
	} `json:"Response"`
}

func writeAPIError(w http.ResponseWriter, requestID string, e *APIError) {
	var env errorEnvelope
	env.Response.Error.Code = e.Code
	env.Response.Error.Message = e.Message
	env.Response.RequestId = requestID
	writeJSON(w, http.StatusOK, env)
}

// writeResult wraps a handler's payload as {"Response": {...payload, "RequestId": id}}. The
// payload object is spliced rather than re-decoded, which keeps tcsim fast under load.
func writeResult(w http.ResponseWriter, requestID string, payload any) {
	raw := []byte("{}")
	if payload != nil {
		var err error
		if raw, err = json.Marshal(payload); err != nil || len(raw) < 2 || raw[0] != '{' {
			writeAPIError(w, requestID, apiErr("InternalError", "encode response: payload is not a JSON object (%v)", err))
			return
		}
	}
	id, _ := json.Marshal(requestID)
	var b bytes.Buffer
	b.Grow(len(raw) + 64)
	b.WriteString(`{"Response":{`)
	if inner := bytes.TrimSpace(raw[1 : len(raw)-1]); len(inner) > 0 {
		b.Write(inner)
		b.WriteByte(',')
	}
	b.WriteString(`"RequestId":`)
	b.Write(id)
	b.WriteString("}}\n")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// decodeParams decodes a request body into an SDK *RequestParams struct, rejecting unknown
// parameters and wrong types the way the real API does.
func decodeParams(body []byte, into any) *APIError {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		msg := err.Error()
		if strings.HasPrefix(msg, "json: unknown field ") {
			name := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
			return apiErr("UnknownParameter", "The parameter `%s` is not recognized.", name)
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return apiErr("InvalidParameter", "The parameter `%s` has the wrong type: expected %s, got %s.", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return apiErr("InvalidParameter", "The request body is not valid JSON: %v.", err)
	}
	return nil
}

// newRequestID returns a fresh UUID-shaped RequestId.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns prefix + "-" + 8 random lowercase alphanumerics, the shape of real resource ids.
func newID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 8)
	for i, v := range b {
		out[i] = idAlphabet[int(v)%len(idAlphabet)]
	}
	return prefix + "-" + string(out)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validID reports whether id looks like prefix-xxxxxxxx.
func validID(prefix, id string) bool {
	if !strings.HasPrefix(id, prefix+"-") || len(id) != len(prefix)+9 {
		return false
	}
	for _, c := range id[len(prefix)+1:] {
		if !strings.ContainsRune(idAlphabet, c) {
			return false
		}
	}
	return true
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func sp(s string) *string { return &s }

func ip64(v int64) *int64 { return &v }

func bp(v bool) *bool { return &v }

func strs(in []*string) []string {
	out := make([]string, 0, len(in))
	for _, p := range in {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func sps(in []string) []*string {
	out := make([]*string, 0, len(in))
	for _, s := range in {
		out = append(out, sp(s))
	}
	return out
}
