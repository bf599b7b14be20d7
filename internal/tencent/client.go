package tencent

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	cvm "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/cvm/v20170312"
	lighthouse "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/lighthouse/v20200324"
	vpc "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc/v20170312"
)

// Client talks to one region. It is safe for concurrent use.
type Client struct {
	cfg    Config
	region string
	cred   *credential
	log    hclog.Logger
	httpc  *http.Client
	cvm    *cvm.Client
	vpc    *vpc.Client
	lh     *lighthouse.Client
	images *imageCache
}

// New validates cfg, resolves credentials (which may call the metadata service or STS) and
// builds the SDK clients.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("tencent cloud configuration: %w", err)
	}
	cfg.withDefaults()
	c := &Client{cfg: cfg, log: cfg.Logger, images: newImageCache()}
	c.region = resolveRegion(&c.cfg)
	if !regionRE.MatchString(c.region) {
		return nil, fmt.Errorf("tencent cloud configuration: region %q (from %s or the profile) is not a region name; use e.g. %q", c.region, EnvRegion, DefaultRegion)
	}
	c.httpc = cfg.HTTPClient
	if c.httpc == nil {
		c.httpc = &http.Client{Timeout: cfg.RequestTimeout}
	}
	base, err := resolveBaseCredential(ctx, &c.cfg, c.httpc, c.log)
	if err != nil {
		return nil, fmt.Errorf("tencent cloud credentials: %w", err)
	}
	if base.log == nil {
		base.log = c.log
	}
	c.cred = base
	if cfg.AssumeRole != nil {
		cred, err := c.assumeRoleCredential(ctx, base, cfg.AssumeRole)
		if err != nil {
			return nil, fmt.Errorf("tencent cloud credentials: assume role %s: %w", cfg.AssumeRole.RoleArn, err)
		}
		c.cred = cred
	}
	if err := c.buildSDKClients(); err != nil {
		return nil, err
	}
	c.log.Debug("tencent cloud client ready", "region", c.region, "credentials", c.cred.source)
	return c, nil
}

func (c *Client) buildSDKClients() error {
	var err error
	if c.cvm, err = cvm.NewClient(c.cred, c.region, c.clientProfile(ServiceCVM)); err != nil {
		return fmt.Errorf("build cvm client: %w", err)
	}
	if c.vpc, err = vpc.NewClient(c.cred, c.region, c.clientProfile(ServiceVPC)); err != nil {
		return fmt.Errorf("build vpc client: %w", err)
	}
	if c.lh, err = lighthouse.NewClient(c.cred, c.region, c.clientProfile(ServiceLighthouse)); err != nil {
		return fmt.Errorf("build lighthouse client: %w", err)
	}
	if c.cfg.HTTPClient != nil && c.cfg.HTTPClient.Transport != nil {
		c.cvm.WithHttpTransport(c.cfg.HTTPClient.Transport)
		c.vpc.WithHttpTransport(c.cfg.HTTPClient.Transport)
		c.lh.WithHttpTransport(c.cfg.HTTPClient.Transport)
	}
	if c.cfg.UserAgent != "" {
		c.cvm.WithRequestClient(c.cfg.UserAgent)
		c.vpc.WithRequestClient(c.cfg.UserAgent)
		c.lh.WithRequestClient(c.cfg.UserAgent)
	}
	return nil
}

// ForRegion returns a client for another region sharing credentials and configuration (with
// its own image cache): resources of a region must be managed through that region's client.
func (c *Client) ForRegion(region string) (*Client, error) {
	if !regionRE.MatchString(region) {
		return nil, fmt.Errorf("region %q is not a Tencent Cloud region name", region)
	}
	if region == c.region {
		return c, nil
	}
	n := &Client{cfg: c.cfg, region: region, cred: c.cred, log: c.log, httpc: c.httpc, images: newImageCache()}
	if err := n.buildSDKClients(); err != nil {
		return nil, err
	}
	return n, nil
}

// Region is the region this client talks to.
func (c *Client) Region() string { return c.region }

// CredentialSource says where the credentials came from (never the credentials themselves).
func (c *Client) CredentialSource() string { return c.cred.source }

// APIError is a failed Tencent Cloud call after retries.
type APIError struct {
	Action    string
	Region    string
	Code      string
	Message   string
	RequestID string
	Attempts  int
	Err       error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tencent cloud %s in %s failed", e.Action, e.Region)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	fmt.Fprintf(&b, ": %s", e.Code)
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (RequestId %s)", e.RequestID)
	}
	return b.String()
}

func (e *APIError) Unwrap() error { return e.Err }

