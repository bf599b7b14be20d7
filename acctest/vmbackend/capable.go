package vmbackend

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
)

// Capable reports why this machine cannot run VM-backed instances, or nil.
// Everything a sandbox needs (root, namespaces, debootstrap) plus QEMU, its
// disk tool, mkfs.ext4 and the tun device.
func Capable() error {
	if err := sandbox.Capable(); err != nil {
		return err
	}
	for _, tool := range []string{"qemu-system-x86_64", "qemu-img", "mkfs.ext4", "findmnt"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("VM backing needs %s on PATH (scripts/tools.sh apt installs qemu-system-x86 and qemu-utils): %w", tool, err)
		}
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return fmt.Errorf("VM backing needs /dev/net/tun for the instances' tap devices: %w", err)
	}
	return nil
}
