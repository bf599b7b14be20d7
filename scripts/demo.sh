#!/usr/bin/env bash
# The demo (README's first command): the project's main job, end to end on this machine.
#   1. builds the provider, the harden bundle and tcsim (the local Tencent Cloud API emulator)
#   2. a lifecycle-gated `terraform plan`: passes on a supported base, fails on CentOS 7.9 with the
#      reason, the date and the successor, warns on Ubuntu 22.04 (inside its 180-day window)
#   3. hardens a real Debian 13 root in a sandbox (as root): harden apply, audit, SSH login afterwards
# Everything it starts (tcsim, sandboxes) is stopped on exit, also on Ctrl-C.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export PATH=$top/bin:$PATH
work=$(mktemp -d /tmp/hardened-demo.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${sandbox_cleanup:-}" ] && eval "$sandbox_cleanup" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "tools and binaries"
scripts/tools.sh apt terraform >/dev/null
mkdir -p bin/plugins
go build -o bin/plugins/terraform-provider-hardened .
go build -o bin/tcsim ./acctest/cmd/tcsim
make -s bundle >/dev/null
echo "provider, tcsim and dist/hardening/harden built"

say "tcsim: the Tencent Cloud API emulator on loopback"
export TENCENTCLOUD_SECRET_ID=AKIDdemo0000000000000000000000000000 TENCENTCLOUD_SECRET_KEY=demo-secret-key-0000000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
bin/tcsim --listen 127.0.0.1:0 --secret-id "$TENCENTCLOUD_SECRET_ID" --secret-key "$TENCENTCLOUD_SECRET_KEY" \
  >"$work/tcsim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q 'tcsim listening on' "$work/tcsim.log" && break; sleep 0.1; done
tcsim_url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/tcsim.log" | head -1)
[ -n "$tcsim_url" ] || { cat "$work/tcsim.log"; echo "tcsim did not start" >&2; exit 1; }
echo "tcsim listening on $tcsim_url"

say "terraform plan gated on the OS lifecycle (examples/lifecycle-gate)"
cat >"$work/tf.rc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/hardenedcloud/hardened" = "$top/bin/plugins"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE=$work/tf.rc TF_IN_AUTOMATION=1
cp -r examples/lifecycle-gate "$work/gate"
(
  cd "$work/gate"
  echo "-- Debian 13 base: plan succeeds"
  terraform plan -no-color 2>&1 | grep -v -i -E 'dev_overrides|provider development|^ - |^$|the latest|published releases|warning: provider' | tail -n 15
  echo
  echo "-- CentOS 7.9 base: plan must FAIL"
  if terraform plan -no-color -var-file=centos7.tfvars >"$work/centos.out" 2>&1; then
    echo "unexpected: the plan for CentOS 7.9 succeeded" >&2; exit 1
  fi
  grep -A8 -E '^Error' "$work/centos.out" | head -n 12
  echo
  echo "-- Ubuntu 22.04 base: plan succeeds with a check warning"
  terraform plan -no-color -var 'base_os_name=Ubuntu Server 22.04 LTS 64bit UEFI' 2>&1 | grep -A4 -E '^Warning: Check' | head -n 6
)

if [ "$(id -u)" -ne 0 ]; then
  say "skipping the real-root hardening step: it needs root (network namespaces, chroot)"
  exit 0
fi
say "CIS Level 1 hardening of a real Debian 13 root in a sandbox, over SSH like an image build"
go build -o bin/sandbox ./acctest/cmd/sandbox
ssh-keygen -q -t ed25519 -N '' -C hardened-demo -f "$work/id_ed25519"
line=$(bin/sandbox create --release trixie --user builder --key "$work/id_ed25519.pub" | tail -n 1)
sb=$(echo "$line" | cut -f1); addr=$(echo "$line" | cut -f2); ip=${addr%:*}
sandbox_cleanup="bin/sandbox destroy $sb"
echo "sandbox $sb (Debian 13 minbase, sshd, key-only sudo user 'builder') at $addr"
ssh_opts=(-i "$work/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes)
scp -q "${ssh_opts[@]}" dist/hardening/harden "builder@$ip:/tmp/harden"
echo "-- audit before hardening"
ssh "${ssh_opts[@]}" "builder@$ip" 'sudo -n /tmp/harden audit' | tail -n 1 || true
echo "-- harden apply (patches first, then every rule of the debian-13 profile + cloud-baseline)"
ssh "${ssh_opts[@]}" "builder@$ip" 'sudo -n /tmp/harden apply --report /tmp/report.html' | tail -n 1
echo "-- audit after hardening"
ssh "${ssh_opts[@]}" "builder@$ip" 'sudo -n /tmp/harden audit' | tail -n 1
mkdir -p dist/demo
scp -q "${ssh_opts[@]}" "builder@$ip:/tmp/report.html" dist/demo/debian-13-cis-report.html
echo "-- a fresh SSH login of the builder with its key, and sudo -n, still work:"
ssh "${ssh_opts[@]}" "builder@$ip" 'sudo -n true && echo "login ok as $(id -un), sudo ok"'
echo "-- password login is refused:"
if ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes \
    -o PreferredAuthentications=password "builder@$ip" true 2>/dev/null; then
  echo "unexpected: password login accepted" >&2; exit 1
fi
echo "refused"
say "done: report at dist/demo/debian-13-cis-report.html"
