# Import an instance by id.
terraform import hardened_instance.web ins-0a1b2c3d
