package tencent

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
)

// DefaultRegion is used when neither Config.Region nor TENCENTCLOUD_REGION nor the profile
// names one, as in the official provider.
const DefaultRegion = "ap-guangzhou"

// Services whose endpoints Config.Endpoints can override.
const (
	ServiceCVM = "cvm"
	ServiceVPC = "vpc"
	ServiceSTS = "sts"
	// ServiceLighthouse is Lighthouse (轻量应用服务器), lighthouse.tencentcloudapi.com.
	ServiceLighthouse = "lighthouse"
)

// Config configures a Client. The zero value plus credentials from the environment works.
type Config struct {
	Region string

	// Explicit credentials (first in the chain).
	SecretID      string
	SecretKey     string
	SecurityToken string

	// Shared profile: <SharedCredentialsDir>/<Profile>.credential (tccli layout). Empty fields
	// fall back to TENCENTCLOUD_PROFILE / TENCENTCLOUD_SHARED_CREDENTIALS_DIR, then "default"
	// and ~/.tccli.
	Profile              string
	SharedCredentialsDir string

	// CAMRoleName selects credentials from the instance metadata service; MetadataURL overrides
	// its base (default http://metadata.tencentyun.com).
	CAMRoleName string
	MetadataURL string

	// AssumeRole exchanges the credentials found above for a role's temporary credentials,
	// refreshed before they expire.
	AssumeRole *AssumeRole

	// Endpoints overrides the host[:port] per service ("cvm", "vpc", "sts", "lighthouse"); Scheme is "https"
	// (default) or "http" for tcsim and private clouds.
	Endpoints map[string]string
	Scheme    string
	// RootDomain replaces tencentcloudapi.com for services without an Endpoints entry
	// (private clouds: <service>.<RootDomain>).
	RootDomain string

	Logger hclog.Logger

	// MaxRetries bounds retries of one call (0 → 8; negative → no retries). Backoff is full
	// jitter between RetryBaseDelay·2^n and RetryMaxDelay.
	MaxRetries     int
	RetryBaseDelay time.Duration // default 500ms
	RetryMaxDelay  time.Duration // default 20s
	// RequestTimeout bounds one HTTP request (default 60s).
	RequestTimeout time.Duration
	// PollInterval is the waiters' polling period (default 5s).
	PollInterval time.Duration
	// ImageBatchWindow is how long an image lookup by id waits for concurrent lookups of other
	// ids to join its DescribeImages call (default 20ms; negative: no waiting). Terraform plans
	// up to 10 resources at once, so one call answers every new id of such a wave (up to 100):
	// a plan of 200 pins over 20 images took 20 calls without the window, ~10 with 5ms and
	// ~6 with 50ms; only a wave bringing new ids pays the wait.
	ImageBatchWindow time.Duration
	// OperationWaitTimeout bounds how long a call refused with "operation in progress" waits for
	// the instance's running operation before trying again (default 15m).
	OperationWaitTimeout time.Duration

	// HTTPClient lets tests and proxies supply the transport; nil uses a fresh client.
	HTTPClient *http.Client
	// Getenv and Now are injectable for tests; nil means os.Getenv and time.Now.
	Getenv func(string) string
	Now    func() time.Time
	// UserAgent is appended to the SDK's RequestClient header (e.g. "terraform-provider-hardened/1.0").
	UserAgent string
}

// AssumeRole configures STS AssumeRole.
type AssumeRole struct {
	RoleArn     string
	SessionName string
	Duration    time.Duration // default 2h, at most 12h
	Policy      string
	ExternalID  string
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2,4}-[a-z]+(-[a-z0-9]+)*$`)
	roleArnRE = regexp.MustCompile(`^qcs::cam::uin/[0-9]+:role(Name)?/.+$`)
	sessionRE = regexp.MustCompile(`^[\w+=,.@-]{2,128}$`)
	hostRE    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.\-]*[A-Za-z0-9])?$`)
)

// CheckEndpoint says why ep is not a usable endpoint override (host or host:port, port
// 1-65535, no scheme, no path), or returns nil. It runs before any request because a bad
// endpoint would otherwise only fail after the whole retry budget (~40 s). The texts do not
// name the scheme setting: callers call it differently (provider "protocol", Packer "scheme").
func CheckEndpoint(ep string) error {
	if i := strings.Index(ep, "://"); i >= 0 {
		return fmt.Errorf("%q must be host[:port] without %q; choose plain HTTP with the protocol/scheme setting instead", ep, ep[:i+3])
	}
	if i := strings.IndexAny(ep, "/?#"); i >= 0 {
		return fmt.Errorf("%q must be host[:port] without a path (%q); the API path is always /", ep, ep[i:])
	}
	host, port, hasPort := strings.Cut(ep, ":")
	if !hostRE.MatchString(host) {
		return fmt.Errorf("%q is not host[:port]: %q is not a host name or IPv4 address", ep, host)
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strings.HasPrefix(port, "+") {
			return fmt.Errorf("%q has port %q; use a port between 1 and 65535", ep, port)
		}
	}
	return nil
}

