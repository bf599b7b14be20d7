data "hardened_image" "debian" {
  os_family    = "debian"
  os_version   = "13"
  architecture = "x86_64"
  most_recent  = true
}

# Approve the image. `terraform plan` fails here when the image runs an
# end-of-life or otherwise unapproved OS, naming the OS, the date and a
# supported successor.
resource "hardened_image_pin" "web" {
  image_id = data.hardened_image.debian.image_id
  reason   = "CHG-2041: web tier base image"
}

# Allow one release in extended support (Debian LTS) for this pin only.
resource "hardened_image_pin" "legacy" {
  image_id               = data.hardened_image.debian.image_id
  allow_extended_support = true
  reason                 = "CHG-2042: batch tier, migration planned for Q2"
}

output "web_image" {
  value = "${hardened_image_pin.web.pinned_image_id} (${hardened_image_pin.web.os_name}, supported until ${hardened_image_pin.web.eol_date})"
}
