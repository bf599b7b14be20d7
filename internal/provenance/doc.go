// Package provenance is the signed record a hardened image carries in its
// Tencent Cloud tags: which CIS profile was applied, what the audit said,
// which base image and OS it came from (and when that OS reaches end of life),
// when and by which builder and bundle it was built, and a hash of the
// installed package set; optionally when updates last changed it and the
// vulnerability scan at build time (feed date, fixable and unfixed counts by
// severity, oldest missing fix, and the fixable CVEs left in the image).
// Those fields are optional and only listed in the canonical encoding when
// present, so records signed before they existed still verify.
//
// The record is signed with ed25519 over a canonical encoding: a scheme line
// followed by the fields as sorted "key=value" lines. The signature is
// detached (it lives in its own tags next to the fields) and names its key
// by fingerprint, so a verifier holding several trusted keys knows which
// one to use and can say "unknown key" instead of "bad signature".
//
// Tags: keys are "hardened:<field>" (≤ 127 characters), values ≤ 255
// characters. The base64 signature is split over "hardened:sig-0",
// "hardened:sig-1", … when it does not fit one value; the list of open
// fixable CVEs likewise over "hardened:vulns-open-0" … "-7" (the signed
// canonical line holds the joined value). Tencent tag values may only hold
// letters, digits, spaces and + - = . _ : / @, so counts read
// "critical=0 high=1 …" and the open list is base64.
//
// Resources that take only a few tags (a Lighthouse blueprint: 10) carry the
// packed form instead (packed.go): the canonical encoding, deflated and
// base64 encoded, over "hardened:packed-0", "-1", …, next to "hardened:key-id"
// and "hardened:sig-*". It is signed by the same signature; Decode reads
// either form, and FitPacked trims the open CVE list before signing so a
// record fits the budget.
//
// The package imports no Terraform or Packer SDK: the Packer builder encodes
// and signs, the Terraform provider decodes and verifies.
package provenance
