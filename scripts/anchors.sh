#!/usr/bin/env bash
# Anchors: the official Tencent Cloud tools against tcsim, beside this project's provider and
# plugin, measured side by side (one table of ratios, ours / official).
#   ANCHOR_TC_PROVIDER=PATH ANCHOR_TC_PACKER=PATH make bench-anchors
#   scripts/anchors.sh [--help] [-instances 100] [-only packer,terraform] [-throttle 0.3] [-delay 1s]
# Not part of `make test`: it runs real packer builds (sandbox-backed, needs root; without root
# the packer scenarios are skipped and say why) and terraform applies of 100 instances.
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${ANCHOR_CACHE:-$HOME/.cache/hardened/anchors}
how() {
  cat <<HOW
The official binaries are built from their public sources, outside this checkout:

  # terraform-provider-tencentcloud (vendored modules; about 8 min on an idle machine, 4.4 GiB)
  git clone --depth 1 https://github.com/tencentcloudstack/terraform-provider-tencentcloud $cache/src/tf
  (cd $cache/src/tf && nice -n 10 go build -mod=vendor -o $cache/bin/terraform-provider-tencentcloud .)

  # packer-plugin-tencentcloud (archived; about 1 min, modules from the Go proxy)
  git clone --depth 1 https://github.com/hashicorp/packer-plugin-tencentcloud $cache/src/pk
  (cd $cache/src/pk && go build -o $cache/bin/packer-plugin-tencentcloud .)

then:

  ANCHOR_TC_PROVIDER=$cache/bin/terraform-provider-tencentcloud \\
  ANCHOR_TC_PACKER=$cache/bin/packer-plugin-tencentcloud make bench-anchors

ANCHOR_INSTANCES (default 100) sets the instances per terraform apply; other flags are passed on.
HOW
}
case "${1:-}" in -h|--help|help) how; exit 0 ;; esac

# Each official binary enables its half: the provider the terraform scenarios, the plugin the
# packer ones; without either the whole run is skipped.
only=() missing=()
if [ -n "${ANCHOR_TC_PROVIDER:-}" ] && [ -x "$ANCHOR_TC_PROVIDER" ]; then only+=(terraform)
else missing+=("ANCHOR_TC_PROVIDER (terraform-provider-tencentcloud)${ANCHOR_TC_PROVIDER:+: $ANCHOR_TC_PROVIDER is not an executable}"); fi
if [ -n "${ANCHOR_TC_PACKER:-}" ] && [ -x "$ANCHOR_TC_PACKER" ]; then only+=(packer)
else missing+=("ANCHOR_TC_PACKER (packer-plugin-tencentcloud)${ANCHOR_TC_PACKER:+: $ANCHOR_TC_PACKER is not an executable}"); fi
if [ ${#missing[@]} -gt 0 ]; then
  printf 'anchors: SKIPPED: no official binary for %s\n' "${missing[@]}"
  if [ ${#only[@]} -eq 0 ]; then how; exit 0; fi
  echo "anchors: running only the ${only[*]} scenarios"
fi
if [ ! -x bin/packer ] || [ ! -x bin/terraform ]; then scripts/tools.sh packer terraform >/dev/null; fi
exec go run ./acctest/cmd/anchors -packer bin/packer -terraform "${TERRAFORM:-bin/terraform}" \
  -instances "${ANCHOR_INSTANCES:-100}" -only "$(IFS=,; echo "${only[*]}")" "$@"
