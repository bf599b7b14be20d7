# For full specification on the configuration of this file visit:
# https://github.com/hashicorp/integration-template#metadata-configuration
integration {
  name        = "Hardened"
  description = "CIS Level 1 hardened Tencent Cloud CVM images with a lifecycle gate and signed provenance."
  identifier  = "packer/hardenedcloud/hardened"
  flags       = []
  docs {
    process_docs = true
    readme_location = "./README.md"
    external_url = "https://github.com/hardenedcloud/terraform-provider-hardened"
  }
  license {
    type = "MPL-2.0"
    url  = "https://github.com/hardenedcloud/terraform-provider-hardened/blob/main/LICENSE"
  }
  component {
    type = "builder"
    name = "Hardened CVM"
    slug = "cvm"
  }
  component {
    type = "provisioner"
    name = "Hardened CIS"
    slug = "cis"
  }
  component {
    type = "data-source"
    name = "Hardened Base Image"
    slug = "base-image"
  }
}
