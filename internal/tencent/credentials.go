package tencent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

func osGetenv(k string) string { return os.Getenv(k) }

// Environment variables of the credential chain (same names as the official provider and tccli).
const (
	EnvSecretID        = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey       = "TENCENTCLOUD_SECRET_KEY"
	EnvSecurityToken   = "TENCENTCLOUD_SECURITY_TOKEN"
	EnvRegion          = "TENCENTCLOUD_REGION"
	EnvProfile         = "TENCENTCLOUD_PROFILE"
	EnvSharedCredsDir  = "TENCENTCLOUD_SHARED_CREDENTIALS_DIR"
	EnvCAMRoleName     = "TENCENTCLOUD_CAM_ROLE_NAME"
	defaultProfileName = "default"
)

// tempCreds is one set of temporary credentials with its expiry.
type tempCreds struct {
	id, key, token string
	expires        time.Time
}

// credential implements common.CredentialIface. Static credentials never change; temporary
// ones (CAM role, assume_role) are refreshed by ensure() before every API call once they are
// within the refresh margin of expiry, so the SDK's GetCredential never blocks on the network.
type credential struct {
	mu      sync.Mutex
	cur     tempCreds
	fetched time.Time
	refresh func(ctx context.Context) (tempCreds, error) // nil: static
	now     func() time.Time
	source  string
	log     hclog.Logger
}

func staticCredential(id, key, token, source string) *credential {
	return &credential{cur: tempCreds{id: id, key: key, token: token}, source: source, now: time.Now}
}

// needsRefresh: refresh once 5 minutes (at most half the lifetime) are left.
func (c *credential) needsRefresh(now time.Time) bool {
	if c.refresh == nil {
		return false
	}
	if c.cur.id == "" {
		return true
	}
	margin := 5 * time.Minute
	if life := c.cur.expires.Sub(c.fetched); life/2 < margin {
		margin = life / 2
	}
	return !now.Before(c.cur.expires.Add(-margin))
}

// ensure refreshes temporary credentials when due. A failed refresh keeps the old
// credentials while they are still valid.
func (c *credential) ensure(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if !c.needsRefresh(now) {
		return nil
	}
	next, err := c.refresh(ctx)
	if err != nil {
		if c.cur.id != "" && now.Before(c.cur.expires) {
			c.log.Warn("refreshing temporary credentials failed; using the current ones until they expire",
				"source", c.source, "expires", c.cur.expires.UTC().Format(time.RFC3339), "error", err)
			return nil
		}
		return fmt.Errorf("obtain credentials from %s: %w", c.source, err)
	}
	c.cur, c.fetched = next, now
	c.log.Debug("obtained temporary credentials", "source", c.source, "expires", next.expires.UTC().Format(time.RFC3339))
	return nil
}

func (c *credential) GetSecretId() string  { c.mu.Lock(); defer c.mu.Unlock(); return c.cur.id }
func (c *credential) GetSecretKey() string { c.mu.Lock(); defer c.mu.Unlock(); return c.cur.key }
func (c *credential) GetToken() string     { c.mu.Lock(); defer c.mu.Unlock(); return c.cur.token }
func (c *credential) GetCredential() (string, string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur.id, c.cur.key, c.cur.token
}

var _ common.CredentialIface = (*credential)(nil)

// profileFile is <profile>.credential in the tccli layout.
type profileFile struct {
	SecretID  string `json:"secretId"`
	SecretKey string `json:"secretKey"`
	Token     string `json:"token"`
}

// resolveRegion: Config.Region → TENCENTCLOUD_REGION → profile .configure → ap-guangzhou.
func resolveRegion(cfg *Config) string {
	if cfg.Region != "" {
		return cfg.Region
	}
	if r := cfg.Getenv(EnvRegion); r != "" {
		return r
	}
	name, dir := profileLocation(cfg)
	if b, err := os.ReadFile(filepath.Join(dir, name+".configure")); err == nil {
		var conf struct {
			SysParam struct {
				Region string `json:"region"`
			} `json:"_sys_param"`
		}
		if json.Unmarshal(b, &conf) == nil && conf.SysParam.Region != "" {
			return conf.SysParam.Region
		}
	}
	return DefaultRegion
}

