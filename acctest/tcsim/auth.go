package tcsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxClockSkew is how far X-TC-Timestamp may be from tcsim's clock, as in the real API.
const maxClockSkew = 5 * time.Minute

// tempCredential is an STS or CAM-role credential issued by tcsim.
type tempCredential struct {
	SecretID  string    `json:"TmpSecretId"`
	SecretKey string    `json:"-"`
	Token     string    `json:"-"`
	Expires   time.Time `json:"Expires"`
	Source    string    `json:"Source"` // "sts:<roleArn>" or "metadata:<role>"
}

// credStore holds the permanent keys tcsim was started with and the temporary ones it issued.
type credStore struct {
	mu        sync.Mutex
	permanent map[string]string
	temporary map[string]*tempCredential
}

func newCredStore(perm map[string]string) *credStore {
	cp := make(map[string]string, len(perm))
	for k, v := range perm {
		cp[k] = v
	}
	return &credStore{permanent: cp, temporary: map[string]*tempCredential{}}
}

func (c *credStore) issue(now time.Time, d time.Duration, source string) *tempCredential {
	t := &tempCredential{
		SecretID:  "AKIDtmp" + randomHex(14),
		SecretKey: randomHex(20),
		Token:     "tcsimtoken" + randomHex(24),
		Expires:   now.Add(d).Truncate(time.Second),
		Source:    source,
	}
	c.mu.Lock()
	c.temporary[t.SecretID] = t
	c.mu.Unlock()
	return t
}

// lookup returns the key for id and, for temporary credentials, the token it must carry.
func (c *credStore) lookup(id string) (key string, temp *tempCredential, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.permanent[id]; ok {
		return k, nil, true
	}
	if t, ok := c.temporary[id]; ok {
		cp := *t
		return t.SecretKey, &cp, true
	}
	return "", nil, false
}

func (c *credStore) snapshot() []tempCredential {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]tempCredential, 0, len(c.temporary))
	for _, t := range c.temporary {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SecretID < out[j].SecretID })
	return out
}

// authResult is what a verified request tells the router.
type authResult struct {
	SecretID string
	Service  string
}

// verify checks a TC3-HMAC-SHA256 signed request the way the real gateway does: scheme,
// credential scope, timestamp freshness, key existence, signature over exactly the headers
// listed in SignedHeaders, and the session token of temporary credentials.
func (c *credStore) verify(r *http.Request, body []byte, now time.Time) (*authResult, *APIError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return nil, apiErr("AuthFailure.SignatureFailure", "The request is missing the Authorization header.")
	}
	const algo = "TC3-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return nil, apiErr("AuthFailure.SignatureFailure", "Only the TC3-HMAC-SHA256 signature method is supported.")
	}
	parts := map[string]string{}
	for _, kv := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if ok {
			parts[k] = v
		}
	}
	credential, signedHeaders, signature := parts["Credential"], parts["SignedHeaders"], parts["Signature"]
	scope := strings.Split(credential, "/")
	if len(scope) != 4 || scope[3] != "tc3_request" || signedHeaders == "" || signature == "" {
		return nil, apiErr("AuthFailure.SignatureFailure", "The Authorization header is malformed.")
	}
	secretID, date, service := scope[0], scope[1], scope[2]

	tsHeader := r.Header.Get("X-TC-Timestamp")
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return nil, apiErr("AuthFailure.SignatureFailure", "The X-TC-Timestamp header `%s` is not a unix timestamp.", tsHeader)
	}
	signedAt := time.Unix(ts, 0).UTC()
	if d := now.Sub(signedAt); d > maxClockSkew || d < -maxClockSkew {
		return nil, apiErr("AuthFailure.SignatureExpire", "The request signature timestamp %d is more than %s away from the server time %d.", ts, maxClockSkew, now.Unix())
	}
	if signedAt.Format("2006-01-02") != date {
		return nil, apiErr("AuthFailure.SignatureFailure", "The credential scope date %s does not match the timestamp.", date)
	}

	key, temp, ok := c.lookup(secretID)
	if !ok {
		return nil, apiErr("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
	}

	names := strings.Split(signedHeaders, ";")
	hasCT, hasHost := false, false
	var canonHeaders strings.Builder
	for _, name := range names {
		var value string
		switch name {
		case "host":
			hasHost = true
			value = r.Host
		case "content-type":
			hasCT = true
			value = r.Header.Get("Content-Type")
		default:
			value = r.Header.Get(name)
		}
		canonHeaders.WriteString(name + ":" + strings.ToLower(strings.TrimSpace(value)) + "\n")
	}
	if !hasCT || !hasHost {
		return nil, apiErr("AuthFailure.SignatureFailure", "SignedHeaders must include content-type and host.")
	}
	payloadHash := sha256Hex(body)
	if r.Header.Get("X-TC-Content-SHA256") == "UNSIGNED-PAYLOAD" {
		payloadHash = sha256Hex([]byte("UNSIGNED-PAYLOAD"))
	}
	canonical := strings.Join([]string{r.Method, "/", r.URL.RawQuery, canonHeaders.String(), signedHeaders, payloadHash}, "\n")
	stringToSign := "TC3-HMAC-SHA256\n" + tsHeader + "\n" + date + "/" + service + "/tc3_request\n" + sha256Hex([]byte(canonical))
	want := hex.EncodeToString(tc3Sign(key, date, service, stringToSign))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return nil, apiErr("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct.")
	}

	if temp != nil {
		token := r.Header.Get("X-TC-Token")
		if token == "" || !hmac.Equal([]byte(token), []byte(temp.Token)) {
			return nil, apiErr("AuthFailure.TokenFailure", "The security token of the temporary credential is missing or invalid.")
		}
		if !now.Before(temp.Expires) {
			return nil, apiErr("AuthFailure.TokenFailure", "The temporary credential expired at %s.", temp.Expires.UTC().Format(time.RFC3339))
		}
	} else if token := r.Header.Get("X-TC-Token"); token != "" {
		return nil, apiErr("AuthFailure.TokenFailure", "A security token was sent with a permanent SecretId.")
	}
	return &authResult{SecretID: secretID, Service: service}, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// tc3Sign derives the TC3 signing key (date → service → "tc3_request") and signs.
func tc3Sign(secretKey, date, service, stringToSign string) []byte {
	k := hmacSHA256([]byte("TC3"+secretKey), date)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "tc3_request")
	return hmacSHA256(k, stringToSign)
}
