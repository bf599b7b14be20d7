package provider

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// tencentModel is the Tencent Cloud part of the provider block. It is
// embedded in providerModel.
type tencentModel struct {
	SecretID             types.String `tfsdk:"secret_id"`
	SecretKey            types.String `tfsdk:"secret_key"`
	SecurityToken        types.String `tfsdk:"security_token"`
	Region               types.String `tfsdk:"region"`
	Profile              types.String `tfsdk:"profile"`
	SharedCredentialsDir types.String `tfsdk:"shared_credentials_dir"`
	CAMRoleName          types.String `tfsdk:"cam_role_name"`
	// Objects, not struct pointers: a whole block may be unknown in a plan.
	AssumeRole types.Object `tfsdk:"assume_role"`
	Endpoints  types.Object `tfsdk:"endpoints"`
	Protocol   types.String `tfsdk:"protocol"`
	MaxRetries types.Int64  `tfsdk:"max_retries"`
}

type assumeRoleModel struct {
	RoleArn         types.String `tfsdk:"role_arn"`
	SessionName     types.String `tfsdk:"session_name"`
	SessionDuration types.Int64  `tfsdk:"session_duration"`
	Policy          types.String `tfsdk:"policy"`
}

type endpointsModel struct {
	CVM        types.String `tfsdk:"cvm"`
	VPC        types.String `tfsdk:"vpc"`
	STS        types.String `tfsdk:"sts"`
	Lighthouse types.String `tfsdk:"lighthouse"`
}

// tencentAttributes are merged into the provider schema.
func tencentAttributes() map[string]schema.Attribute {
	str := func(desc string, sensitive bool) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: sensitive, MarkdownDescription: desc}
	}
	endpoint := func(svc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true,
			MarkdownDescription: fmt.Sprintf("`host[:port]` of the %s API instead of `%s.tencentcloudapi.com` (private endpoints, test emulators); "+
				"no scheme (set `protocol`) and no path.", strings.ToUpper(svc), svc),
			Validators: []validator.String{endpointValidator}}
	}
	return map[string]schema.Attribute{
		"secret_id": str("Tencent Cloud API SecretId. Falls back to `"+tencent.EnvSecretID+"`, then the shared profile, then `cam_role_name`. "+
			"Only needed by Tencent-backed data sources and resources: lifecycle-only configurations work without credentials.", false),
		"secret_key":     str("Tencent Cloud API SecretKey. Falls back to `"+tencent.EnvSecretKey+"`.", true),
		"security_token": str("Session token of temporary credentials. Falls back to `"+tencent.EnvSecurityToken+"`.", true),
		"region": str("Region of images and instances, e.g. `ap-guangzhou`. Falls back to `"+tencent.EnvRegion+
			"`, then the profile's region, then `"+tencent.DefaultRegion+"`.", false),
		"profile":                str("tccli profile name (`<dir>/<profile>.credential`). Falls back to `"+tencent.EnvProfile+"`, then `default`.", false),
		"shared_credentials_dir": str("Directory of tccli profiles. Falls back to `"+tencent.EnvSharedCredsDir+"`, then `~/.tccli`.", false),
		"cam_role_name": str("CAM role whose temporary credentials are read from the CVM metadata service (provider running on a CVM instance). "+
			"Falls back to `"+tencent.EnvCAMRoleName+"`.", false),
		"assume_role": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "Exchange the credentials found above for a role's temporary credentials (STS AssumeRole), refreshed before they expire.",
			Attributes: map[string]schema.Attribute{
				"role_arn": schema.StringAttribute{Required: true, MarkdownDescription: "ARN of the role, e.g. `qcs::cam::uin/100000000001:roleName/deployer`.",
					Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
				"session_name": schema.StringAttribute{Required: true, MarkdownDescription: "Session name recorded in CloudAudit.",
					Validators: []validator.String{stringvalidator.LengthBetween(2, 128)}},
				"session_duration": schema.Int64Attribute{Optional: true, MarkdownDescription: "Lifetime of the temporary credentials in seconds (0–43200). Default `7200`.",
					Validators: []validator.Int64{int64validator.Between(0, 43200)}},
				"policy": schema.StringAttribute{Optional: true, MarkdownDescription: "A CAM policy (JSON) further restricting the session."},
			},
		},
		"endpoints": schema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "Per-service endpoint overrides.",
			Attributes: map[string]schema.Attribute{
				"cvm": endpoint(tencent.ServiceCVM), "vpc": endpoint(tencent.ServiceVPC), "sts": endpoint(tencent.ServiceSTS),
				"lighthouse": endpoint(tencent.ServiceLighthouse),
			},
		},
		"protocol": schema.StringAttribute{Optional: true,
			MarkdownDescription: "`HTTPS` (default) or `HTTP` (only for local emulators such as tcsim).",
			Validators:          []validator.String{stringvalidator.OneOfCaseInsensitive("HTTP", "HTTPS")}},
		"max_retries": schema.Int64Attribute{Optional: true,
			MarkdownDescription: "Retries of one API call on throttling and transient errors (jittered exponential backoff). Default `8`; `0` disables retries.",
			Validators:          []validator.Int64{int64validator.Between(0, 50)}},
	}
}

