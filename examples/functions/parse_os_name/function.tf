locals {
  os = provider::hardened::parse_os_name("Windows Server 2019 数据中心版 64位中文版")
}

output "family" {
  value = local.os.family # "windows-server"
}

output "version" {
  value = local.os.version # "2019"
}

output "end_of_support" {
  value = local.os.eol_standard # "2029-01-09"
}
