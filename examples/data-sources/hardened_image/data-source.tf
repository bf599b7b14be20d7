# The newest Debian 13 public image, with its support status.
data "hardened_image" "debian" {
  os_family    = "debian"
  os_version   = "13"
  architecture = "x86_64"
  image_type   = "PUBLIC_IMAGE"
  most_recent  = true
}

# A hardened custom image built by the hardened-cvm Packer builder, selected
# by its provenance tag; allowed_only skips images the policy rejects
# (e.g. unsigned or tampered provenance when require_hardened = true).
data "hardened_image" "golden" {
  image_type   = "PRIVATE_IMAGE"
  tags         = { "hardened:profile" = "debian-13" }
  allowed_only = true
  most_recent  = true
}

# Watch a build in progress: by default only images ready to launch
# (NORMAL) are selected, so a newer image still CREATING, or one whose
# creation failed, never becomes "most recent".
data "hardened_image" "building" {
  image_type      = "PRIVATE_IMAGE"
  tags            = { "hardened:profile" = "debian-13" }
  min_image_state = "CREATING"
  most_recent     = true
}

# One image by id.
data "hardened_image" "tencentos" {
  image_id = "img-9qrfy1xt"
}

output "debian" {
  value = {
    id          = data.hardened_image.debian.image_id
    os          = data.hardened_image.debian.os_name
    phase       = data.hardened_image.debian.phase
    eol         = data.hardened_image.debian.eol_standard
    days_to_eol = data.hardened_image.debian.days_to_eol
    allowed     = data.hardened_image.debian.policy.allowed
  }
}

output "golden_provenance" {
  value = data.hardened_image.golden.provenance
}
