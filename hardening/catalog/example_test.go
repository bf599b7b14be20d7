package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/engine/enginetest"
	"github.com/hardenedcloud/terraform-provider-hardened/hardening/primitive"
)

// Example_writingARule is the worked example of "Writing a rule" in
// hardening/doc.go. It is compiled and run with the catalog's tests, so the
// helpers it uses (rule, why, late, perFamily, sysctl) cannot drift from the
// guide. It builds the two rules of the guide the way rules_*.go do (they are
// not registered in the catalog), then audits and fixes the first on a scratch
// Debian 12 root the way `harden apply --root` does.
func Example_writingARule() {
	// A rule whose value differs per OS family: perFamily picks the check
	// for the target (Ubuntu shares Deb unless Ubuntu is set; a nil check
	// means "not applicable on this family"). why sets the one-line
	// rationale the reports show.
	paranoid := why(rule("sysctl-kernel-perf-event-paranoid", "1", "Unprivileged users cannot use perf events",
		perFamily{
			Deb:  sysctl("kernel.perf_event_paranoid", "3"),
			RHEL: sysctl("kernel.perf_event_paranoid", "2"),
		}),
		"perf exposes kernel addresses and timing to local attackers; Debian kernels accept 3 (no unprivileged use at all), RHEL kernels stop at 2")

	// A rule that touches sshd, sudo, PAM or the firewall is late: its fix
	// runs after every other one, behind the sshd -t / visudo -c validation,
	// so a broken change cannot lock the image builder out half-way.
	// Every rule needs its rationale (TestEveryRuleHasRationale).
	sudoTimeout := late(why(rule("sudo-passwd-timeout", "5", "sudo asks for the password again after one minute",
		primitive.SudoersDefault{Setting: "passwd_timeout=1"}),
		"a sudo password prompt left open times out instead of waiting for whoever reaches the terminal next"))

	for _, r := range []*engine.Rule{paranoid, sudoTimeout} {
		fmt.Printf("%s (section %s, late=%t): %s\n", r.ID, r.Section, r.Order == engine.OrderLate, r.Checks[0].Describe())
	}

	// Audit, fix and audit again on an unbooted Debian 12 tree (image mode:
	// configuration files only, nothing is started).
	root, err := os.MkdirTemp("", "example-rule-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(root)
	osRelease := "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		fmt.Println(err)
		return
	}
	if err := os.WriteFile(filepath.Join(root, "etc/os-release"), []byte(osRelease), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	tg, err := engine.NewTarget(root, engine.TargetOptions{Mode: engine.ModeImage})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	opts := engine.RunOptions{Exec: engine.ExecOptions{Packages: enginetest.FixtureBackend{}}}
	before := engine.Audit(ctx, tg, []*engine.Rule{paranoid}, opts)[0]
	applied := engine.Apply(ctx, tg, []*engine.Rule{paranoid}, opts)
	if applied.Err != nil {
		fmt.Println(applied.Err)
		return
	}
	fmt.Println("before:", before.Status, "after apply:", applied.After[0].Status)
	// The fix recorded one line in the shared sysctl drop-in; Plan.Execute
	// wrote it.
	dropIns, _ := filepath.Glob(filepath.Join(root, "etc/sysctl.d/*.conf"))
	for _, f := range dropIns {
		data, _ := os.ReadFile(f)
		fmt.Printf("%s: %s", filepath.Base(f), data)
	}
	// Output:
	// sysctl-kernel-perf-event-paranoid (section 1, late=false): debian: sysctl kernel.perf_event_paranoid = 3 | rhel: sysctl kernel.perf_event_paranoid = 2
	// sudo-passwd-timeout (section 5, late=true): sudoers Defaults passwd_timeout=1
	// before: fail after apply: fixed
	// 99-zz-hardened-cis.conf: # Managed by harden (CIS hardening). Do not edit: changes are overwritten.
	// kernel.perf_event_paranoid = 3
}
