#!/usr/bin/env bash
# The project's test command (README): installs what the tests need, then runs
#   static  gofmt, go vet, golangci-lint, generated docs up to date
#   unit    go test ./... (domain packages, tcsim, sandboxes and real-root hardening when root)
#   acc     TF_ACC=1 acceptance tests against the real terraform and OpenTofu binaries, and
#           PACKER_ACC=1 end-to-end builds with the real packer binary against tcsim
# and prints one summary line: "N passed, N failed, N skipped".
#   scripts/test.sh [all|static|unit|acc]...
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export PATH=$top/bin:$PATH
out=${TEST_OUT:-$top/dist/test}
mkdir -p "$out"
rm -f "$out"/*.json

suites=("$@")
[ ${#suites[@]} -eq 0 ] || [ "${suites[0]}" = all ] && suites=(static unit acc)

scripts/tools.sh all || { echo "test: installing tools failed" >&2; exit 1; }

failed=()
step() { # step NAME CMD...: run, remember failure, keep going so the summary is complete
  local name=$1; shift
  echo "==> $name"
  local t0=$SECONDS
  if "$@"; then echo "<== $name ok ($((SECONDS - t0)) s)"; else echo "<== $name FAILED ($((SECONDS - t0)) s)"; failed+=("$name"); fi
}

gotest() { # gotest JSONNAME [go test args...]
  local name=$1; shift
  gotestsum --format pkgname-and-test-fails --jsonfile "$out/$name.json" -- -count=1 "$@"
}

static_checks() {
  local unformatted
  unformatted=$(gofmt -l $(git ls-files '*.go') 2>/dev/null)
  [ -z "$unformatted" ] || { echo "gofmt needed:"; echo "$unformatted"; return 1; }
  go vet ./... || return 1
  golangci-lint run --timeout 10m ./... || return 1
  make -s release-check >/dev/null || return 1
  if [ -d docs ] && [ -f terraform-registry-manifest.json ]; then
    make -s docs >"$out/docs.log" 2>&1 || { tail -n 40 "$out/docs.log"; return 1; }
    git diff --exit-code --stat -- docs/ || { echo "docs/ is stale: run 'make docs' and commit"; return 1; }
  fi
}

acc_suite() { # acc_suite NAME BINARY [extra env...]
  local name=$1 bin=$2; shift 2
  local pkgs=() d
  for d in provider acctest/e2e; do [ -d "$d" ] && pkgs+=("./$d/...") ; done
  [ ${#pkgs[@]} -gt 0 ] || { echo "no acceptance test packages yet"; return 0; }
  env TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" "$@" \
    gotestsum --format pkgname-and-test-fails --jsonfile "$out/$name.json" -- -count=1 -timeout 30m "${pkgs[@]}"
}

for s in "${suites[@]}"; do
  case $s in
    static) step static static_checks ;;
    unit)
      # When the acceptance suites run too, they run the provider and packer-plugin packages whole
      # (unit tests included), so the unit suite leaves those out instead of listing their
      # acceptance tests as skipped.
      pkgs=(./...)
      if [[ " ${suites[*]} " == *" acc "* ]]; then
        mapfile -t pkgs < <(go list ./... | grep -v -E '/provider($|/)|/packer-plugin($|/)')
      fi
      step unit gotest unit -timeout 25m "${pkgs[@]}"
      ;;
    acc)
      step acc-terraform acc_suite acc-terraform "$top/bin/terraform"
      step acc-opentofu acc_suite acc-opentofu "$top/bin/tofu" TF_ACC_PROVIDER_HOST=registry.opentofu.org
      if [ -d packer-plugin ]; then
        step acc-packer env PACKER_ACC=1 PACKER_PATH="$top/bin/packer" \
          gotestsum --format pkgname-and-test-fails --jsonfile "$out/acc-packer.json" -- -count=1 -timeout 30m ./packer-plugin/...
      fi
      ;;
    *) echo "unknown suite $s (static|unit|acc)" >&2; exit 2 ;;
  esac
done

go run ./scripts/testsummary "$out"/*.json
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed steps: ${failed[*]}"
  exit 1
fi
