#!/bin/sh
# Regenerates the Packer plugin docs:
#   1. docs-partials/ from the Config structs' comments (packer-sdc struct-markdown),
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

rm -rf "$here/docs-partials"
for f in builder/cvm/config.go common/access_config.go common/baseimage.go common/gate.go \
         provisioner/cis/config.go datasource/baseimage/datasource.go; do
	(cd "$tmp/packer-plugin-hardened/$(dirname "$f")" && timeout 120 "$sdc" struct-markdown "$(basename "$f")")
done

rm -rf "$tmp/rendered"
(cd "$here" && "$sdc" renderdocs -src docs -partials docs-partials -dst "$tmp/rendered")

# One README per component, front matter stripped, as the integrations portal expects.
strip() { awk 'BEGIN{fm=0} NR==1 && /^---$/ {fm=1; next} fm && /^---$/ {fm=0; next} !fm' "$1"; }
web="$here/.web-docs"
rm -rf "$web/components"
mkdir -p "$web/components/builder/cvm" "$web/components/provisioner/cis" "$web/components/data-source/base-image"
strip "$tmp/rendered/README.md" > "$web/README.md"
strip "$tmp/rendered/builders/cvm.mdx" > "$web/components/builder/cvm/README.md"
strip "$tmp/rendered/provisioners/cis.mdx" > "$web/components/provisioner/cis/README.md"
strip "$tmp/rendered/datasources/base-image.mdx" > "$web/components/data-source/base-image/README.md"
echo "docs regenerated: docs-partials/ and .web-docs/"
