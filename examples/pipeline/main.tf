# Packer → Terraform: launch only images that the hardened-cvm Packer
# builder built, hardened and signed, and that are still supported.
#
#   1. packer build (see README.md) creates a custom image tagged with signed
#      provenance (hardened:profile, audit counts, base OS, signature).
#   2. This configuration finds the newest such image whose signature
#      verifies under trusted_keys, pins it, and launches an instance from it.
#   3. `terraform plan` fails, naming the image, OS, date and a supported
#      successor, if the image is unsigned, tampered with, too old or its OS
#      has reached end of life.

terraform {
  required_version = ">= 1.5"
  required_providers {
    hardened = {
      source = "hardenedcloud/hardened"
    }
  }
}

provider "hardened" {
  # Credentials: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (or a tccli
  # profile, or cam_role_name on a CVM instance).
  region = var.region

  require_hardened   = true
  trusted_keys       = [var.trusted_key]
  max_image_age_days = var.max_image_age_days
  # Debian 13 is supported today; Debian 12 is in Debian LTS (extended) and
  # is rejected because allow_extended_support stays false.
  allowed_os = ["debian 13"]
}

# Newest hardened image built from the profile, among those the policy
# approves (verified provenance, supported OS, not older than the limit).
data "hardened_image" "golden" {
  image_type   = "PRIVATE_IMAGE"
  tags         = { "hardened:profile" = var.profile }
  allowed_only = true
  most_recent  = true
}

resource "hardened_image_pin" "golden" {
  image_id = data.hardened_image.golden.image_id
  reason   = "pipeline: newest ${var.profile} build"
}

resource "hardened_instance" "app" {
  image_id      = hardened_image_pin.golden.pinned_image_id
  instance_type = var.instance_type
  zone          = var.zone
  name          = var.name
  tags          = { pipeline = "hardened", profile = var.profile }

  # Keep the login settings baked into the golden image (no password).
  keep_image_login = true

  # A newer golden image re-installs the instance in place.
  image_change = "reset"
}