func profileLocation(cfg *Config) (name, dir string) {
	name = cfg.Profile
	if name == "" {
		name = cfg.Getenv(EnvProfile)
	}
	if name == "" {
		name = defaultProfileName
	}
	dir = cfg.SharedCredentialsDir
	if dir == "" {
		dir = cfg.Getenv(EnvSharedCredsDir)
	}
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".tccli")
		}
	}
	return name, dir
}

// resolveBaseCredential walks the chain: explicit → environment → shared profile → CAM role.
func resolveBaseCredential(ctx context.Context, cfg *Config, httpc *http.Client, log hclog.Logger) (*credential, error) {
	if cfg.SecretID != "" {
		return staticCredential(cfg.SecretID, cfg.SecretKey, cfg.SecurityToken, "explicit configuration"), nil
	}
	envID, envKey := cfg.Getenv(EnvSecretID), cfg.Getenv(EnvSecretKey)
	if (envID == "") != (envKey == "") {
		return nil, fmt.Errorf("only one of %s and %s is set; set both or neither", EnvSecretID, EnvSecretKey)
	}
	if envID != "" {
		return staticCredential(envID, envKey, cfg.Getenv(EnvSecurityToken), "environment"), nil
	}
	name, dir := profileLocation(cfg)
	explicitProfile := cfg.Profile != "" || cfg.Getenv(EnvProfile) != ""
	if dir != "" {
		path := filepath.Join(dir, name+".credential")
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			var pf profileFile
			if err := json.Unmarshal(b, &pf); err != nil {
				return nil, fmt.Errorf("shared credentials file %s is not valid JSON: %w", path, err)
			}
			if pf.SecretID == "" || pf.SecretKey == "" {
				return nil, fmt.Errorf("shared credentials file %s needs both \"secretId\" and \"secretKey\"", path)
			}
			return staticCredential(pf.SecretID, pf.SecretKey, pf.Token, "profile "+name), nil
		case errors.Is(err, fs.ErrNotExist) && !explicitProfile:
		default:
			return nil, fmt.Errorf("profile %q: read %s: %w (set profile / %s to an existing profile or shared_credentials_dir / %s to its directory)", name, path, err, EnvProfile, EnvSharedCredsDir)
		}
	}
	role := cfg.CAMRoleName
	if role == "" {
		role = cfg.Getenv(EnvCAMRoleName)
	}
	if role != "" {
		c := &credential{source: "CAM role " + role + " (instance metadata)", now: cfg.Now, log: log}
		c.refresh = func(ctx context.Context) (tempCreds, error) {
			return fetchMetadataCredentials(ctx, httpc, cfg.MetadataURL, role)
		}
		if err := c.ensure(ctx); err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, fmt.Errorf("no Tencent Cloud credentials found: set secret_id and secret_key, or %s and %s, or a profile in %s (profile %q), or cam_role_name on a CVM instance",
		EnvSecretID, EnvSecretKey, dir, name)
}