// validate checks everything that does not need the environment; errors name the field and
// the fix.
func (c *Config) validate() error {
	if c.Region != "" && !regionRE.MatchString(c.Region) {
		return fmt.Errorf("region %q is not a Tencent Cloud region name; use e.g. %q", c.Region, DefaultRegion)
	}
	if (c.SecretID == "") != (c.SecretKey == "") {
		return fmt.Errorf("secret_id and secret_key must be set together; set both or neither (then the environment, profile or CAM role is used)")
	}
	if c.SecurityToken != "" && c.SecretID == "" {
		return fmt.Errorf("security_token needs secret_id and secret_key of the same temporary credential")
	}
	switch strings.ToLower(c.Scheme) {
	case "", "http", "https":
	default:
		return fmt.Errorf("scheme %q is not supported; use \"https\" (default) or \"http\"", c.Scheme)
	}
	// Sorted, so the endpoint an error reports is the same on every run.
	svcs := make([]string, 0, len(c.Endpoints))
	for svc := range c.Endpoints {
		svcs = append(svcs, svc)
	}
	sort.Strings(svcs)
	for _, svc := range svcs {
		switch svc {
		case ServiceCVM, ServiceVPC, ServiceSTS, ServiceLighthouse:
		default:
			return fmt.Errorf("endpoints: unknown service %q; use cvm, vpc, sts or lighthouse", svc)
		}
		if err := CheckEndpoint(c.Endpoints[svc]); err != nil {
			return fmt.Errorf("endpoints.%s: %w", svc, err)
		}
	}
	if c.MetadataURL != "" && !strings.HasPrefix(c.MetadataURL, "http://") && !strings.HasPrefix(c.MetadataURL, "https://") {
		return fmt.Errorf("metadata_url %q must start with http:// or https://", c.MetadataURL)
	}
	if ar := c.AssumeRole; ar != nil {
		if !roleArnRE.MatchString(ar.RoleArn) {
			return fmt.Errorf("assume_role.role_arn %q is not a role ARN; use qcs::cam::uin/<uin>:roleName/<name>", ar.RoleArn)
		}
		if ar.SessionName != "" && !sessionRE.MatchString(ar.SessionName) {
			return fmt.Errorf("assume_role.session_name %q must be 2-128 letters, digits or +=,.@-_", ar.SessionName)
		}
		if ar.Duration < 0 || ar.Duration > 12*time.Hour {
			return fmt.Errorf("assume_role.duration %s must be between 0 (default 2h) and 12h", ar.Duration)
		}
		if ar.Duration > 0 && ar.Duration < 15*time.Minute {
			return fmt.Errorf("assume_role.duration %s is shorter than the 15m minimum", ar.Duration)
		}
	}
	if c.MaxRetries > 100 {
		return fmt.Errorf("max_retries %d is too large; use at most 100", c.MaxRetries)
	}
	return nil
}

func (c *Config) withDefaults() {
	if c.Getenv == nil {
		c.Getenv = osGetenv
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = hclog.NewNullLogger()
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = 8
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	}
	if c.RetryBaseDelay <= 0 {
		c.RetryBaseDelay = 500 * time.Millisecond
	}
	if c.RetryMaxDelay <= 0 {
		c.RetryMaxDelay = 20 * time.Second
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 60 * time.Second
	}
	if c.OperationWaitTimeout <= 0 {
		c.OperationWaitTimeout = 15 * time.Minute
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 5 * time.Second
	}
	if c.ImageBatchWindow == 0 {
		c.ImageBatchWindow = 20 * time.Millisecond
	}
	if c.Scheme == "" {
		c.Scheme = "https"
	}
	if c.MetadataURL == "" {
		c.MetadataURL = "http://metadata.tencentyun.com"
	}
}

// String redacts secrets so a Config that ends up in a log or an error never leaks them.
func (c Config) String() string {
	redact := func(v string) string {
		if v == "" {
			return `""`
		}
		return "(redacted)"
	}
	role := ""
	if c.AssumeRole != nil {
		role = c.AssumeRole.RoleArn
	}
	return fmt.Sprintf("tencent.Config{Region:%q SecretID:%q SecretKey:%s SecurityToken:%s Profile:%q SharedCredentialsDir:%q CAMRoleName:%q MetadataURL:%q AssumeRole:%q Endpoints:%v Scheme:%q RootDomain:%q MaxRetries:%d}",
		c.Region, c.SecretID, redact(c.SecretKey), redact(c.SecurityToken), c.Profile, c.SharedCredentialsDir, c.CAMRoleName,
		c.MetadataURL, role, c.Endpoints, c.Scheme, c.RootDomain, c.MaxRetries)
}

// GoString keeps %#v from printing secrets too.
func (c Config) GoString() string { return c.String() }
