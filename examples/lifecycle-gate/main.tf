# A lifecycle gate: the plan fails when the base OS of an image is not
# supported, and a check block reports releases nearing end of support.
#
#   terraform plan                              # Debian 13: passes
#   terraform plan -var-file=centos7.tfvars     # CentOS 7.9: fails
#
# Set HARDENED_TODAY=YYYY-MM-DD to evaluate against a fixed date.

terraform {
  required_version = ">= 1.8.0" # provider-defined functions
  required_providers {
    hardened = {
      source = "hardenedcloud/hardened"
    }
  }
}

provider "hardened" {
  warn_before_eol_days   = 180
  allow_extended_support = false
}

variable "base_os_name" {
  description = "OsName of the base image, as Tencent Cloud DescribeImages reports it."
  type        = string
  default     = "Debian 13.1 64位"
}

data "hardened_os_lifecycle" "base" {
  os_name = var.base_os_name
}

# Hard gate: nothing depending on this can be planned on an unsupported OS.
resource "terraform_data" "base_image_gate" {
  input = data.hardened_os_lifecycle.base.id

  lifecycle {
    precondition {
      condition     = data.hardened_os_lifecycle.base.is_supported
      error_message = "Base image OS \"${var.base_os_name}\" is not supported (${data.hardened_os_lifecycle.base.phase}): ${data.hardened_os_lifecycle.base.reason}."
    }
  }
}

# Soft gate: a warning in plan output, the plan still succeeds.
check "base_os_not_near_eol" {
  assert {
    condition     = data.hardened_os_lifecycle.base.phase != "approaching_eol"
    error_message = data.hardened_os_lifecycle.base.reason
  }
}

output "base_os" {
  value = {
    name         = data.hardened_os_lifecycle.base.name
    phase        = data.hardened_os_lifecycle.base.phase
    eol_standard = data.hardened_os_lifecycle.base.eol_standard
    today        = data.hardened_os_lifecycle.base.today
  }
}

# Provider functions use the embedded catalog and a 180-day window.
output "centos_7_status" {
  value = provider::hardened::os_status("CentOS 7.9 64位")
}

output "ubuntu_22_04_status" {
  value = provider::hardened::os_status("Ubuntu Server 22.04 LTS 64bit UEFI")
}
