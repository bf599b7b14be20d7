#!/usr/bin/env bash
# Plans that scale: times `terraform plan` of 1000 hardened lookups against 1000 no-op ones of a
# provider built from the same framework, and prints the ratios and DescribeImages calls.
#   make bench-plan            (TERRAFORM=bin/tofu N=1000 IMAGES=20 RUNS=3 make bench-plan)
# Not part of `make test`: it times real plans, so the numbers depend on the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
tf=${TERRAFORM:-bin/terraform}
[ -x "$tf" ] || scripts/tools.sh terraform >/dev/null
exec go run ./acctest/cmd/benchplan -terraform "$tf" -n "${N:-1000}" -images "${IMAGES:-20}" -runs "${RUNS:-3}"
