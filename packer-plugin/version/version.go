// Package version holds the plugin version reported by `describe` and
// stamped into image provenance.
package version

import "github.com/hashicorp/packer-plugin-sdk/version"

// Set with -ldflags "-X …/packer-plugin/version.Version=…" by releases.
var (
	Version           = "0.1.0"
	VersionPrerelease = "dev"
	VersionMetadata   = ""
)

// PluginVersion is what `packer-plugin-hardened describe` reports.
var PluginVersion = version.NewPluginVersion(Version, VersionPrerelease, VersionMetadata)

// String is "packer-plugin-hardened <version>", the builder field of provenance.
func String() string { return "packer-plugin-hardened " + PluginVersion.String() }
