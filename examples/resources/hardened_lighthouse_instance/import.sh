# Import a Lighthouse instance by id.
terraform import hardened_lighthouse_instance.web lhins-0a1b2c3d
