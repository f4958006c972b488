# plugins.hcl: the plugin binaries this machine may run (plugins.md section 2.7).
# Only listed plugins run; nothing is discovered by scanning directories.
# The agent reads /etc/mesh/plugins.hcl, then $XDG_CONFIG_HOME/mesh/plugins.hcl
# (a plugin of the same name in the later file replaces the earlier one).
# The digests are placeholders: put the SHA-256 of each installed binary
# here (sha256sum /usr/libexec/mesh/mesh-plugin-ssh); the agent refuses to
# start a plugin whose binary does not match.

defaults {
  versions = [1]

  restart {
    max_restarts = 5
    window       = "60s"
    backoff_min  = "200ms"
    backoff_max  = "30s"
  }

  timeouts {
    start       = "5s"
    describe    = "5s"
    provision   = "120s"
    deprovision = "60s"
    health      = "2s"
  }
}

plugin "ssh" {
  command   = "/usr/libexec/mesh/mesh-plugin-ssh"
  sha256    = "9f2c4d6a8b0e1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"
  endpoints = ["ssh-agent"]
  enabled   = true
}

plugin "openpgp" {
  command   = "/usr/libexec/mesh/mesh-plugin-openpgp"
  sha256    = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
  endpoints = ["assuan-scd"]
  enabled   = false

  config {
    gnupg_home = "~/.gnupg"
    scd_bridge = "/usr/libexec/mesh/mesh-scd"
  }
}

plugin "smime" {
  command   = "/usr/libexec/mesh/mesh-plugin-smime"
  sha256    = "1122334455667788990011223344556677889900112233445566778899001122"
  endpoints = []
  enabled   = false

  timeouts {
    provision = "300s"
  }

  config {
    thunderbird_profiles = "auto"
  }
}

plugin "browser" {
  command   = "/usr/libexec/mesh/mesh-plugin-browser"
  sha256    = "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899"
  endpoints = ["native-messaging"]
  enabled   = false
}
