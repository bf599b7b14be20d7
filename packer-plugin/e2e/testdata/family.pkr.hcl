# Two builds of one image family: the second deprecates (supersedes) the
# first in the build region and in the copy region; both are shared.
# No packer {} block: the harness installs the plugin under test into
# PACKER_PLUGIN_PATH, where packer finds it.

variable "cvm_endpoint" { type = string }
variable "vpc_endpoint" { type = string }
variable "scheme" { type = string }
variable "image_name" { type = string }

source "hardened-cvm" "family" {
  region       = "ap-guangzhou"
  zone         = "ap-guangzhou-3"
  cvm_endpoint = var.cvm_endpoint
  vpc_endpoint = var.vpc_endpoint
  scheme       = var.scheme
  source_image_filter {
    os_family  = "debian"
    os_version = "13"
  }
  image_name         = var.image_name
  image_family       = "debian13-e2e"
  deprecate_previous = true
  image_copy_regions = ["ap-shanghai"]
  share_accounts     = ["100012345678"]
  ssh_cidr           = "198.18.0.0/15"
  # No hardening here: this template exercises the image steps only.
  require_provenance = false
}

build {
  sources = ["source.hardened-cvm.family"]

  provisioner "shell" {
    inline = ["echo built > /etc/family-build"]
  }
}
