data "hardened_image" "debian" {
  os_family    = "debian"
  os_version   = "13"
  architecture = "x86_64"
  most_recent  = true
}

resource "hardened_image_pin" "web" {
  image_id = data.hardened_image.debian.image_id
}

# The instance may only run an approved image: the policy is checked in the
# plan, before anything is created.
resource "hardened_instance" "web" {
  image_id      = hardened_image_pin.web.pinned_image_id
  instance_type = "S5.MEDIUM2"
  zone          = "ap-guangzhou-3"
  name          = "web-1"
  tags          = { team = "web" }

  user_data = <<-EOT
    #cloud-config
    hostname: web-1
  EOT

  system_disk_type = "CLOUD_PREMIUM"
  system_disk_size = 50

  # A new image re-installs this instance in place instead of replacing it.
  image_change = "reset"

  timeouts = {
    create = "15m"
    update = "20m"
    delete = "10m"
  }
}

output "web" {
  value = "${hardened_instance.web.id} runs ${hardened_instance.web.os_name} (${hardened_instance.web.phase})"
}
