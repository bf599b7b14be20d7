# Which instances of two regions run end-of-life or unapproved images, and
# which images to replace. `all_regions = true` reports every region the
# account can use (DescribeRegions) instead.
data "hardened_fleet_report" "this" {
  regions = ["ap-guangzhou", "ap-shanghai"]
}

output "fleet_counts" {
  value = data.hardened_fleet_report.this.counts
}

output "instances_per_region" {
  value = data.hardened_fleet_report.this.by_region
}

output "eol_instance_ids" {
  value = data.hardened_fleet_report.this.groups["eol"]
}

# One line per image to replace, with the release to move to.
output "images_to_replace" {
  value = [
    for img in data.hardened_fleet_report.this.images :
    "${img.region}/${img.image_id} (${img.os_name}) on ${length(img.instance_ids)} instance(s): ${img.group}, move to ${img.recommended}"
    if contains(["eol", "extended", "unknown", "unapproved"], img.group)
  ]
}

# Fail the run when anything is past end of life.
check "no_eol_instances" {
  assert {
    condition     = data.hardened_fleet_report.this.counts.eol == 0
    error_message = "${data.hardened_fleet_report.this.counts.eol} instance(s) run an end-of-life OS."
  }
}
