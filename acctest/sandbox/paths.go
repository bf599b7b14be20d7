package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
)

// NamePrefix starts the name of every network namespace, veth link and state
// directory this package creates. Cleanup only ever touches objects carrying it.
const NamePrefix = "hsb-"

// Environment overrides, mainly for CI runners with unusual disks.
const (
	envStateDir = "HSB_STATE_DIR" // per-sandbox state, roots and the global lock
	envCacheDir = "HSB_CACHE_DIR" // base roots and the apt proxy cache
	envMirror   = "HSB_DEBIAN_MIRROR"
	// envNoOverlay forces full root copies, as on hosts without overlayfs.
	envNoOverlay = "HSB_NO_OVERLAY"
)

// stateDir holds one directory per sandbox plus the lock that serialises
// address allocation and proxy start/stop across processes. It is on disk (not
// /run) because sandbox roots live inside it and are hundreds of megabytes.
func stateDir() string {
	if d := os.Getenv(envStateDir); d != "" {
		return d
	}
	return "/var/tmp/hardened-sandbox"
}

// cacheDir is ~/.cache/hardened: base roots and apt-cacher-ng's cache survive
// runs so that debootstrap and package downloads happen once per machine.
func cacheDir() (string, error) {
	if d := os.Getenv(envCacheDir); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "hardened"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find cache directory (set %s): %w", envCacheDir, err)
	}
	return filepath.Join(home, ".cache", "hardened"), nil
}

func debianMirror() string {
	if m := os.Getenv(envMirror); m != "" {
		return m
	}
	return "http://deb.debian.org/debian"
}
