package cis

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// The harden bundle is embedded at build time (see bundle/README.md): the
// hardening that runs on the target is exactly the one this plugin was
// built with, and a build needs no download.
//
//go:embed bundle
var bundleFS embed.FS

// Arch maps `uname -m` output to a bundle architecture.
func Arch(uname string) (string, error) {
	switch strings.TrimSpace(uname) {
	case "x86_64", "amd64":
		return "amd64", nil
	case "aarch64", "arm64":
		return "arm64", nil
	}
	return "", fmt.Errorf("target architecture %q is not supported by the harden bundle (amd64, arm64)", strings.TrimSpace(uname))
}

// bundleFor returns the bundle binary for arch: bundlePath when set,
// otherwise the embedded one.
func bundleFor(arch, bundlePath string, embedded fs.FS) ([]byte, string, error) {
	if bundlePath != "" {
		b, err := os.ReadFile(bundlePath)
		if err != nil {
			return nil, "", fmt.Errorf("bundle_path: %w", err)
		}
		return b, bundlePath, nil
	}
	if embedded == nil {
		embedded = bundleFS
	}
	name := "bundle/harden-linux-" + arch
	b, err := fs.ReadFile(embedded, name)
	if err != nil || len(b) == 0 {
		return nil, "", fmt.Errorf("this plugin build has no embedded harden bundle for linux/%s (build it with `make -C packer-plugin bundle plugin`), or set bundle_path to a harden binary for the target", arch)
	}
	return b, "embedded " + name, nil
}

// EmbeddedArchs lists the architectures this plugin binary can harden.
func EmbeddedArchs() []string {
	var out []string
	for _, a := range []string{"amd64", "arm64"} {
		if fi, err := fs.Stat(bundleFS, "bundle/harden-linux-"+a); err == nil && fi.Size() > 0 {
			out = append(out, a)
		}
	}
	return out
}
