# Import a pin by image id.
terraform import hardened_image_pin.web img-9qrfy1xt
