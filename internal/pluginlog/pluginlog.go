// Package pluginlog holds the Terraform plugin binaries' logging defaults.
// It only reads and sets environment variables, so it imports no SDK.
package pluginlog

// SDKLogLevelEnv are the log levels the plugin SDK reads from the environment (TF_LOG_SDK is the
// root, the others its subsystems; TF_LOG_PROVIDER_HARDENED is the
// hardened provider's own logger).
var SDKLogLevelEnv = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_HARDENED"}

// QuietUnreadLogs turns the plugin SDK's logging off when nobody asked for
// logs. Without a level in the environment the SDK logs at TRACE: about 80
// JSON lines (40 KB) per data source read, formatted here and parsed by
// Terraform only to be discarded, because Terraform shows provider logs only
// with TF_LOG or TF_LOG_PROVIDER. That cost ~10 ms per lookup under a plan of
// 1000 data sources. Any of those variables, a log path, or an explicit SDK
// level keeps the SDK's own behaviour.
func QuietUnreadLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, k := range append([]string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH", "TF_LOG_PATH_MASK", "TF_ACC_LOG_PATH"}, SDKLogLevelEnv...) {
		if v, ok := lookup(k); ok && v != "" {
			return
		}
	}
	for _, k := range SDKLogLevelEnv {
		_ = set(k, "off") // Setenv fails only for invalid names
	}
}
