# CIS Level 1 hardened Debian 13 custom blueprint on Tencent Cloud Lighthouse.
#
#   packer init  debian13-lighthouse-cis.pkr.hcl
#   packer build -var signing_key_file=provenance-key.pem debian13-lighthouse-cis.pkr.hcl
#
# Credentials come from TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (or a
# tccli profile). The blueprint's tags carry the signed provenance in its
# packed form (a blueprint takes only 10 tags); the Terraform provider's
# trusted_keys verify it like an image's.
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

variable "bundle_id" {
  type    = string
  default = "bundle2022_gen_01"
}

variable "signing_key_file" {
  type        = string
  default     = ""
  description = "ed25519 key that signs the provenance; empty builds an UNSIGNED blueprint"
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
  description = "the one source the build instance's firewall lets in on TCP 22; empty = this machine's address"
}

# Endpoint override: empty for Tencent Cloud itself; set for the tcsim emulator.
variable "lighthouse_endpoint" {
  type    = string
  default = ""
}

variable "scheme" {
  type    = string
  default = ""
}

data "hardened-base-image" "debian" {
  product             = "lighthouse"
  region              = var.region
  lighthouse_endpoint = var.lighthouse_endpoint
  scheme              = var.scheme

  os_family  = "debian"
  os_version = "13"
}

source "hardened-lighthouse" "debian13" {
  region              = var.region
  lighthouse_endpoint = var.lighthouse_endpoint
  scheme              = var.scheme

  source_blueprint_id = data.hardened-base-image.debian.image_id
  bundle_id           = var.bundle_id
  blueprint_name      = "debian13-cis-${formatdate("YYYYMMDDhhmmss", timestamp())}"
  blueprint_tags      = { team = "platform" }
  signing_key_file    = var.signing_key_file
  ssh_cidr            = var.ssh_cidr
  ssh_username        = "root"
}

build {
  sources = ["source.hardened-lighthouse.debian13"]

  provisioner "hardened-cis" {
    profile       = "auto"
    update        = var.update
    report_dir    = var.report_dir
    fail_on_audit = true
    cleanup_image = true
  }
}
