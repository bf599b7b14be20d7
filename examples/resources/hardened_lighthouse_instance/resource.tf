data "hardened_lighthouse_blueprint" "debian" {
  os_family      = "debian"
  os_version     = "13"
  blueprint_type = "PURE_OS"
  most_recent    = true
}

# The instance may only run an approved blueprint: an end-of-life one (e.g.
# CentOS 7.9) fails the plan with its date and the release to move to.
resource "hardened_lighthouse_instance" "web" {
  blueprint_id = data.hardened_lighthouse_blueprint.debian.blueprint_id
  bundle_id    = "bundle2022_gen_01"
  zone         = "ap-guangzhou-3"
  name         = "web-1"
  tags         = { team = "web" }

  # The whole inbound firewall: the API's defaults (SSH and RDP from anywhere) go.
  firewall_rules = [
    { protocol = "TCP", port = "443", cidr_block = "0.0.0.0/0", action = "ACCEPT" },
    { protocol = "TCP", port = "22", cidr_block = "198.18.0.0/24", action = "ACCEPT", description = "ssh from the office" },
  ]

  timeouts = {
    create = "15m"
    update = "20m"
    delete = "10m"
  }
}

output "web" {
  value = "${hardened_lighthouse_instance.web.id} runs ${hardened_lighthouse_instance.web.os_name} (${hardened_lighthouse_instance.web.phase})"
}
