# hardened-cis with a builder that is not hardened-cvm: Packer's null builder
# connecting to an existing machine over SSH.
packer {
  required_plugins {
    hardened = {
      source  = "github.com/hardenedcloud/hardened"
      version = ">= 0.1.0"
    }
  }
}

variable "host" { type = string }
variable "key_file" { type = string }
variable "report_dir" { type = string }
variable "update" {
  type    = bool
  default = false
}
variable "vulns_feed" {
  type    = string
  default = ""
}
variable "fail_on_fixable" {
  type    = string
  default = ""
}

source "null" "existing" {
  ssh_host             = var.host
  ssh_username         = "root"
  ssh_private_key_file = var.key_file
}

build {
  sources = ["source.null.existing"]

  provisioner "hardened-cis" {
    update        = var.update
    cleanup_image = false
    report_dir    = var.report_dir

    vulns_feed      = var.vulns_feed
    fail_on_fixable = var.fail_on_fixable
  }
}
