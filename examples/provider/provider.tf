terraform {
  required_providers {
    hardened = {
      source = "hardenedcloud/hardened"
    }
  }
}

provider "hardened" {
  # Plan-time warning window before end of standard support.
  warn_before_eol_days = 180

  # Ubuntu Pro/ESM, Debian LTS and Windows ESU do not count as supported.
  allow_extended_support = false

  # Interim releases (Ubuntu 25.10, CentOS Stream) are refused even while
  # supported: their support ends within months.
  allow_non_lts = false

  # A hardened image whose provenance says its own audit failed is not
  # approved; the independent (OpenSCAP) result is judged when set.
  max_audit_failures       = 0
  max_independent_failures = 10

  # Official images, own images and images shared by the platform account;
  # marketplace images only from one reviewed publisher.
  allowed_image_sources = {
    official          = true
    own               = true
    shared_accounts   = ["200000000002"]
    market_publishers = ["300000000003"]
  }

  mode = "enforce"

  allowed_os = ["debian 13", "ubuntu 24.04", "rocky 9", "tencentos 3"]

  exceptions = [
    {
      image_id = "img-9qrfy1xt"
      reason   = "CHG-1234: legacy billing app, migration planned"
      expires  = "2027-03-31"
    },
  ]

  # Settle a date the vendor has not published (TencentOS Server 4 is
  # "unknown" without it) and record where it comes from.
  lifecycle_overrides = [
    {
      family       = "tencentos"
      version      = "4"
      eol_standard = "2034-12-31"
      source       = "Tencent Cloud support case 12345"
    },
  ]

  # Optional online refresh; offline (embedded catalog) when unset.
  # lifecycle_source_url = "https://endoflife.date"
}
