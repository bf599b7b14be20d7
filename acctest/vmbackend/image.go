package vmbackend

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/acctest/sandbox"
)

//go:embed firstboot.sh
var firstbootScript string

//go:embed hardened-firstboot.service
var firstbootUnit string

// vmPackages turn a sandbox base root into a bootable cloud image: a kernel
// with its initramfs (udev inside, so root=UUID= resolves), and GRUB's
// update-grub so the kernel command line comes from the image's own grub.cfg.
var vmPackages = []string{"linux-image-amd64", "initramfs-tools", "udev", "grub2-common", "grub-pc-bin"}

// imageRecipeVersion is bumped when buildScript or the first-boot files
// change, so cached base disks built the old way are not reused.
const imageRecipeVersion = "1"

// diskSize is the virtual size of every disk (sparse): the size of a small
// cloud system disk, room enough for hardening's package installs.
const diskSize = "8G"

// Boot is how a disk boots: the image's kernel and initramfs (copied out of
// it) and the command line of the first menu entry of its grub.cfg.
type Boot struct {
	Kernel  string `json:"kernel"`
	Initrd  string `json:"initrd"`
	Cmdline string `json:"cmdline"`
	// GrubCfg is the path of the grub.cfg the command line was read from,
	// inside the image, for messages.
	GrubCfg string `json:"grub_cfg"`
}

// bootFile is the sidecar of every disk that can be launched (base or image).
func bootFile(disk string) string { return disk + ".boot.json" }

func readBoot(disk string) (Boot, error) {
	var b Boot
	data, err := os.ReadFile(bootFile(disk))
	if err != nil {
		return b, fmt.Errorf("boot configuration of %s: %w", disk, err)
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("boot configuration of %s: %w", disk, err)
	}
	return b, nil
}

func writeBoot(disk string, b Boot) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(bootFile(disk), data, 0o644)
}

// cacheDir holds the base disks, one directory per recipe key; like the
// sandbox base roots it survives runs (HSB_CACHE_DIR moves both).
func cacheDir() (string, error) {
	if d := os.Getenv("HSB_CACHE_DIR"); d != "" {
		return filepath.Join(d, "vm"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find cache directory (set HSB_CACHE_DIR): %w", err)
	}
	return filepath.Join(home, ".cache", "hardened", "vm"), nil
}

func baseKey(release string) string {
	h := sha256.Sum256([]byte(imageRecipeVersion + "\n" + release + "\n" + strings.Join(vmPackages, ",") + "\n" + buildScript + firstbootScript + firstbootUnit))
	return release + "-" + hex.EncodeToString(h[:])[:12]
}

// BaseDisk returns the cached qcow2 base disk of a Debian release, building
// it the first time: a sandbox of the release installs vmPackages and the
// first-boot unit, its root becomes an ext4 file system (mkfs.ext4 -d), the
// image's own update-grub writes grub.cfg, and qemu-img converts the result.
func BaseDisk(ctx context.Context, release string, logf func(string, ...any)) (string, error) {
	if _, err := sandbox.ReleaseVersion(release); err != nil {
		return "", err
	}
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, baseKey(release))
	disk := filepath.Join(dir, "base.qcow2")
	if _, err := readBoot(disk); err == nil {
		return disk, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return "", fmt.Errorf("vm cache: %w", err)
	}
	lock, err := sandbox.LockFile(ctx, filepath.Join(cache, "."+baseKey(release)+".lock"))
	if err != nil {
		return "", err
	}
	defer lock.Unlock()
	if _, err := readBoot(disk); err == nil {
		return disk, nil
	}
	t0 := time.Now()
	logf("building the %s VM base disk into %s (cached afterwards)", release, dir)
	// One build directory per key (we hold its lock): a build that failed
	// after the slow part (packages, mkfs) resumes from there.
	tmp := filepath.Join(cache, ".build-"+baseKey(release))
	if err := buildBase(ctx, release, tmp, dir, logf); err != nil {
		if _, serr := os.Stat(filepath.Join(tmp, rootDone)); serr == nil {
			logf("kept %s: the next build resumes after mkfs", tmp)
		} else {
			_ = os.RemoveAll(tmp)
		}
		return "", fmt.Errorf("build %s VM base disk: %w", release, err)
	}
	_ = os.RemoveAll(dir)
	if err := os.Rename(tmp, dir); err != nil {
		return "", fmt.Errorf("publish %s VM base disk: %w", release, err)
	}
	logf("built the %s VM base disk in %s", release, time.Since(t0).Round(time.Second))
	return disk, nil
}

