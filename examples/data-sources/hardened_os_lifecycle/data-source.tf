# By Tencent Cloud OsName, as returned by DescribeImages.
data "hardened_os_lifecycle" "base" {
  os_name = "Ubuntu Server 22.04 LTS 64bit UEFI"
}

# By family and version.
data "hardened_os_lifecycle" "debian" {
  family  = "debian"
  version = "13"
}

# Fail the plan before anything is built on an unsupported OS.
resource "terraform_data" "base_image" {
  input = data.hardened_os_lifecycle.debian.id

  lifecycle {
    precondition {
      condition     = data.hardened_os_lifecycle.debian.is_supported
      error_message = data.hardened_os_lifecycle.debian.reason
    }
  }
}

# Or only report it, without failing the plan.
check "base_os_lifecycle" {
  assert {
    condition     = data.hardened_os_lifecycle.base.phase == "supported"
    error_message = "${data.hardened_os_lifecycle.base.name} is ${data.hardened_os_lifecycle.base.phase}: ${data.hardened_os_lifecycle.base.reason}"
  }
}

output "days_left" {
  value = data.hardened_os_lifecycle.base.days_to_eol
}
