#!/bin/sh
# Regenerates the Packer plugin docs:
#   1. docs-partials/ from the Config structs' comments (packer-sdc struct-markdown),
#      for every file declaring a type a go:generate mapstructure-to-hcl2 line names,
#   2. .web-docs/ (what the Packer integrations portal reads) from docs/ + partials
#      (packer-sdc renderdocs, then one README.md per component).
# struct-markdown only works under a directory whose name starts with
# "packer-plugin-", so it runs through a symlink named packer-plugin-hardened.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
sdc=${PACKER_SDC:-$here/../bin/packer-sdc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$here" "$tmp/packer-plugin-hardened"

# The files to document are derived from the go:generate mapstructure-to-hcl2
# lines, so a new Config type cannot be forgotten here: every type named in a
# -type list is documented from the file (in the same package) that declares it.
config_files() {
	cd "$here"
	grep -rl --include='*.go' '^//go:generate packer-sdc mapstructure-to-hcl2' . | sort | while read -r gen; do
		dir=$(dirname "$gen")
		sed -n 's|^//go:generate packer-sdc mapstructure-to-hcl2 -type \([A-Za-z0-9_,]*\).*|\1|p' "$gen" | tr ',' '\n' |
			while read -r typ; do
				grep -l "^type $typ struct" "$dir"/*.go || echo "type $typ named in $gen is declared in no file of $dir" >>"$tmp/undeclared"
			done
	done | sed 's|^\./||' | sort -u
}
files=$(config_files)
if [ -s "$tmp/undeclared" ]; then
	echo "docs.sh: fix the go:generate -type lists or the type declarations:" >&2
	cat "$tmp/undeclared" >&2
	exit 1
fi
[ -n "$files" ] || { echo "docs.sh: no go:generate mapstructure-to-hcl2 lines found under $here" >&2; exit 1; }

rm -rf "$here/docs-partials"
for f in $files; do
	(cd "$tmp/packer-plugin-hardened/$(dirname "$f")" && timeout 120 "$sdc" struct-markdown "$(basename "$f")")
done

rm -rf "$tmp/rendered"
(cd "$here" && "$sdc" renderdocs -src docs -partials docs-partials -dst "$tmp/rendered")

# One README per component, front matter stripped, as the integrations portal expects.
strip() { awk 'BEGIN{fm=0} NR==1 && /^---$/ {fm=1; next} fm && /^---$/ {fm=0; next} !fm' "$1"; }
web="$here/.web-docs"
rm -rf "$web/components"
mkdir -p "$web/components/builder/cvm" "$web/components/builder/lighthouse" "$web/components/provisioner/cis" "$web/components/data-source/base-image"
strip "$tmp/rendered/README.md" > "$web/README.md"
strip "$tmp/rendered/builders/cvm.mdx" > "$web/components/builder/cvm/README.md"
strip "$tmp/rendered/builders/lighthouse.mdx" > "$web/components/builder/lighthouse/README.md"
strip "$tmp/rendered/provisioners/cis.mdx" > "$web/components/provisioner/cis/README.md"
strip "$tmp/rendered/datasources/base-image.mdx" > "$web/components/data-source/base-image/README.md"
echo "docs regenerated: docs-partials/ and .web-docs/"