// rootDone marks a build directory whose disk.raw holds the finished root.
const rootDone = "root.done"

// buildScript runs inside the build sandbox. The GRUB defaults are those of
// Debian's cloud images (serial console first), so the command line that
// update-grub writes is what such an image boots with.
const buildScript = `set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends %s
[ -e /etc/default/grub ] || cp /usr/share/grub/default/grub /etc/default/grub
mkdir -p /etc/default/grub.d
cat >/etc/default/grub.d/10_cloud.cfg <<'CFG'
# As in Debian's cloud images: kernel messages on the serial console.
GRUB_CMDLINE_LINUX="console=tty0 console=ttyS0,115200 earlyprintk=ttyS0,115200 consoleblank=0"
GRUB_TERMINAL="console serial"
GRUB_SERIAL_COMMAND="serial --speed=115200"
GRUB_TIMEOUT=0
CFG
install -d /usr/local/lib/hardened
cat >/usr/local/lib/hardened/firstboot
chmod 0755 /usr/local/lib/hardened/firstboot
printf '%%s' '%s' >/etc/systemd/system/hardened-firstboot.service
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /etc/systemd/system/hardened-firstboot.service /etc/systemd/system/multi-user.target.wants/hardened-firstboot.service
printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' >/etc/fstab
# What the build sandbox made for itself: an image carries none of it.
rm -f /etc/ssh/ssh_host_* /etc/apt/apt.conf.d/00hsb-proxy /usr/sbin/policy-rc.d
rm -rf /root/.ssh /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
: >/etc/machine-id
echo localhost >/etc/hostname
`

// buildBase builds into out; final is where out is renamed to afterwards,
// which the boot configuration names.
func buildBase(ctx context.Context, release, out, final string, logf func(string, ...any)) error {
	for _, tool := range []string{"qemu-img", "mkfs.ext4", "findmnt"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (scripts/tools.sh apt installs qemu-utils and e2fsprogs): %w", tool, err)
		}
	}
	raw := filepath.Join(out, "disk.raw")
	uuidFile := filepath.Join(out, "uuid")
	if _, err := os.Stat(filepath.Join(out, rootDone)); err != nil {
		_ = os.RemoveAll(out)
		if err := os.MkdirAll(out, 0o700); err != nil {
			return err
		}
		uuid, err := newUUID()
		if err != nil {
			return err
		}
		if err := buildRoot(ctx, release, uuid, raw, logf); err != nil {
			return err
		}
		if err := os.WriteFile(uuidFile, []byte(uuid), 0o600); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, rootDone), nil, 0o600); err != nil {
			return err
		}
	}
	u, err := os.ReadFile(uuidFile)
	if err != nil {
		return err
	}
	uuid := string(u)
	cfg, err := updateGrub(ctx, raw, uuid, out)
	if err != nil {
		return err
	}
	boot, err := parseGrubCfg(cfg)
	if err != nil {
		return fmt.Errorf("/boot/grub/grub.cfg of the %s image: %w", release, err)
	}
	boot.GrubCfg = "/boot/grub/grub.cfg"
	// The kernel and initramfs were copied out by updateGrub under their
	// names in the image.
	kernel, initrd := filepath.Base(boot.Kernel), filepath.Base(boot.Initrd)
	boot.Kernel, boot.Initrd = filepath.Join(final, "boot", kernel), filepath.Join(final, "boot", initrd)
	for _, f := range []string{kernel, initrd} {
		if _, err := os.Stat(filepath.Join(out, "boot", f)); err != nil {
			return fmt.Errorf("grub.cfg names %s, which the image does not have: %w", f, err)
		}
	}
	disk := filepath.Join(out, "base.qcow2")
	if err := run(ctx, "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, disk); err != nil {
		return err
	}
	if err := os.Remove(raw); err != nil {
		return err
	}
	// Instances and images only ever layer overlays on top of the base.
	if err := os.Chmod(disk, 0o444); err != nil {
		return err
	}
	return writeBoot(disk, boot)
}

