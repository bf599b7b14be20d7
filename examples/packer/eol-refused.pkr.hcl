# The lifecycle gate in action: Debian 10 reached end of life, so this build
# stops before any cloud resource is created, and the error names the image,
# its OsName, the EOL date and the release to move to.
#
#   packer build eol-refused.pkr.hcl     # fails on purpose
packer {
  required_plugins {
    hardened = {
      source  = "github.com/hardenedcloud/hardened"
      version = ">= 0.1.0"
    }
  }
}

variable "region" {
  type    = string
  default = "ap-guangzhou"
}

variable "cvm_endpoint" {
  type    = string
  default = ""
}

variable "vpc_endpoint" {
  type    = string
  default = ""
}

variable "scheme" {
  type    = string
  default = ""
}

source "hardened-cvm" "debian10" {
  region       = var.region
  zone         = "${var.region}-3"
  cvm_endpoint = var.cvm_endpoint
  vpc_endpoint = var.vpc_endpoint
  scheme       = var.scheme

  source_image_filter {
    os_family    = "debian"
    os_version   = "10"
    architecture = "x86_64"
  }
  image_name = "debian10-cis"
}

build {
  sources = ["source.hardened-cvm.debian10"]

  provisioner "hardened-cis" {}
}
