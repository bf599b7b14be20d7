#!/usr/bin/env bash
# The demo (README's first command): the project's main job, end to end on this machine.
#   1. builds the provider, the Packer plugin (with the harden bundle embedded) and tcsim, the local
#      Tencent Cloud API emulator; as root, tcsim backs instances with real Debian sandboxes
#   2. a lifecycle-gated `terraform plan`: passes on a supported base, fails on CentOS 7.9 with the
#      reason, the date and the successor, warns on Ubuntu 22.04 (inside its 180-day window)
#   3. `packer build`: Debian 13 base -> real instance -> CIS Level 1 hardening + audit over SSH ->
#      custom image with signed provenance tags; an end-of-life base is refused before anything is created
#   4. `terraform apply` of the pipeline: newest signed golden image, pinned, an instance launched from
#      it; `terraform plan` of an instance on an EOL image fails and says why, when and what to move to
# Everything it starts (tcsim and its sandboxes) is stopped on exit, also on Ctrl-C.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export PATH=$top/bin:$PATH
work=$(mktemp -d /tmp/hardened-demo.XXXXXX)
out=$top/dist/demo
tcsim_pid=
cleanup() {
  local rc=$?
  if [ -n "$tcsim_pid" ]; then kill -TERM "$tcsim_pid" 2>/dev/null || true; wait "$tcsim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
root=false; [ "$(id -u)" -eq 0 ] && root=true

say "tools and binaries"
scripts/tools.sh apt terraform packer >/dev/null
mkdir -p bin/plugins "$out"
go build -o bin/plugins/terraform-provider-hardened .
go build -o bin/tcsim ./acctest/cmd/tcsim
make -s -C packer-plugin plugin >/dev/null
echo "built: terraform-provider-hardened, packer-plugin-hardened (harden bundle embedded), tcsim"

say "tcsim: the Tencent Cloud API emulator on loopback"
export TENCENTCLOUD_SECRET_ID=AKIDdemo0000000000000000000000000000 TENCENTCLOUD_SECRET_KEY=demo-secret-key-0000000000000000
export TENCENTCLOUD_REGION=ap-guangzhou
backing=none; $root && backing=sandbox
bin/tcsim --listen 127.0.0.1:0 --backing "$backing" \
  --secret-id "$TENCENTCLOUD_SECRET_ID" --secret-key "$TENCENTCLOUD_SECRET_KEY" >"$work/tcsim.log" 2>&1 &
tcsim_pid=$!
for _ in $(seq 300); do grep -q 'tcsim listening on' "$work/tcsim.log" && break; sleep 0.1; done
endpoint=$(grep -o '127.0.0.1:[0-9]*' "$work/tcsim.log" | head -1)
[ -n "$endpoint" ] || { cat "$work/tcsim.log"; echo "tcsim did not start" >&2; exit 1; }
echo "tcsim listening on http://$endpoint (instances backed by: $backing)"

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
quiet() { grep -v -i -E 'dev_overrides|provider development|^ - |the latest|published releases|warning: provider|^[│╷╵]*$|with development overrides|mismatch|^$' || true; }
cp -r examples/lifecycle-gate "$work/gate"
(
  cd "$work/gate"
  echo "-- Debian 13 base: plan succeeds"
  terraform plan -no-color 2>&1 | quiet | tail -n 9
  echo
  echo "-- CentOS 7.9 base: plan must FAIL"
  if terraform plan -no-color -var-file=centos7.tfvars >"$work/centos.out" 2>&1; then
    echo "unexpected: the plan for CentOS 7.9 succeeded" >&2; exit 1
  fi
  grep -A8 -E '^Error' "$work/centos.out" | head -n 9
  echo
  echo "-- Ubuntu 22.04 base: plan succeeds with a check warning"
  terraform plan -no-color -var 'base_os_name=Ubuntu Server 22.04 LTS 64bit UEFI' 2>&1 |
    sed -n '/^Warning: Check block assertion failed/,/^$/p;/^Warning: Check block assertion failed/,$p' |
    grep -v -E '^\s*$|├|│|on main.tf|condition' | awk '!seen[$0]++' | head -n 4
)

# The endpoint overrides that point both tools at tcsim instead of Tencent Cloud.
packer_vars=(-var "cvm_endpoint=$endpoint" -var "vpc_endpoint=$endpoint" -var scheme=http)
cat >"$work/endpoints_override.tf" <<TF
provider "hardened" {
  endpoints = { cvm = "$endpoint", vpc = "$endpoint" }
  protocol  = "HTTP"
}
TF

if $root; then
  say "packer build: CIS Level 1 hardened Debian 13 image with signed provenance (examples/packer)"
  export PACKER_PLUGIN_PATH=$work/packer-plugins PACKER_CONFIG_DIR=$work/packer-config PACKER_NO_COLOR=1
  packer plugins install --path packer-plugin/packer-plugin-hardened github.com/hardenedcloud/hardened >/dev/null
  packer-plugin/packer-plugin-hardened keygen -out "$work/provenance-key" | sed -n 1p
  rm -rf "$out/reports"
  # ssh_cidr: the sandboxes' range, i.e. where this machine reaches its build instances from.
  packer build "${packer_vars[@]}" -var "signing_key_file=$work/provenance-key.pem" \
    -var "report_dir=$out/reports" -var ssh_cidr=198.18.0.0/15 examples/packer/debian13-cis.pkr.hcl 2>&1 |
    grep -E '==> |--> |Build|rules:|hardened|image' | grep -v -E '^\s*$' | tail -n 40
  echo "reports: $(ls "$out/reports" 2>/dev/null | tr '\n' ' ')"

  say "packer build from an end-of-life base (Debian 10) is refused before anything is created"
  if packer build "${packer_vars[@]}" examples/packer/eol-refused.pkr.hcl >"$work/eol.out" 2>&1; then
    echo "unexpected: the EOL build succeeded" >&2; exit 1
  fi
  grep -i -E 'end of life|error' "$work/eol.out" | head -n 4

  say "terraform apply of the pipeline: newest signed golden image -> pin -> instance (examples/pipeline)"
  cp -r examples/pipeline "$work/pipeline"
  cp "$work/endpoints_override.tf" "$work/pipeline/"
  (
    cd "$work/pipeline"
    terraform apply -no-color -auto-approve -var "trusted_key=$(cat "$work/provenance-key.pub.pem")" 2>&1 | quiet |
      grep -E 'Creat|Apply complete|golden|pinned|instance|image' | tail -n 12
    terraform output -no-color 2>/dev/null | head -n 20 || true
    terraform destroy -no-color -auto-approve -var "trusted_key=$(cat "$work/provenance-key.pub.pem")" 2>&1 | grep -E 'Destroy complete' || true
  )
else
  say "skipping packer build and instance launch: they need root (sandboxes: network namespaces, chroot)"
fi

say "terraform plan of an instance on an end-of-life image fails (hardened_instance)"
mkdir -p "$work/eol-instance"
cp "$work/endpoints_override.tf" "$work/eol-instance/"
cat >"$work/eol-instance/main.tf" <<'TF'
terraform {
  required_providers {
    hardened = { source = "hardenedcloud/hardened" }
  }
}
provider "hardened" {}

# The newest public CentOS 7 image: the kind of base a legacy module still points at.
data "hardened_image" "legacy" {
  image_type   = "PUBLIC_IMAGE"
  os_family    = "centos"
  os_version   = "7"
  architecture = "x86_64"
  most_recent  = true
}

resource "hardened_instance" "legacy_app" {
  image_id      = data.hardened_image.legacy.image_id
  instance_type = "S5.MEDIUM2"
  zone          = "ap-guangzhou-3"
  name          = "legacy-app"
  image_change  = "replace"
}
TF
(
  cd "$work/eol-instance"
  if terraform plan -no-color >"$work/eol-plan.out" 2>&1; then
    echo "unexpected: the plan for an instance on CentOS 7 succeeded" >&2; exit 1
  fi
  grep -A10 -E '^Error' "$work/eol-plan.out" | head -n 12
)
if $root; then say "done: hardening reports in dist/demo/reports"; else say "done"; fi
