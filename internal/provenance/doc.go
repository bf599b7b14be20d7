// Package provenance is the signed record a hardened image carries in its
// Tencent Cloud tags: which CIS profile was applied, what the audit said,
// which base image and OS it came from (and when that OS reaches end of life),
// when and by which builder and bundle it was built, and a hash of the
// installed package set.
//
// The record is signed with ed25519 over a canonical encoding: a scheme line
// followed by the fields as sorted "key=value" lines. The signature is
// detached (it lives in its own tags next to the fields) and names its key
// by fingerprint, so a verifier holding several trusted keys knows which
// one to use and can say "unknown key" instead of "bad signature".
//
// Tags: keys are "hardened:<field>" (≤ 127 characters), values ≤ 255
// characters. The base64 signature is split over "hardened:sig-0",
// "hardened:sig-1", … when it does not fit one value.
//
// The package imports no Terraform or Packer SDK: the Packer builder encodes
// and signs, the Terraform provider decodes and verifies.
package provenance
