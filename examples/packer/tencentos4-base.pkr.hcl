# TencentOS Server 4 has no published end of support, so the lifecycle gate
# reports it as "unknown" and refuses it as a base. A lifecycle_overrides
# block (the same entry the Terraform provider takes) gives it a date you
# have from your vendor, and the gate then judges it like any other release.
# Set tencentos4_eol = "" to see the refusal.
#
#   packer build tencentos4-base.pkr.hcl
packer {
  required_plugins {
    hardened = {
      source  = "github.com/hardenedcloud/hardened"
      version = ">= 0.1.0"
    }
  }
}

# The data source only reads images: one endpoint override is enough (tcsim, private clouds).
variable "region" { default = "ap-guangzhou" }
variable "cvm_endpoint" { default = "" }
variable "scheme" { default = "" }

variable "tencentos4_eol" {
  type        = string
  default     = "2034-12-31"
  description = "End of standard support of TencentOS Server 4 as your support contract states it; empty: no date."
}

data "hardened-base-image" "tencentos4" {
  region       = var.region
  cvm_endpoint = var.cvm_endpoint
  scheme       = var.scheme

  os_family    = "tencentos"
  os_version   = "4"
  architecture = "x86_64"

  # Like the provider: warn 180 days ahead, and refuse a base already in
  # that window rather than start a new golden image close to its end.
  warn_before_eol_days   = 180
  refuse_approaching_eol = true

  # An empty eol_standard keeps the catalog's (missing) date.
  lifecycle_overrides {
    family       = "tencentos"
    version      = "4"
    eol_standard = var.tencentos4_eol
    source       = "Tencent Cloud support contract"
  }
}

# The null builder only shows the decision; use the image id as
# source_image_id of a hardened-cvm source to build from it.
source "null" "show" {
  communicator = "none"
}

build {
  sources = ["source.null.show"]

  provisioner "shell-local" {
    inline = ["echo 'base ${data.hardened-base-image.tencentos4.image_id} (${data.hardened-base-image.tencentos4.os_name}): phase ${data.hardened-base-image.tencentos4.phase}, EOL ${data.hardened-base-image.tencentos4.eol_date}'"]
  }
}