// fetchMetadataCredentials reads <base>/latest/meta-data/cam/security-credentials/<role>.
func fetchMetadataCredentials(ctx context.Context, httpc *http.Client, base, role string) (tempCreds, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	url := strings.TrimRight(base, "/") + "/latest/meta-data/cam/security-credentials/" + role
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return tempCreds{}, err
	}
	resp, err := httpc.Do(req)
	if err != nil {
		return tempCreds{}, fmt.Errorf("query metadata service: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tempCreds{}, fmt.Errorf("read metadata answer: %w", err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return tempCreds{}, fmt.Errorf("CAM role %q is not bound to this instance (metadata answered 404)", role)
	}
	if resp.StatusCode != http.StatusOK {
		return tempCreds{}, fmt.Errorf("metadata service answered HTTP %d", resp.StatusCode)
	}
	var r struct {
		TmpSecretID  string `json:"TmpSecretId"`
		TmpSecretKey string `json:"TmpSecretKey"`
		Token        string `json:"Token"`
		ExpiredTime  int64  `json:"ExpiredTime"`
		Code         string `json:"Code"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return tempCreds{}, fmt.Errorf("metadata answer is not JSON: %w", err)
	}
	if r.Code != "Success" || r.TmpSecretID == "" || r.TmpSecretKey == "" {
		return tempCreds{}, fmt.Errorf("metadata service returned code %q for role %q", r.Code, role)
	}
	return tempCreds{id: r.TmpSecretID, key: r.TmpSecretKey, token: r.Token, expires: time.Unix(r.ExpiredTime, 0)}, nil
}

// assumeRoleCredential wraps base in STS AssumeRole, refreshed before expiry.
func (c *Client) assumeRoleCredential(ctx context.Context, base *credential, ar *AssumeRole) (*credential, error) {
	duration := ar.Duration
	if duration == 0 {
		duration = 2 * time.Hour
	}
	session := ar.SessionName
	if session == "" {
		session = "hardened-" + strconv.FormatInt(c.cfg.Now().Unix(), 10)
	}
	cpf := c.clientProfile(ServiceSTS)
	sts := common.NewCommonClient(base, c.region, cpf)
	if c.cfg.HTTPClient != nil && c.cfg.HTTPClient.Transport != nil {
		sts.WithHttpTransport(c.cfg.HTTPClient.Transport)
	}
	cred := &credential{source: "assume_role " + ar.RoleArn, now: c.cfg.Now, log: c.log}
	cred.refresh = func(ctx context.Context) (tempCreds, error) {
		params := map[string]any{"RoleArn": ar.RoleArn, "RoleSessionName": session, "DurationSeconds": int64(duration / time.Second)}
		if ar.Policy != "" {
			params["Policy"] = ar.Policy
		}
		if ar.ExternalID != "" {
			params["ExternalId"] = ar.ExternalID
		}
		var out tempCreds
		err := c.do(ctx, "AssumeRole", opIdempotent, base, func(ctx context.Context) error {
			req := tchttp.NewCommonRequest(ServiceSTS, "2018-08-13", "AssumeRole")
			if err := req.SetActionParameters(params); err != nil {
				return err
			}
			req.SetContext(ctx)
			resp := tchttp.NewCommonResponse()
			if err := sts.Send(req, resp); err != nil {
				return err
			}
			var r struct {
				Response struct {
					Credentials struct {
						Token        string `json:"Token"`
						TmpSecretID  string `json:"TmpSecretId"`
						TmpSecretKey string `json:"TmpSecretKey"`
					} `json:"Credentials"`
					ExpiredTime int64 `json:"ExpiredTime"`
				} `json:"Response"`
			}
			if err := json.Unmarshal(resp.GetBody(), &r); err != nil {
				return fmt.Errorf("decode AssumeRole answer: %w", err)
			}
			cr := r.Response.Credentials
			if cr.TmpSecretID == "" || cr.TmpSecretKey == "" || cr.Token == "" {
				return errors.New("AssumeRole answer has no credentials")
			}
			out = tempCreds{id: cr.TmpSecretID, key: cr.TmpSecretKey, token: cr.Token, expires: time.Unix(r.Response.ExpiredTime, 0)}
			return nil
		})
		return out, err
	}
	if err := cred.ensure(ctx); err != nil {
		return nil, err
	}
	return cred, nil
}

func (c *Client) clientProfile(service string) *profile.ClientProfile {
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = c.cfg.Endpoints[service]
	cpf.HttpProfile.RootDomain = c.cfg.RootDomain
	cpf.HttpProfile.Scheme = strings.ToUpper(c.cfg.Scheme)
	cpf.HttpProfile.ReqTimeout = int((c.cfg.RequestTimeout + time.Second - 1) / time.Second)
	cpf.Language = "en-US"
	// Retries are ours (jittered, logged, context-aware); the SDK's own are switched off.
	cpf.NetworkFailureMaxRetries = 0
	cpf.RateLimitExceededMaxRetries = 0
	cpf.DisableRegionBreaker = true
	return cpf
}
