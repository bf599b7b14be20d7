# Every Lighthouse system blueprint, with the ones the policy rejects and why.
data "hardened_lighthouse_blueprints" "system" {
  blueprint_type = "PURE_OS"
}

output "rejected_blueprints" {
  value = {
    for b in data.hardened_lighthouse_blueprints.system.blueprints :
    b.blueprint_id => "${b.os_name}: ${b.phase}, move to ${b.recommended}" if !b.policy.allowed
  }
}
