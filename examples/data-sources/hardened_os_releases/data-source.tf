# The newest Ubuntu LTS that is supported today, instead of a hard-coded
# version that will age out.
data "hardened_os_releases" "ubuntu" {
  family         = "ubuntu"
  supported_only = true
  lts_only       = true
}

output "ubuntu_base_version" {
  value = data.hardened_os_releases.ubuntu.newest_version
}

output "ubuntu_releases" {
  value = [for r in data.hardened_os_releases.ubuntu.releases : "${r.name}: ${r.phase} until ${r.eol_standard}"]
}
