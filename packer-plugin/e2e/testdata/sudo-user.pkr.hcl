# A base whose login user is not root (like Ubuntu's "ubuntu"): the
# provisioner must harden through password-less sudo.
packer {
  required_plugins {
    hardened = {
      source  = "github.com/hardenedcloud/hardened"
      version = ">= 0.1.0"
    }
  }
}

variable "cvm_endpoint" { type = string }
variable "vpc_endpoint" { type = string }
variable "source_image_id" { type = string }
variable "signing_key_file" { type = string }
variable "report_dir" { type = string }

source "hardened-cvm" "sudo" {
  region           = "ap-guangzhou"
  zone             = "ap-guangzhou-3"
  cvm_endpoint     = var.cvm_endpoint
  vpc_endpoint     = var.vpc_endpoint
  scheme           = "http"
  source_image_id  = var.source_image_id
  image_name       = "debian13-cis-sudo"
  signing_key_file = var.signing_key_file
  ssh_cidr         = "198.18.0.0/15"
  ssh_username     = "debian"
  run_tags         = { purpose = "e2e" }
}

build {
  sources = ["source.hardened-cvm.sudo"]

  provisioner "hardened-cis" {
    update     = false
    report_dir = var.report_dir
    waiver {
      id     = "fail2ban-sshd"
      reason = "e2e: proves waivers reach the bundle and the provenance"
    }
  }
}
