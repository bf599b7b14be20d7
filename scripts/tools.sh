#!/usr/bin/env bash
# Installs the pinned tools this project needs into a cache outside the checkout
# (~/.cache/hardened/tools/<name>-<version>) and links them into ./bin, so a fresh
# clone (CI) reuses what an earlier run built. Everything comes from the Go module
# proxy or Debian's apt repositories; nothing else is reachable here.
#
#   scripts/tools.sh [all|go|apt|NAME...]   NAME: terraform gotestsum tofu packer packer-sdc tfplugindocs
#                                            golangci-lint goreleaser
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${HARDENED_CACHE:-$HOME/.cache/hardened}/tools
bindir=$top/bin
mkdir -p "$cache" "$bindir"

TERRAFORM_FALLBACK_VERSION=v1.5.7
TOFU_VERSION=v1.9.0
PACKER_VERSION=v1.11.2
PACKER_SDK_VERSION=v0.6.10
TFPLUGINDOCS_VERSION=v0.25.0
GOLANGCI_LINT_VERSION=v2.15.0
GORELEASER_VERSION=v2.15.1
GOTESTSUM_VERSION=v1.12.3
GO_CTY_REPLACE=github.com/zclconf/go-cty=github.com/nywilken/go-cty@v1.13.3
TOFU_HCL_REPLACE=github.com/hashicorp/hcl/v2@v2.20.1=github.com/opentofu/hcl/v2@v2.0.0-20240814143621-8048794c5c52

log() { printf 'tools: %s\n' "$*" >&2; }

# link NAME PATH: expose a cached binary as ./bin/NAME
link() { ln -sfn "$2" "$bindir/$1"; }

# go_install NAME VERSION PKG: plain `go install` into the cache
go_install() {
  local name=$1 version=$2 pkg=$3 dir=$cache/$1-$2
  if [ ! -x "$dir/$name" ]; then
    log "building $name $version (once; cached in $dir)"
    mkdir -p "$dir"
    GOBIN=$dir GOFLAGS=-buildvcs=false go install "$pkg@$version"
  fi
  link "$name" "$dir/$name"
}

# go_build_throwaway NAME MOD VERSION PKG [REPLACE...]: modules that need replace
# directives cannot be `go install`ed; build them from a throwaway module instead.
go_build_throwaway() {
  local name=$1 mod=$2 version=$3 pkg=$4; shift 4
  local dir=$cache/$name-$version
  if [ ! -x "$dir/$name" ]; then
    log "building $name $version from a throwaway module (once; cached in $dir)"
    local work; work=$(mktemp -d)
    (
      cd "$work"
      go mod init tmp >/dev/null 2>&1
      go mod edit -require="$mod@$version"
      for r in "$@"; do go mod edit -replace="$r"; done
      printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >tools.go
      GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || GOFLAGS=-mod=mod go mod tidy
      mkdir -p "$dir"
      GOFLAGS=-mod=mod go build -buildvcs=false -o "$dir/$name.tmp" "$pkg"
      mv "$dir/$name.tmp" "$dir/$name"
    )
    rm -rf "$work"
  fi
  link "$name" "$dir/$name"
}

terraform_tool() {
  # The machine image ships a recent terraform; provider functions need >= 1.8.
  # Terraform >= 1.9 cannot be built from the module proxy, so fall back to 1.5.7.
  local sys; sys=$(PATH=$(echo "$PATH" | tr ':' '\n' | grep -vx "$bindir" | paste -sd:) command -v terraform || true)
  if [ -n "$sys" ]; then
    link terraform "$sys"
  else
    go_install terraform "$TERRAFORM_FALLBACK_VERSION" github.com/hashicorp/terraform
  fi
}

apt_tools() {
  local want=() p
  # qemu-system-x86 and qemu-utils run and make the disks of tcsim --backing vm.
  for p in debootstrap apt-cacher-ng shellcheck openssh-client iproute2 xz-utils qemu-system-x86 qemu-utils; do
    dpkg -s "$p" >/dev/null 2>&1 || want+=("$p")
  done
  if [ ${#want[@]} -gt 0 ]; then
    log "apt-get install ${want[*]}"
    stamp=/var/lib/apt/periodic/hardened-update-stamp
    if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
      apt-get update -qq && mkdir -p "$(dirname "$stamp")" && touch "$stamp"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
  fi
}

one() {
  case $1 in
    terraform) terraform_tool ;;
    tofu) go_build_throwaway tofu github.com/opentofu/opentofu "$TOFU_VERSION" github.com/opentofu/opentofu/cmd/tofu "$TOFU_HCL_REPLACE" ;;
    packer) go_build_throwaway packer github.com/hashicorp/packer "$PACKER_VERSION" github.com/hashicorp/packer "$GO_CTY_REPLACE" ;;
    packer-sdc) go_build_throwaway packer-sdc github.com/hashicorp/packer-plugin-sdk "$PACKER_SDK_VERSION" github.com/hashicorp/packer-plugin-sdk/cmd/packer-sdc "$GO_CTY_REPLACE" ;;
    tfplugindocs) go_install tfplugindocs "$TFPLUGINDOCS_VERSION" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs ;;
    golangci-lint) go_install golangci-lint "$GOLANGCI_LINT_VERSION" github.com/golangci/golangci-lint/v2/cmd/golangci-lint ;;
    goreleaser) go_install goreleaser "$GORELEASER_VERSION" github.com/goreleaser/goreleaser/v2 ;;
    gotestsum) go_install gotestsum "$GOTESTSUM_VERSION" gotest.tools/gotestsum ;;
    apt) apt_tools ;;
    *) log "unknown tool $1"; return 2 ;;
  esac
}

if [ $# -eq 0 ] || [ "$1" = all ]; then
  set -- apt terraform gotestsum tofu packer packer-sdc tfplugindocs golangci-lint goreleaser
elif [ "$1" = go ]; then
  set -- terraform gotestsum tofu packer packer-sdc tfplugindocs golangci-lint goreleaser
fi
for t in "$@"; do one "$t"; done
