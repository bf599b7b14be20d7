# Every Ubuntu image in the region, newest release first, with status.
data "hardened_images" "ubuntu" {
  os_family = "ubuntu"
}

output "ubuntu_images" {
  value = {
    for img in data.hardened_images.ubuntu.images :
    img.image_id => "${img.os_name}: ${img.phase} (end of standard support ${img.eol_standard})"
  }
}

# Only the images the image policy would approve.
data "hardened_images" "approved" {
  image_type   = "PUBLIC_IMAGE"
  allowed_only = true
}

output "approved_count" {
  value = length(data.hardened_images.approved.ids)
}
