# CIS Level 1 hardened Debian 13 image on Tencent Cloud CVM.
#
#   packer init  debian13-cis.pkr.hcl
#   packer build -var zone=ap-guangzhou-3 -var signing_key_file=provenance-key.pem debian13-cis.pkr.hcl
#
# Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (or a
# tccli profile). Create the signing key once with
# `packer-plugin-hardened keygen -out provenance-key` and give
# provenance-key.pub.pem to the Terraform provider's trusted_keys.
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

variable "zone" {
  type    = string
  default = "ap-guangzhou-3"
}

variable "signing_key_file" {
  type        = string
  default     = ""
  description = "ed25519 key that signs the provenance; empty builds an UNSIGNED image"
}

variable "report_dir" {
  type    = string
  default = "reports"
}

variable "update" {
  type        = bool
  default     = true
  description = "install pending updates before hardening"
}

variable "ssh_cidr" {
  type        = string
  default     = ""
  description = "source of SSH into the build instance; empty = this machine's address"
}

# Endpoint overrides: empty for Tencent Cloud itself; set for private clouds
# or the tcsim emulator.
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

data "hardened-base-image" "debian" {
  region       = var.region
  cvm_endpoint = var.cvm_endpoint
  vpc_endpoint = var.vpc_endpoint
  scheme       = var.scheme

  os_family    = "debian"
  os_version   = "13"
  architecture = "x86_64"
}

source "hardened-cvm" "debian13" {
  region       = var.region
  zone         = var.zone
  cvm_endpoint = var.cvm_endpoint
  vpc_endpoint = var.vpc_endpoint
  scheme       = var.scheme

  source_image_id  = data.hardened-base-image.debian.image_id
  instance_type    = "S5.MEDIUM2"
  image_name       = "debian13-cis-${formatdate("YYYYMMDDhhmmss", timestamp())}"
  image_tags       = { team = "platform" }
  signing_key_file = var.signing_key_file
  ssh_cidr         = var.ssh_cidr
  ssh_username     = "root"
}

build {
  sources = ["source.hardened-cvm.debian13"]

  provisioner "hardened-cis" {
    profile       = "auto"
    update        = var.update
    report_dir    = var.report_dir
    fail_on_audit = true
    cleanup_image = true
  }
}