// tencentConfig converts the model; unknown values count as unset (the
// environment and profile still apply).
func tencentConfig(m tencentModel, logger hclog.Logger, userAgent string) tencent.Config {
	s := func(v types.String) string {
		if v.IsNull() || v.IsUnknown() {
			return ""
		}
		return v.ValueString()
	}
	cfg := tencent.Config{
		SecretID: s(m.SecretID), SecretKey: s(m.SecretKey), SecurityToken: s(m.SecurityToken),
		Region: s(m.Region), Profile: s(m.Profile), SharedCredentialsDir: s(m.SharedCredentialsDir),
		CAMRoleName: s(m.CAMRoleName), Scheme: strings.ToLower(s(m.Protocol)),
		Logger: logger, UserAgent: userAgent,
	}
	if v := m.MaxRetries; !v.IsNull() && !v.IsUnknown() {
		cfg.MaxRetries = int(v.ValueInt64())
		if cfg.MaxRetries == 0 {
			cfg.MaxRetries = -1 // tencent: 0 means default, negative means none
		}
	}
	var a *assumeRoleModel
	if o := m.AssumeRole; !o.IsNull() && !o.IsUnknown() {
		a = &assumeRoleModel{}
		_ = o.As(context.Background(), a, basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true})
	}
	if a != nil {
		cfg.AssumeRole = &tencent.AssumeRole{RoleArn: s(a.RoleArn), SessionName: s(a.SessionName), Policy: s(a.Policy)}
		if v := a.SessionDuration; !v.IsNull() && !v.IsUnknown() {
			cfg.AssumeRole.Duration = time.Duration(v.ValueInt64()) * time.Second
		}
	}
	var e *endpointsModel
	if o := m.Endpoints; !o.IsNull() && !o.IsUnknown() {
		e = &endpointsModel{}
		_ = o.As(context.Background(), e, basetypes.ObjectAsOptions{UnhandledNullAsEmpty: true, UnhandledUnknownAsEmpty: true})
	}
	if e != nil {
		cfg.Endpoints = map[string]string{}
		for svc, v := range map[string]types.String{tencent.ServiceCVM: e.CVM, tencent.ServiceVPC: e.VPC, tencent.ServiceSTS: e.STS,
			tencent.ServiceLighthouse: e.Lighthouse} {
			if h := s(v); h != "" {
				cfg.Endpoints[svc] = h
			}
		}
	}
	return cfg
}

// lazyClient creates the Tencent Cloud client on first use, once per
// provider configuration, so configurations that only use lifecycle data
// never need credentials, and every Tencent-backed type of one plan shares
// one client (and its DescribeImages cache).
type lazyClient struct {
	cfg    tencent.Config
	once   sync.Once
	client *tencent.Client
	err    error
	// clients per region other than the default (resources may set region).
	mu      sync.Mutex
	regions map[string]*tencent.Client
}

