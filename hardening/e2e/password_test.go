package e2e

import (
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

// pwcheckUser is created and removed by testPasswordChange; it exists only
// during that test, so no hardening run sees it.
const pwcheckUser = "pwcheck"

// testPasswordChange proves the hardened password stack works: a stack that
// names a module whose package is missing (pam_pwquality.so without
// libpam-pwquality) makes every chpasswd/passwd fail with "Module is
// unknown". A strong password must be accepted and stored with a strong
// hash, and a weak one rejected (pwquality enforces for root too), so the
// test also fails if pam_pwquality is silently not in the stack.
func testPasswordChange(t *testing.T, session *ssh.Client, profile string) {
	t.Helper()
	if out, err := runSSH(session, "sudo -n useradd -m -s /bin/bash "+pwcheckUser+" 2>&1"); err != nil {
		t.Fatalf("%s: useradd %s: %v %s", profile, pwcheckUser, err, out)
	}
	defer func() {
		if out, err := runSSH(session, "sudo -n userdel -r "+pwcheckUser+" 2>&1"); err != nil {
			t.Errorf("%s: userdel %s: %v %s", profile, pwcheckUser, err, out)
		}
	}()

	for _, tc := range []struct {
		name, password string
		accepted       bool
	}{
		{"weak", "abc123", false},
		// 16 characters, four classes, no repeats or sequences, no word.
		{"strong", "Tq8#vRm2!xLp9@Wz", true},
	} {
		out, err := runSSH(session, "printf '%s:%s\\n' "+pwcheckUser+" '"+tc.password+"' | sudo -n chpasswd 2>&1")
		if strings.Contains(out, "Module is unknown") {
			t.Fatalf("%s: chpasswd (%s): PAM names a module that is not installed: %s", profile, tc.name, out)
		}
		if tc.accepted && err != nil {
			t.Errorf("%s: chpasswd rejected the %s password: %v %s", profile, tc.name, err, out)
		}
		if !tc.accepted && err == nil {
			t.Errorf("%s: chpasswd accepted the %s password %q: pam_pwquality is not enforcing", profile, tc.name, tc.password)
		}
	}

	out, err := runSSH(session, "sudo -n getent shadow "+pwcheckUser)
	if err != nil {
		t.Fatalf("%s: getent shadow: %v %s", profile, err, out)
	}
	fields := strings.Split(strings.TrimSpace(out), ":")
	if len(fields) < 2 || !strings.HasPrefix(fields[1], "$y$") && !strings.HasPrefix(fields[1], "$6$") {
		t.Errorf("%s: password of %s not stored as yescrypt/sha512 after chpasswd: %q", profile, pwcheckUser, out)
	}
}
