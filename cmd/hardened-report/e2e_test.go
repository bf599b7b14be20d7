package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/tcsim"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/policy"
	"github.com/hardenedcloud/terraform-provider-hardened/internal/tencent"
)

// sim is a tcsim with a fleet launched outside the CLI.
type sim struct {
	srv    *tcsim.TestServer
	client *tencent.Client
	images map[string]string // OsName → public x86_64 image id
}

func startSim(t testing.TB, regions ...string) *sim {
	t.Helper()
	return startSimWith(t, nil, regions...)
}

// startSimWith is startSim with more tcsim options (mod may be nil).
func startSimWith(t testing.TB, mod func(*tcsim.Options), regions ...string) *sim {
	t.Helper()
	srv := tcsim.StartForTest(t, tcsim.WithOptions(func(o *tcsim.Options) {
		o.Regions = regions
		if mod != nil {
			mod(o)
		}
	}))
	c, err := tencent.New(context.Background(), tencent.Config{SecretID: srv.SecretID, SecretKey: srv.SecretKey, Region: regions[0],
		Endpoints: srv.Endpoints(), Scheme: "http", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := c.ListImages(context.Background(), []tencent.Filter{{Name: "image-type", Values: []string{"PUBLIC_IMAGE"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := &sim{srv: srv, client: c, images: map[string]string{}}
	for _, img := range imgs {
		if img.Architecture == "x86_64" {
			s.images[img.OsName] = img.ID
		}
	}
	return s
}

// launch starts n instances of osName in region (8 at a time: tcsim answers
// in microseconds, the benchmark seeds thousands).
func (s *sim) launch(t testing.TB, region, osName string, n int) {
	t.Helper()
	c, err := s.client.ForRegion(region)
	if err != nil {
		t.Fatal(err)
	}
	img, ok := s.images[osName]
	if !ok {
		t.Fatalf("tcsim has no x86_64 image %q", osName)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := c.RunInstance(context.Background(), tencent.RunInstanceInput{Zone: region + "-3", ImageID: img, InstanceType: "S5.MEDIUM2",
				Name: fmt.Sprintf("web-%d", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// env is the process environment the CLI sees: tcsim's credentials and
// endpoint through the same variables a user sets.
func (s *sim) env(extra ...string) map[string]string {
	e := map[string]string{
		tencent.EnvSecretID: s.srv.SecretID, tencent.EnvSecretKey: s.srv.SecretKey,
		envProtocol: "HTTP", envCVMEndpoint: s.srv.Endpoint(), envVPCEndpoint: s.srv.Endpoint(), envLHEndpoint: s.srv.Endpoint(),
		"HARDENED_TODAY": "2026-12-03", "HOME": os.TempDir(),
	}
	for i := 0; i+1 < len(extra); i += 2 {
		e[extra[i]] = extra[i+1]
	}
	return e
}

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the CLI in-process with fast retries (at most 2).
func runCLI(t testing.TB, env map[string]string, tty bool, args ...string) result {
	t.Helper()
	return runCLIWith(context.Background(), t, env, tty, 2, args...)
}

func runCLIWith(ctx context.Context, t testing.TB, env map[string]string, tty bool, retries int, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, runEnv{
		getenv: func(k string) string { return env[k] }, stdout: &out, stderr: &errb,
		isTTY: func(io.Writer) bool { return tty },
		tune: func(c *tencent.Config) {
			c.RetryBaseDelay, c.RetryMaxDelay, c.MaxRetries = time.Millisecond, 5*time.Millisecond, retries
			c.SharedCredentialsDir = t.TempDir()
		},
	})
	return result{code, out.String(), errb.String()}
}

// fleet: 3 CentOS 7.9 (eol) and 2 Debian 13 (ok) in ap-guangzhou, 1 Rocky 9
// (ok, or unapproved under a policy without rocky) in ap-shanghai.
func smallFleet(t *testing.T) *sim {
	s := startSim(t, "ap-guangzhou", "ap-shanghai")
	s.launch(t, "ap-guangzhou", "CentOS 7.9 64位", 3)
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 2)
	s.launch(t, "ap-shanghai", "Rocky Linux 9.4 64位", 1)
	return s
}

func TestFormats(t *testing.T) {
	s := smallFleet(t)
	env := s.env()
	regions := "--regions=ap-guangzhou,ap-shanghai"

	r := runCLI(t, env, false, regions, "--format", "json")
	if r.code != exitOK {
		t.Fatalf("json: exit %d\n%s", r.code, r.stderr)
	}
	var j jsonReport
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, r.stdout)
	}
	if j.Total != 6 || j.Counts["eol"] != 3 || j.Counts["ok"] != 3 || len(j.Images) != 3 || j.ByRegion["ap-shanghai"] != 1 {
		t.Errorf("json report: total %d counts %v by_region %v images %d", j.Total, j.Counts, j.ByRegion, len(j.Images))
	}
	first := j.Instances[0]
	if first.Group != "eol" || first.EOLDate != "2024-06-30" || first.Successor != "rocky 9" || first.DaysLeft == nil || *first.DaysLeft >= 0 ||
		first.Provenance != "none" || first.Region != "ap-guangzhou" || len(first.Codes) == 0 || first.Codes[0] != "eol" {
		t.Errorf("first instance = %+v", first)
	}

	r = runCLI(t, env, false, regions, "--format", "csv")
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || r.code != exitOK {
		t.Fatalf("csv: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if len(recs) != 1+6+3 || strings.Join(recs[0], ",") != strings.Join(csvHeader, ",") || recs[1][0] != "instance" || recs[9][0] != "image" {
		t.Errorf("csv: %d records, header %v", len(recs), recs[0])
	}

	r = runCLI(t, env, false, regions)
	for _, want := range []string{"Fleet report 2026-12-03: 6 instances in ap-guangzhou, ap-shanghai", "eol 3", "CentOS 7.9 64位", "rocky 9", "2024-06-30", "Images"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table output lacks %q:\n%s", want, r.stdout)
		}
	}

	r = runCLI(t, env, false, regions, "--format=html")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || !strings.Contains(r.stdout, `<tr class="eol">`) ||
		strings.Count(r.stdout, "<tr class=") != 9 {
		t.Errorf("html output (exit %d):\n%s", r.code, r.stdout)
	}
}

func TestExitCodesAndPolicy(t *testing.T) {
	s := smallFleet(t)
	env := s.env()
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.hcl")
	if err := os.WriteFile(pol, []byte("allowed_os = [\"debian\", \"centos\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"mode": "strict"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args   []string
		env    map[string]string
		code   int
		stderr string
	}{
		"eol fails":              {[]string{"--regions", "ap-guangzhou,ap-shanghai", "--fail-on", "eol,unapproved", "-quiet"}, env, exitFindings, "3 instance(s) fail --fail-on (3 eol): ap-guangzhou/ins-"},
		"policy unapproved":      {[]string{"--regions", "ap-shanghai", "--fail-on", "unapproved", "--policy", pol, "--quiet"}, env, exitFindings, "1 instance(s) fail --fail-on (1 unapproved): ap-shanghai/ins-"},
		"no finding":             {[]string{"--regions", "ap-shanghai", "--fail-on", "eol", "--quiet"}, env, exitOK, ""},
		"default region":         {[]string{"--fail-on", "eol", "--quiet"}, s.env(tencent.EnvRegion, "ap-shanghai"), exitOK, ""},
		"all regions":            {[]string{"--regions", "all", "--fail-on", "eol", "--quiet"}, env, exitFindings, "(3 eol)"},
		"unknown flag":           {[]string{"--region", "ap-guangzhou"}, env, exitUsage, "flag provided but not defined: -region"},
		"bad format":             {[]string{"--format", "xml"}, env, exitUsage, `--format: "xml" is not one of table, json, csv, html`},
		"bad fail-on":            {[]string{"--fail-on", "eol,old"}, env, exitUsage, `--fail-on: "old" is not a report group`},
		"bad region":             {[]string{"--regions", "Guangzhou"}, env, exitUsage, `--regions: "Guangzhou" is not a region name`},
		"bad protocol":           {[]string{"--protocol", "ftp"}, env, exitUsage, `--protocol: "ftp" is not HTTP or HTTPS`},
		"endpoint with scheme":   {[]string{"--cvm-endpoint", "http://127.0.0.1:1"}, env, exitUsage, "--cvm-endpoint: "},
		"positional argument":    {[]string{"ap-guangzhou"}, env, exitUsage, `unexpected argument "ap-guangzhou"`},
		"bad policy file":        {[]string{"--policy", bad}, env, exitUsage, `--policy: ` + bad + `:1: mode: mode "strict" is not one of enforce, warn, audit`},
		"missing policy file":    {[]string{"--policy", filepath.Join(dir, "none.hcl")}, env, exitUsage, "--policy: read policy file"},
		"wrong secret key":       {[]string{"--quiet"}, s.env(tencent.EnvSecretKey, "wrong"), exitError, "SignatureFailure"},
		"unsupported region":     {[]string{"--regions", "ap-mars", "--quiet"}, env, exitError, "UnsupportedRegion"},
		"bad today":              {nil, s.env("HARDENED_TODAY", "soon"), exitUsage, "HARDENED_TODAY"},
		"version":                {[]string{"--version"}, env, exitOK, ""},
		"help is not an error":   {[]string{"--help"}, env, exitOK, "Usage: hardened-report"},
		"endpoint env respected": {[]string{"--quiet"}, s.env(envCVMEndpoint, "127.0.0.1:1"), exitError, "using --cvm-endpoint 127.0.0.1:1, --vpc-endpoint "},
	} {
		t.Run(name, func(t *testing.T) {
			r := runCLI(t, tc.env, false, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr:\n%s\nwant it to contain %q", r.code, tc.code, r.stderr, tc.stderr)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	s := startSim(t, "ap-guangzhou", "ap-shanghai")
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 250)
	r := runCLI(t, s.env(), false, "--regions", "ap-guangzhou,ap-shanghai", "--format", "json")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	// Not a terminal: the first page, every finished region, the summary;
	// never a carriage return.
	if r.code != exitOK || strings.Contains(r.stderr, "\r") || len(lines) < 3 || len(lines) > 5 ||
		!strings.Contains(r.stderr, "ap-guangzhou 250/250") || lines[len(lines)-1] != "hardened-report: 250 instances on 1 images in 2 region(s)" {
		t.Errorf("plain progress (exit %d):\n%s", r.code, r.stderr)
	}
	r = runCLI(t, s.env(), true, "--regions", "ap-guangzhou")
	if !strings.Contains(r.stderr, "\r\033[Khardened-report: read 100/250 instances (ap-guangzhou 100/250)") ||
		!strings.HasSuffix(r.stderr, "\r\033[Khardened-report: 250 instances on 1 images in 1 region(s)\n") {
		t.Errorf("terminal progress: %q", r.stderr)
	}
	if r = runCLI(t, s.env(), true, "--quiet"); r.stderr != "" {
		t.Errorf("--quiet still printed %q", r.stderr)
	}
}

// TestCallCounts is the scaling target of #12 on a fleet small enough for
// every run: per region ⌈instances/100⌉ DescribeInstances and ⌈distinct
// images/100⌉ DescribeImages, nothing else.
func TestCallCounts(t *testing.T) {
	s := startSim(t, "ap-guangzhou", "ap-shanghai")
	s.launch(t, "ap-guangzhou", "Debian 13.1 64位", 100)
	s.launch(t, "ap-guangzhou", "CentOS 7.9 64位", 50)
	s.launch(t, "ap-shanghai", "Rocky Linux 9.4 64位", 100)
	s.srv.ResetStats()
	r := runCLI(t, s.env(), false, "--regions", "ap-guangzhou,ap-shanghai", "--format", "csv", "--quiet")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	st := s.srv.Stats()
	want := map[string]int64{
		"DescribeInstances": ceil(150, 100) + ceil(100, 100),
		"DescribeImages":    ceil(2, 100) + ceil(1, 100),
	}
	t.Logf("250 instances, 2 regions: %v", st.Actions)
	for action, n := range want {
		if st.Actions[action] != n {
			t.Errorf("%s calls = %d, want %d", action, st.Actions[action], n)
		}
	}
	if st.Total != want["DescribeInstances"]+want["DescribeImages"] {
		t.Errorf("%d API calls in all (%v), want only the %d above", st.Total, st.Actions, want["DescribeInstances"]+want["DescribeImages"])
	}
}

func ceil(n, per int) int64 { return int64(math.Ceil(float64(n) / float64(per))) }

// TestBinary runs the built command the way a CI job does: environment
// variables only, exit status of the process.
func TestBinary(t *testing.T) {
	s := smallFleet(t)
	bin := filepath.Join(t.TempDir(), "hardened-report")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--regions", "ap-guangzhou,ap-shanghai", "--format", "json", "--fail-on", "eol")
	for k, v := range s.env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var j jsonReport
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFindings || json.Unmarshal(out.Bytes(), &j) != nil || j.Total != 6 {
		t.Fatalf("binary: %v, total %d\nstderr:\n%s", err, j.Total, errb.String())
	}
	if !strings.Contains(errb.String(), "hardened-report: read 6/6 instances (ap-guangzhou 5/5, ap-shanghai 1/1)") {
		t.Errorf("no progress line on stderr:\n%s", errb.String())
	}
}

// TestREADMEPolicyExample keeps the policy file shown in README.md valid.
func TestREADMEPolicyExample(t *testing.T) {
	doc, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "```hcl\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no ```hcl policy example")
	}
	f, err := policy.ParseFile("README.md", []byte(example))
	if err != nil {
		t.Fatalf("the README's policy example does not load: %v", err)
	}
	if !f.Policy.RequireHardened || len(f.Policy.Exceptions) != 1 || len(f.Overrides) != 1 {
		t.Errorf("README policy = %+v", f.Policy)
	}
}
