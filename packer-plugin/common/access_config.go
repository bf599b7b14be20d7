//go:generate packer-sdc mapstructure-to-hcl2 -type AccessConfig,AssumeRoleConfig,ImageFilter,GateConfig,LifecycleOverride

// Package common holds configuration and logic shared by the hardened
// builder and data source: Tencent Cloud access and base image selection
// under the lifecycle gate.
package common

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
	"github.com/hardenedcloud/terraform-provider-hardened/packer-plugin/version"
)

// AccessConfig is how the plugin reaches Tencent Cloud. Credentials follow
// the official provider's chain: explicit values, then
// TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY / TENCENTCLOUD_SECURITY_TOKEN,
// then the tccli profile, then the CAM role of the machine running Packer,
// optionally exchanged through assume_role.
type AccessConfig struct {
	// Tencent Cloud SecretId. Defaults to the `TENCENTCLOUD_SECRET_ID` environment variable.
	SecretID string `mapstructure:"secret_id"`
	// Tencent Cloud SecretKey. Defaults to `TENCENTCLOUD_SECRET_KEY`. Never logged.
	SecretKey string `mapstructure:"secret_key"`
	// Security token of temporary credentials. Defaults to `TENCENTCLOUD_SECURITY_TOKEN`.
	SecurityToken string `mapstructure:"security_token"`
	// Region to build in, e.g. `ap-guangzhou`. Defaults to `TENCENTCLOUD_REGION`,
	// then the profile's region, then `ap-guangzhou`.
	Region string `mapstructure:"region"`
	// tccli profile name (`~/.tccli/<profile>.credential`). Defaults to
	// `TENCENTCLOUD_PROFILE`, then `default`.
	Profile string `mapstructure:"profile"`
	// Directory of tccli profiles. Defaults to `TENCENTCLOUD_SHARED_CREDENTIALS_DIR`, then `~/.tccli`.
	SharedCredentialsDir string `mapstructure:"shared_credentials_dir"`
	// CAM role of the machine running Packer, read from the metadata service.
	CAMRoleName string `mapstructure:"cam_role_name"`
	// Exchange the credentials above for a role's temporary credentials (STS AssumeRole).
	AssumeRole *AssumeRoleConfig `mapstructure:"assume_role"`
	// Endpoint (host[:port]) of the CVM API, for private clouds and the tcsim emulator.
	CVMEndpoint string `mapstructure:"cvm_endpoint"`
	// Endpoint (host[:port]) of the VPC API.
	VPCEndpoint string `mapstructure:"vpc_endpoint"`
	// Endpoint (host[:port]) of the STS API (assume_role).
	STSEndpoint string `mapstructure:"sts_endpoint"`
	// Endpoint (host[:port]) of the Lighthouse API (hardened-lighthouse, and
	// hardened-base-image with `product = "lighthouse"`).
	LighthouseEndpoint string `mapstructure:"lighthouse_endpoint"`
	// `https` (default) or `http` (tcsim only).
	Scheme string `mapstructure:"scheme"`
	// Root domain replacing `tencentcloudapi.com` for services without an endpoint override.
	Domain string `mapstructure:"domain"`
	// Base URL of the instance metadata service (CAM role credentials).
	MetadataURL string `mapstructure:"metadata_url"`
	// Retries of one API call on throttling and transient errors (default 8; -1 disables).
	MaxRetries int `mapstructure:"max_retries"`
	// Polling period of waiters (default `5s`).
	PollInterval time.Duration `mapstructure:"poll_interval"`
}

// AssumeRoleConfig configures STS AssumeRole.
type AssumeRoleConfig struct {
	// ARN of the role to assume (`qcs::cam::uin/<uin>:roleName/<name>`).
	RoleArn string `mapstructure:"role_arn" required:"true"`
	// Session name recorded in CloudAudit (default `packer-hardened`).
	SessionName string `mapstructure:"session_name"`
	// Session duration (default `2h`, at most `12h`).
	SessionDuration time.Duration `mapstructure:"session_duration"`
	// Inline policy further restricting the session.
	Policy string `mapstructure:"policy"`
	// External id required by the role's trust policy.
	ExternalID string `mapstructure:"external_id"`
}