// buildRoot installs the VM packages and first-boot unit in a sandbox of
// the release and writes its root into an ext4 disk with the given UUID.
func buildRoot(ctx context.Context, release, uuid, raw string, logf func(string, ...any)) error {
	sb, err := sandbox.New(ctx, sandbox.Options{Release: release, Logf: logf})
	if err != nil {
		return err
	}
	defer func() { _ = sb.Destroy(context.WithoutCancel(ctx)) }()
	script := fmt.Sprintf(buildScript, strings.Join(vmPackages, " "), strings.ReplaceAll(firstbootUnit, "'", `'\''`), uuid)
	if _, stderr, err := sb.Exec(ctx, strings.NewReader(firstbootScript), "/bin/sh", "-c", script); err != nil {
		return fmt.Errorf("install %s: %w: %s", strings.Join(vmPackages, " "), err, tail(string(stderr), 1500))
	}
	if err := run(ctx, "mkfs.ext4", "-q", "-F", "-L", "cloudimg-rootfs", "-U", uuid, "-d", sb.Root(), raw, diskSize); err != nil {
		return err
	}
	return sb.Destroy(ctx)
}

// grubScript loop-mounts the raw disk in a private mount namespace (so the
// mounts vanish with it even when killed), gives the chroot a /dev with the
// loop device and its by-uuid link (there is no udev on the host) and runs
// the image's own update-grub, then copies grub.cfg and /boot out.
const grubScript = `set -eu
raw=$1 uuid=$2 out=$3 mnt=$3/mnt
mkdir -p "$mnt"
# -o loop sets autoclear: the loop device goes with the last unmount, also
# when this namespace dies with a killed script.
mount -o loop "$raw" "$mnt"
trap 'umount -R "$mnt" 2>/dev/null || true' EXIT
loop=$(findmnt -n -o SOURCE "$mnt")
mount -t proc proc "$mnt/proc"
mount -t sysfs sys "$mnt/sys"
mount -t tmpfs -o mode=0755 dev "$mnt/dev"
for n in null zero urandom random; do cp -a /dev/$n "$mnt/dev/"; done
# The disk as the VM sees it: grub-mkconfig's 10_linux writes no entry for a
# root on a loop device (it cannot boot from a file); grub-probe resolves the
# mount source /dev/loopN through the link to vda.
cp -a "$loop" "$mnt/dev/vda"
ln -s vda "$mnt/dev/${loop##*/}"
mkdir -p "$mnt/dev/disk/by-uuid"
ln -s ../../vda "$mnt/dev/disk/by-uuid/$uuid"
# grub-install makes /boot/grub on a real disk; the image has no boot loader installed.
mkdir -p "$mnt/boot/grub"
chroot "$mnt" update-grub
cp "$mnt/boot/grub/grub.cfg" "$out/grub.cfg"
mkdir -p "$out/boot"
cp "$mnt"/boot/vmlinuz-* "$mnt"/boot/initrd.img-* "$out/boot/"
`

func updateGrub(ctx context.Context, raw, uuid, out string) (string, error) {
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", grubScript, "grub", raw, uuid, out)
	b, err := cmd.CombinedOutput()
	_ = os.Remove(filepath.Join(out, "mnt"))
	if err != nil {
		return "", fmt.Errorf("update-grub in the image: %w: %s", err, tail(string(b), 1500))
	}
	data, err := os.ReadFile(filepath.Join(out, "grub.cfg"))
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// parseGrubCfg returns the kernel, initrd and command line of the first
// menuentry, which GRUB boots by default (GRUB_DEFAULT=0).
func parseGrubCfg(cfg string) (Boot, error) {
	var b Boot
	in := false
	for _, line := range strings.Split(cfg, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch {
		case f[0] == "menuentry":
			in = true
		case in && f[0] == "linux" && len(f) >= 2:
			b.Kernel, b.Cmdline = f[1], strings.Join(f[2:], " ")
		case in && f[0] == "initrd" && len(f) >= 2:
			b.Initrd = f[1]
		case in && f[0] == "}":
			if b.Kernel == "" {
				return b, errors.New("first menuentry has no linux line")
			}
			if b.Initrd == "" {
				return b, errors.New("first menuentry has no initrd line")
			}
			if strings.Contains(b.Cmdline, "$") {
				return b, fmt.Errorf("kernel command line %q uses GRUB variables: direct kernel boot cannot expand them", b.Cmdline)
			}
			return b, nil
		}
	}
	return b, errors.New("no menuentry with a linux line (was update-grub run in the image?)")
}

func newUUID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func run(ctx context.Context, name string, args ...string) error {
	b, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, tail(string(b), 800))
	}
	return nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
