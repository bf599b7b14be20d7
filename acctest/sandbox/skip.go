package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// Capable reports why this machine cannot run sandboxes, or nil if it can:
// root, network namespaces, and the host tools the package drives.
func Capable() error {
	if os.Geteuid() != 0 {
		return errors.New("sandboxes need root (network, mount and pid namespaces); run the tests as root, as CI does")
	}
	for _, tool := range []string{"ip", "unshare", "nsenter", "mount", "debootstrap", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("sandboxes need %s on PATH (apt-get install iproute2 util-linux debootstrap tar): %w", tool, err)
		}
	}
	if _, err := os.Stat("/proc/self/ns/net"); err != nil {
		return fmt.Errorf("kernel without network namespaces: %w", err)
	}
	return nil
}
