package vmbackend

import (
	"os"
	"testing"
)

// EnvVMTests gates the tests that build disks and boot VMs: minutes of
// CPU under TCG, so they run only when asked for (make testvm).
const envVMTests = "HARDENED_VM_TESTS"

func skipUnlessVM(t testing.TB) {
	t.Helper()
	if os.Getenv(envVMTests) == "" {
		t.Skipf("VM tests boot QEMU machines (minutes under TCG): set %s=1 or run make testvm", envVMTests)
	}
	if err := Capable(); err != nil {
		t.Skip(err.Error())
	}
}
