#!/usr/bin/env bash
# Runs every benchmark once with allocation counts and prints the results, so the numbers
# in the issue notes can be reproduced:  make bench   (BENCHTIME=3s make bench for steadier numbers)
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=$(go list ./... | while read -r p; do
  d=$(go list -f '{{.Dir}}' "$p")
  grep -lqs '^func Benchmark' "$d"/*_test.go && echo "$p"
done || true)
[ -n "$pkgs" ] || { echo "no benchmarks"; exit 0; }
# shellcheck disable=SC2086
go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1s}" $pkgs
