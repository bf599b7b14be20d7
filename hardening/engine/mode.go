package engine

import (
	"os"
	"syscall"
)

// DetectMode picks image or live mode for a run on root. Image mode is
// chosen for any root other than "/", inside a chroot (our "/" differs
// from PID 1's root), or when systemd is not running (an unbooted tree or a
// build container): in all of these there is no "running system" of the
// target to change, and touching the kernel would hit the host's.
func DetectMode(root string) Mode {
	if root != "/" && root != "" {
		return ModeImage
	}
	if inChroot() {
		return ModeImage
	}
	if fi, err := os.Stat("/run/systemd/system"); err != nil || !fi.IsDir() {
		return ModeImage
	}
	return ModeLive
}

func inChroot() bool {
	var self, init syscall.Stat_t
	if err := syscall.Stat("/", &self); err != nil {
		return true
	}
	if err := syscall.Stat("/proc/1/root/", &init); err != nil {
		// Without /proc (or permission to see PID 1's root) assume the
		// conservative answer.
		return true
	}
	return self.Dev != init.Dev || self.Ino != init.Ino
}