// ErrorCode returns the Tencent Cloud error code inside err, or "".
func ErrorCode(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	var se *tcerr.TencentCloudSDKError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

// IsNotFound reports whether err is a "does not exist" error of the API.
func IsNotFound(err error) bool {
	code := ErrorCode(err)
	return strings.HasSuffix(code, ".NotFound") || code == "ResourceNotFound" || strings.HasPrefix(code, "ResourceNotFound.")
}

// opKind says which failures a call may retry.
type opKind int

const (
	// opMutation: only failures that guarantee the request was not applied (throttling,
	// operation-in-progress) are retried.
	opMutation opKind = iota
	// opIdempotent: reads and calls made idempotent (ClientToken); transport failures and
	// InternalError are retried too.
	opIdempotent
	// opDelete: like opIdempotent, and ResourceInUse is retried (dependencies still going away).
	opDelete
	// opAfterOperation is or-ed in by callers that handle "operation in progress" themselves by
	// waiting for the instance's operation (afterOperations) instead of blind backoff.
	opAfterOperation opKind = 1 << 4
)

func isThrottle(code string) bool {
	return code == "RequestLimitExceeded" || strings.HasPrefix(code, "RequestLimitExceeded.")
}

// retryable classifies a failure. Codes from the reference: throttling always; InternalError
// and network/5xx on idempotent calls; busy/in-progress states always (the request was refused).
func retryable(code string, kind opKind) bool {
	waits := kind&opAfterOperation != 0
	kind &^= opAfterOperation
	switch {
	case isThrottle(code):
		return true
	case code == "OperationDenied.InstanceOperationInProgress" || code == "FailedOperation.InstanceOperationInProgress":
		return !waits
	case code == "ResourceBusy" || strings.HasPrefix(code, "ResourceBusy.") || code == "MutexOperation.TaskRunning":
		return true
	case code == "ResourceInUse" || strings.HasPrefix(code, "ResourceInUse."):
		return kind == opDelete
	case code == "InternalError" || strings.HasPrefix(code, "InternalError.") || code == "ResourceUnavailable" ||
		code == "ClientError.NetworkError" || code == "ClientError.HttpStatusCodeError" ||
		code == "ClientError.ParseJsonError" || code == "ClientError.IOError":
		// ParseJsonError is what the SDK reports for a non-JSON 5xx body from a gateway.
		return kind != opMutation
	}
	return false
}

// backoff is full jitter: uniform in [base/2, min(max, base·2^attempt)].
func (c *Client) backoff(attempt int) time.Duration {
	ceil := c.cfg.RetryBaseDelay << min(attempt, 20)
	if ceil > c.cfg.RetryMaxDelay || ceil <= 0 {
		ceil = c.cfg.RetryMaxDelay
	}
	floor := c.cfg.RetryBaseDelay / 2
	if ceil <= floor {
		return ceil
	}
	return floor + time.Duration(rand.Int64N(int64(ceil-floor)))
}

// do runs fn with credential refresh and bounded, jittered retries. cred is the credential
// to refresh before each attempt (the client's own unless bootstrapping STS).
func (c *Client) do(ctx context.Context, action string, kind opKind, cred *credential, fn func(ctx context.Context) error) error {
	if cred == nil {
		cred = c.cred
	}
	var last *APIError
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return c.ctxError(action, attempt, last, err)
		}
		if err := cred.ensure(ctx); err != nil {
			return fmt.Errorf("tencent cloud %s in %s: %w", action, c.region, err)
		}
		start := time.Now()
		err := fn(ctx)
		if err == nil {
			c.log.Trace("tencent cloud call", "action", action, "region", c.region, "attempt", attempt+1, "duration", time.Since(start).String())
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return c.ctxError(action, attempt+1, last, ctxErr)
		}
		var se *tcerr.TencentCloudSDKError
		if !errors.As(err, &se) {
			return fmt.Errorf("tencent cloud %s in %s: %w", action, c.region, err)
		}
		last = &APIError{Action: action, Region: c.region, Code: se.Code, Message: se.Message, RequestID: se.RequestId, Attempts: attempt + 1, Err: err}
		if !retryable(se.Code, kind) || attempt >= c.cfg.MaxRetries {
			if attempt >= c.cfg.MaxRetries && retryable(se.Code, kind) {
				c.log.Debug("giving up on tencent cloud call", "action", action, "region", c.region, "code", se.Code, "request_id", se.RequestId, "attempt", attempt+1)
			}
			return last
		}
		delay := c.backoff(attempt)
		c.log.Debug("retrying tencent cloud call", "action", action, "region", c.region, "code", se.Code,
			"request_id", se.RequestId, "attempt", attempt+1, "max_retries", c.cfg.MaxRetries, "delay", delay.String())
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return c.ctxError(action, attempt+1, last, ctx.Err())
		case <-t.C:
		}
	}
}

func (c *Client) ctxError(action string, attempts int, last *APIError, err error) error {
	if last != nil {
		return fmt.Errorf("tencent cloud %s in %s stopped after %d attempts (last error %s, RequestId %s): %w", action, c.region, attempts, last.Code, last.RequestID, err)
	}
	return fmt.Errorf("tencent cloud %s in %s: %w", action, c.region, err)
}
