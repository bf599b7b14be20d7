# CentOS 7 reached end of life on 2024-06-30: planning with this base fails.
base_os_name = "CentOS 7.9 64位"
