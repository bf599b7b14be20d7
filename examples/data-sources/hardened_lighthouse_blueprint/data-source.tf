# The newest Debian system blueprint the image policy approves.
data "hardened_lighthouse_blueprint" "debian" {
  os_family      = "debian"
  blueprint_type = "PURE_OS"
  allowed_only   = true
  most_recent    = true
}

output "debian_blueprint" {
  value = {
    id        = data.hardened_lighthouse_blueprint.debian.blueprint_id
    os        = data.hardened_lighthouse_blueprint.debian.os_name
    phase     = data.hardened_lighthouse_blueprint.debian.phase
    eol       = data.hardened_lighthouse_blueprint.debian.eol_standard
    days_left = data.hardened_lighthouse_blueprint.debian.days_to_eol
  }
}
