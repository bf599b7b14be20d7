package tencent

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
)

func TestConfigValidationNamesFieldAndFix(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"bad region", Config{Region: "Guangzhou"}, `region "Guangzhou"`},
		{"id without key", Config{SecretID: "AKID"}, "secret_id and secret_key must be set together"},
		{"token without id", Config{SecurityToken: "t"}, "security_token needs secret_id"},
		{"bad scheme", Config{Scheme: "ftp"}, `scheme "ftp" is not supported; use "https"`},
		{"unknown service", Config{Endpoints: map[string]string{"cbs": "x"}}, `unknown service "cbs"`},
		{"scheme in endpoint", Config{Endpoints: map[string]string{"cvm": "http://127.0.0.1:1"}}, `endpoints.cvm: "http://127.0.0.1:1" must be host[:port] without "http://"`},
		{"port too large", Config{Endpoints: map[string]string{"cvm": "127.0.0.1:70000"}}, `endpoints.cvm: "127.0.0.1:70000" has port "70000"; use a port between 1 and 65535`},
		{"port zero", Config{Endpoints: map[string]string{"vpc": "127.0.0.1:0"}}, `use a port between 1 and 65535`},
		{"path", Config{Endpoints: map[string]string{"cvm": "127.0.0.1:8080/api"}}, `without a path ("/api")`},
		{"empty host", Config{Endpoints: map[string]string{"cvm": ":8080"}}, `"" is not a host name`},
		// With several bad endpoints the first in sorted order is reported, every run.
		{"deterministic", Config{Endpoints: map[string]string{"vpc": "a:0", "sts": "b:0", "cvm": "c:0"}}, `endpoints.cvm: "c:0"`},
		{"bad metadata url", Config{MetadataURL: "metadata.tencentyun.com"}, "metadata_url"},
		{"bad role arn", Config{AssumeRole: &AssumeRole{RoleArn: "role"}}, "assume_role.role_arn"},
		{"short duration", Config{AssumeRole: &AssumeRole{RoleArn: "qcs::cam::uin/1:roleName/r", Duration: time.Minute}}, "15m minimum"},
		{"long duration", Config{AssumeRole: &AssumeRole{RoleArn: "qcs::cam::uin/1:roleName/r", Duration: 13 * time.Hour}}, "between 0"},
		{"bad session", Config{AssumeRole: &AssumeRole{RoleArn: "qcs::cam::uin/1:roleName/r", SessionName: "a b"}}, "assume_role.session_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Getenv = testEnv(nil)
			_, err := New(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func writeProfile(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCredentialChain(t *testing.T) {
	srv := tcsim.StartForTest(t)
	dir := t.TempDir()
	writeProfile(t, dir, "default.credential", `{"secretId":"`+srv.SecretID+`","secretKey":"`+srv.SecretKey+`"}`)
	writeProfile(t, dir, "ops.credential", `{"secretId":"`+srv.SecretID+`","secretKey":"`+srv.SecretKey+`"}`)
	writeProfile(t, dir, "ops.configure", `{"_sys_param":{"region":"ap-shanghai"}}`)
	writeProfile(t, dir, "broken.credential", `{"secretId":""}`)
	empty := t.TempDir()

	cases := []struct {
		name       string
		cfg        Config
		env        map[string]string
		wantSource string
		wantRegion string
		wantErr    string
	}{
		{name: "explicit", cfg: Config{SecretID: srv.SecretID, SecretKey: srv.SecretKey, SharedCredentialsDir: dir},
			env: map[string]string{EnvSecretID: "AKIDother", EnvSecretKey: "x"}, wantSource: "explicit configuration", wantRegion: "ap-guangzhou"},
		{name: "environment", cfg: Config{SharedCredentialsDir: dir},
			env: map[string]string{EnvSecretID: srv.SecretID, EnvSecretKey: srv.SecretKey, EnvRegion: "ap-beijing"}, wantSource: "environment", wantRegion: "ap-beijing"},
		{name: "half environment", cfg: Config{SharedCredentialsDir: dir}, env: map[string]string{EnvSecretID: "AKID"}, wantErr: "only one of TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"},
		{name: "default profile", cfg: Config{SharedCredentialsDir: dir}, wantSource: "profile default", wantRegion: "ap-guangzhou"},
		{name: "named profile via env", cfg: Config{}, env: map[string]string{EnvProfile: "ops", EnvSharedCredsDir: dir}, wantSource: "profile ops", wantRegion: "ap-shanghai"},
		{name: "missing named profile", cfg: Config{Profile: "nope", SharedCredentialsDir: dir}, wantErr: `profile "nope"`},
		{name: "broken profile", cfg: Config{Profile: "broken", SharedCredentialsDir: dir}, wantErr: "needs both"},
		{name: "nothing", cfg: Config{SharedCredentialsDir: empty}, wantErr: "no Tencent Cloud credentials found"},
		{name: "cam role", cfg: Config{SharedCredentialsDir: empty, CAMRoleName: srv.CAMRoleName(), MetadataURL: srv.MetadataURL()},
			wantSource: "CAM role tcsim-cam-role (instance metadata)", wantRegion: "ap-guangzhou"},
		{name: "cam role via env", cfg: Config{SharedCredentialsDir: empty, MetadataURL: srv.MetadataURL()},
			env: map[string]string{EnvCAMRoleName: srv.CAMRoleName()}, wantSource: "CAM role tcsim-cam-role (instance metadata)", wantRegion: "ap-guangzhou"},
		{name: "unbound cam role", cfg: Config{SharedCredentialsDir: empty, CAMRoleName: "other", MetadataURL: srv.MetadataURL()}, wantErr: `CAM role "other" is not bound`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Getenv = testEnv(tc.env)
			cfg.Endpoints = map[string]string{ServiceCVM: srv.Endpoint(), ServiceVPC: srv.Endpoint(), ServiceSTS: srv.Endpoint()}
			cfg.Scheme = "http"
			c, err := New(context.Background(), cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.CredentialSource() != tc.wantSource || c.Region() != tc.wantRegion {
				t.Fatalf("source %q region %q, want %q %q", c.CredentialSource(), c.Region(), tc.wantSource, tc.wantRegion)
			}
			// The credentials really work against the signature-checking emulator.
			if _, err := c.DescribeKeyPairs(ctxT(t)); err != nil {
				t.Fatalf("call with %s credentials: %v", tc.wantSource, err)
			}
		})
	}
}

func TestAssumeRoleRefreshesBeforeExpiry(t *testing.T) {
	srv := tcsim.StartForTest(t)
	var offset atomic.Int64
	c, _ := newTestClient(t, srv, func(cfg *Config) {
		cfg.AssumeRole = &AssumeRole{RoleArn: "qcs::cam::uin/100000000001:roleName/deployer", SessionName: "test", Duration: time.Hour}
		cfg.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	if !strings.HasPrefix(c.CredentialSource(), "assume_role qcs::cam::uin/100000000001:roleName/deployer") {
		t.Fatalf("source = %q", c.CredentialSource())
	}
	first, _, _ := c.cred.GetCredential()
	if _, err := c.DescribeKeyPairs(ctxT(t)); err != nil {
		t.Fatalf("call with assumed role: %v", err)
	}
	// 50 minutes later: still valid, no refresh.
	offset.Store(int64(50 * time.Minute))
	if _, err := c.DescribeKeyPairs(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if got := srv.Stats().Actions["AssumeRole"]; got != 1 {
		t.Fatalf("AssumeRole calls = %d at 50m, want 1", got)
	}
	// 56 minutes: inside the 5-minute margin, refreshed before the next call.
	offset.Store(int64(56 * time.Minute))
	if _, err := c.DescribeKeyPairs(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	second, _, _ := c.cred.GetCredential()
	if got := srv.Stats().Actions["AssumeRole"]; got != 2 || second == first {
		t.Fatalf("AssumeRole calls = %d (id changed: %v), want a refresh", got, second != first)
	}
}

func TestNoSecretsInDebugAndTraceLogs(t *testing.T) {
	logs := &syncBuffer{}
	faults, _ := tcsim.ParseFaultSpec("seed=3,*:throttle=0.3,*:502=0.1,DescribeImages:reset=0.1")
	srv := tcsim.StartForTest(t, tcsim.WithFaults(faults), tcsim.WithOptions(func(o *tcsim.Options) {
		o.Logger = hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: logs})
	}))
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: logs})
	secrets := []string{srv.SecretKey}
	run := func(mod func(*Config)) {
		c, _ := newTestClient(t, srv, func(cfg *Config) {
			cfg.Logger = logger
			cfg.MaxRetries = 20
			mod(cfg)
		})
		ctx := ctxT(t)
		if _, err := c.ListImages(ctx, nil); err != nil {
			t.Fatal(err)
		}
		id, err := c.RunInstance(ctx, RunInstanceInput{Zone: "ap-guangzhou-2", ImageID: "img-j5e5hadz", Password: "Sup3r-Secret-Pw"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitInstanceState(ctx, id, "RUNNING", 5*time.Second); err != nil {
			t.Fatal(err)
		}
		if err := c.TerminateInstances(ctx, id); err != nil {
			t.Fatal(err)
		}
		_, key, token := c.cred.GetCredential()
		secrets = append(secrets, key)
		if token != "" {
			secrets = append(secrets, token)
		}
	}
	run(func(cfg *Config) {})
	run(func(cfg *Config) {
		cfg.AssumeRole = &AssumeRole{RoleArn: "qcs::cam::uin/100000000001:roleName/deployer"}
	})
	run(func(cfg *Config) {
		cfg.SecretID, cfg.SecretKey = "", ""
		cfg.CAMRoleName, cfg.MetadataURL = srv.CAMRoleName(), srv.MetadataURL()
	})
	secrets = append(secrets, "Sup3r-Secret-Pw")
	out := logs.String()
	if !strings.Contains(out, "retrying tencent cloud call") || !strings.Contains(out, "[TRACE]") {
		t.Fatalf("the run produced no retry/trace logs, so the scan proves nothing:\n%s", firstLines(out, 10))
	}
	for _, sec := range secrets {
		if sec == "" {
			t.Fatal("empty secret collected")
		}
		if n := strings.Count(out, sec); n != 0 {
			t.Errorf("a secret (%d chars) appears %d times in the DEBUG/TRACE log", len(sec), n)
		}
	}
	if strings.Contains(out, "Signature=") || strings.Contains(out, "TC3-HMAC-SHA256 Credential") {
		t.Error("a request signature appears in the log")
	}
}
