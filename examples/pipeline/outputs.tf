output "image" {
  description = "The golden image and its provenance."
  value = {
    id          = hardened_image_pin.golden.pinned_image_id
    os_name     = hardened_image_pin.golden.os_name
    phase       = hardened_image_pin.golden.phase
    eol_date    = hardened_image_pin.golden.eol_date
    profile     = data.hardened_image.golden.provenance.profile
    audit_pass  = data.hardened_image.golden.provenance.audit_pass
    audit_fail  = data.hardened_image.golden.provenance.audit_fail
    signed_with = data.hardened_image.golden.provenance.key_id
  }
}

output "instance_id" {
  description = "The instance launched from the golden image."
  value       = hardened_instance.app.id
}
