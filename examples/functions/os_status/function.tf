output "centos_status" {
  value = provider::hardened::os_status("CentOS 7.9 64位") # "eol"
}

output "ubuntu_status" {
  value = provider::hardened::os_status("Ubuntu Server 22.04 LTS 64bit UEFI")
}
