# Which instances of the region run end-of-life or unapproved images.
data "hardened_fleet_report" "this" {}

output "fleet_counts" {
  value = data.hardened_fleet_report.this.counts
}

output "instances_to_migrate" {
  value = [
    for i in data.hardened_fleet_report.this.instances :
    "${i.instance_id} (${i.name}) runs ${i.os_name}: ${i.group}, move to ${i.recommended}"
    if contains(["eol", "extended", "unknown", "unapproved"], i.group)
  ]
}

# Fail the run when anything is past end of life.
check "no_eol_instances" {
  assert {
    condition     = data.hardened_fleet_report.this.counts.eol == 0
    error_message = "${data.hardened_fleet_report.this.counts.eol} instance(s) run an end-of-life OS."
  }
}
