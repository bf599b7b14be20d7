# Two builds of one image family: the second deprecates (supersedes) the
# first in the build region and in the copy region; both are shared.
# No packer {} block: the harness installs the plugin under test into
# PACKER_PLUGIN_PATH, where packer finds it.

# tcsim serves CVM and VPC on one endpoint (host:port, plain HTTP).
variable "endpoint" { type = string }
variable "image_name" { type = string }

source "hardened-cvm" "family" {
  cvm_endpoint = var.endpoint
  vpc_endpoint = var.endpoint
  scheme       = "http"
  region       = "ap-guangzhou"
  zone         = "ap-guangzhou-3"
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
