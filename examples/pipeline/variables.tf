variable "region" {
  description = "Tencent Cloud region of the images and the instance."
  type        = string
  default     = "ap-guangzhou"
}

variable "zone" {
  description = "Availability zone of the instance."
  type        = string
  default     = "ap-guangzhou-3"
}

variable "trusted_key" {
  description = "Public half of the Packer signing key (PEM or an ssh-ed25519 line), e.g. file(\"signing.pub.pem\")."
  type        = string
}

variable "profile" {
  description = "Hardening profile the image was built with (the hardened:profile tag)."
  type        = string
  default     = "debian-13"
}

variable "max_image_age_days" {
  description = "Reject golden images older than this many days."
  type        = number
  default     = 90
}

variable "instance_type" {
  description = "CVM instance type."
  type        = string
  default     = "S5.MEDIUM2"
}

variable "name" {
  description = "Instance name."
  type        = string
  default     = "hardened-app"
}