func newLazyClient(cfg tencent.Config) *lazyClient { return &lazyClient{cfg: cfg} }

// unknownClient is the client of a provider block whose connection
// attributes are not known yet: falling back to the environment would
// silently use other credentials or another region, so every use fails
// with the names of the attributes instead.
func unknownClient(names []string) *lazyClient {
	l := &lazyClient{err: fmt.Errorf("the provider's %s not known until apply (computed from a resource); "+
		"Tencent-backed data sources and resources need them during plan: use values known at plan time (variables, data sources)",
		strings.Join(names, ", ")+map[bool]string{true: " is", false: " are"}[len(names) == 1])}
	l.once.Do(func() {})
	return l
}

// unknownAttributes lists the connection attributes whose value is unknown.
func (m tencentModel) unknownAttributes() []string {
	var out []string
	for name, v := range map[string]attr.Value{
		"secret_id": m.SecretID, "secret_key": m.SecretKey, "security_token": m.SecurityToken, "region": m.Region,
		"profile": m.Profile, "shared_credentials_dir": m.SharedCredentialsDir, "cam_role_name": m.CAMRoleName,
		"protocol": m.Protocol, "max_retries": m.MaxRetries,
	} {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	for name, o := range map[string]types.Object{"assume_role": m.AssumeRole, "endpoints": m.Endpoints} {
		if o.IsUnknown() {
			out = append(out, name)
			continue
		}
		for _, v := range o.Attributes() {
			if v.IsUnknown() {
				out = append(out, name)
				break
			}
		}
	}
	sort.Strings(out)
	return out
}

// get returns the shared client. ctx only bounds the first creation (which
// may call the metadata service or STS).
func (l *lazyClient) get(ctx context.Context) (*tencent.Client, error) {
	l.once.Do(func() {
		l.client, l.err = tencent.New(ctx, l.cfg)
		if l.err != nil {
			l.err = fmt.Errorf("configure the Tencent Cloud client: %w", l.err)
		}
	})
	return l.client, l.err
}

// forRegion returns the client of region ("" = the provider's region).
func (l *lazyClient) forRegion(ctx context.Context, region string) (*tencent.Client, error) {
	c, err := l.get(ctx)
	if err != nil || region == "" || region == c.Region() {
		return c, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if rc, ok := l.regions[region]; ok {
		return rc, nil
	}
	rc, err := c.ForRegion(region)
	if err != nil {
		return nil, fmt.Errorf("client for region %s: %w", region, err)
	}
	if l.regions == nil {
		l.regions = map[string]*tencent.Client{}
	}
	l.regions[region] = rc
	return rc, nil
}

// clientFor is what data sources and resources call; it reports a missing
// or broken configuration as a diagnostic naming what to set.
func clientFor(ctx context.Context, d *providerData, region string, diags *diag.Diagnostics) *tencent.Client {
	if d == nil || d.tencent == nil {
		diags.AddError("Provider not configured", "The hardened provider was not configured before use; this is a bug in the provider.")
		return nil
	}
	c, err := d.tencent.forRegion(ctx, region)
	if err != nil {
		// internal/tencent names the missing credential and every way to
		// provide it (attributes, environment variables, profile, CAM role).
		diags.AddError("Tencent Cloud client", err.Error())
		return nil
	}
	return c
}

// pluginLogger logs the client's retries through the plugin's stderr, which
// Terraform captures in its own log (TF_LOG). Secrets are never logged by
// internal/tencent.
func pluginLogger() hclog.Logger {
	level := hclog.LevelFromString(os.Getenv("TF_LOG_PROVIDER"))
	if level == hclog.NoLevel {
		level = hclog.LevelFromString(os.Getenv("TF_LOG"))
	}
	if level == hclog.NoLevel {
		level = hclog.Warn
	}
	return hclog.New(&hclog.LoggerOptions{Name: "tencent", Level: level, Output: os.Stderr, JSONFormat: true})
}