// Prepare validates the access settings; each error names its field.
func (c *AccessConfig) Prepare() []error {
	var errs []error
	if (c.SecretID == "") != (c.SecretKey == "") {
		errs = append(errs, errors.New("secret_id and secret_key must be set together (or both left to the environment / profile)"))
	}
	if c.SecurityToken != "" && c.SecretID == "" {
		errs = append(errs, errors.New("security_token needs secret_id and secret_key (temporary credentials come as a triple)"))
	}
	switch strings.ToLower(c.Scheme) {
	case "", "https", "http":
	default:
		errs = append(errs, fmt.Errorf("scheme %q is not valid: use \"https\" (default) or \"http\"", c.Scheme))
	}
	for name, ep := range map[string]string{"cvm_endpoint": c.CVMEndpoint, "vpc_endpoint": c.VPCEndpoint, "sts_endpoint": c.STSEndpoint, "lighthouse_endpoint": c.LighthouseEndpoint} {
		if strings.Contains(ep, "://") || strings.Contains(ep, "/") {
			errs = append(errs, fmt.Errorf("%s %q must be host[:port] without a scheme or path; set the scheme with `scheme`", name, ep))
		}
	}
	if c.MetadataURL != "" {
		if u, err := url.Parse(c.MetadataURL); err != nil || u.Host == "" {
			errs = append(errs, fmt.Errorf("metadata_url %q is not an absolute URL", c.MetadataURL))
		}
	}
	if c.AssumeRole != nil {
		if c.AssumeRole.RoleArn == "" {
			errs = append(errs, errors.New("assume_role.role_arn is required inside an assume_role block"))
		}
		if d := c.AssumeRole.SessionDuration; d < 0 || d > 12*time.Hour {
			errs = append(errs, fmt.Errorf("assume_role.session_duration %s must be between 15m and 12h", d))
		}
	}
	if c.PollInterval < 0 {
		errs = append(errs, fmt.Errorf("poll_interval %s must not be negative", c.PollInterval))
	}
	return errs
}

// Client builds the Tencent client for c.Region.
func (c *AccessConfig) Client(ctx context.Context, log hclog.Logger) (*tencent.Client, error) {
	cfg := tencent.Config{
		Region: c.Region, SecretID: c.SecretID, SecretKey: c.SecretKey, SecurityToken: c.SecurityToken,
		Profile: c.Profile, SharedCredentialsDir: c.SharedCredentialsDir, CAMRoleName: c.CAMRoleName,
		MetadataURL: c.MetadataURL, Scheme: strings.ToLower(c.Scheme), RootDomain: c.Domain,
		Logger: log, MaxRetries: c.MaxRetries, PollInterval: c.PollInterval,
		UserAgent: strings.ReplaceAll(version.String(), " ", "/"),
	}
	eps := map[string]string{}
	for svc, ep := range map[string]string{tencent.ServiceCVM: c.CVMEndpoint, tencent.ServiceVPC: c.VPCEndpoint, "sts": c.STSEndpoint, tencent.ServiceLighthouse: c.LighthouseEndpoint} {
		if ep != "" {
			eps[svc] = ep
		}
	}
	if len(eps) > 0 {
		cfg.Endpoints = eps
	}
	if c.AssumeRole != nil {
		cfg.AssumeRole = &tencent.AssumeRole{RoleArn: c.AssumeRole.RoleArn, SessionName: c.AssumeRole.SessionName,
			Duration: c.AssumeRole.SessionDuration, Policy: c.AssumeRole.Policy, ExternalID: c.AssumeRole.ExternalID}
		if cfg.AssumeRole.SessionName == "" {
			cfg.AssumeRole.SessionName = "packer-hardened"
		}
	}
	cl, err := tencent.New(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("tencent cloud client: %w", err)
	}
	return cl, nil
}
