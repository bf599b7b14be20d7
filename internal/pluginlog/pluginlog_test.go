package pluginlog

import (
	"strings"
	"testing"
)

func TestQuietUnreadLogs(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want string // TF_LOG_SDK_FRAMEWORK afterwards
	}{
		"nobody reads logs":       {env: map[string]string{}, want: "off"},
		"empty TF_LOG":            {env: map[string]string{"TF_LOG": ""}, want: "off"},
		"TF_LOG set":              {env: map[string]string{"TF_LOG": "trace"}, want: ""},
		"provider logs wanted":    {env: map[string]string{"TF_LOG_PROVIDER": "debug"}, want: ""},
		"explicit SDK level kept": {env: map[string]string{"TF_LOG_SDK_FRAMEWORK": "debug"}, want: "debug"},
		"acceptance log file":     {env: map[string]string{"TF_ACC_LOG_PATH": "/tmp/x"}, want: ""},
	} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			QuietUnreadLogs(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				func(k, v string) error { env[k] = v; return nil })
			if got := env["TF_LOG_SDK_FRAMEWORK"]; got != tc.want {
				t.Errorf("TF_LOG_SDK_FRAMEWORK = %q, want %q", got, tc.want)
			}
			if tc.want == "off" {
				for _, k := range SDKLogLevelEnv {
					if env[k] != "off" {
						t.Errorf("%s = %q, want off", k, env[k])
					}
				}
			} else if strings.Contains(strings.Join([]string{env["TF_LOG_SDK"], env["TF_LOG_SDK_PROTO"]}, ""), "off") {
				t.Errorf("levels turned off although logs were asked for: %v", env)
			}
		})
	}
}
