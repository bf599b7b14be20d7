package vmbackend

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestParseGrubCfg(t *testing.T) {
	debian := `### BEGIN /etc/grub.d/10_linux ###
function gfxmode {
	set gfxpayload="${1}"
}
menuentry 'Debian GNU/Linux' --class debian $menuentry_id_option 'gnulinux-simple-x' {
	load_video
	insmod ext2
	echo	'Loading Linux 6.1.0-28-amd64 ...'
	linux	/boot/vmlinuz-6.1.0-28-amd64 root=UUID=0a1b ro console=tty0 console=ttyS0,115200 quiet
	echo	'Loading initial ramdisk ...'
	initrd	/boot/initrd.img-6.1.0-28-amd64
}
submenu 'Advanced options for Debian GNU/Linux' {
	menuentry 'Debian GNU/Linux, with Linux 6.1.0-28-amd64 (recovery mode)' {
		linux	/boot/vmlinuz-6.1.0-28-amd64 root=UUID=0a1b ro single
		initrd	/boot/initrd.img-6.1.0-28-amd64
	}
}
`
	tests := []struct {
		name, cfg, wantCmdline, wantErr string
	}{
		{"first entry of a Debian grub.cfg", debian, "root=UUID=0a1b ro console=tty0 console=ttyS0,115200 quiet", ""},
		{"no menuentry", "set timeout=5\n", "", "no menuentry"},
		{"no initrd", "menuentry 'x' {\n linux /vmlinuz root=/dev/vda ro\n}\n", "", "no initrd"},
		{"grub variables", "menuentry 'x' {\n linux /vmlinuz root=/dev/vda $vt_handoff\n initrd /initrd\n}\n", "", "GRUB variables"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := parseGrubCfg(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Cmdline != tc.wantCmdline || b.Kernel != "/boot/vmlinuz-6.1.0-28-amd64" || b.Initrd != "/boot/initrd.img-6.1.0-28-amd64" {
				t.Errorf("boot = %+v", b)
			}
		})
	}
}

// TestBaseDisk builds (or reuses) the base disks of Debian 12 and 13 (the
// packer example's release) and checks that their boot configuration came
// from the image's grub.cfg.
func TestBaseDisk(t *testing.T) {
	skipUnlessVM(t)
	for _, release := range []string{"bookworm", "trixie"} {
		t.Run(release, func(t *testing.T) {
			disk, err := BaseDisk(context.Background(), release, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			b, err := readBoot(disk)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("boot: %+v", b)
			if !strings.Contains(b.Cmdline, "root=UUID=") || !strings.Contains(b.Cmdline, "console=ttyS0") {
				t.Errorf("command line %q lacks root=UUID= or the serial console of the image's GRUB defaults", b.Cmdline)
			}
			for _, f := range []string{b.Kernel, b.Initrd} {
				if _, err := os.Stat(f); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
