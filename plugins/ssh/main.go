// Command mesh-plugin-ssh is the Mesh SSH plugin: a drop-in ssh-agent on
// the SSH_AUTH_SOCK endpoint of mesh-agent, signing with the account's SSH
// keys through the agent's key channel (plugins.md §3). mesh-agent starts
// it; run by hand it prints go-plugin's "This binary is a plugin" notice.
package main

import "github.com/mathmesh/mesh/plugins/ssh/sshplugin"

func main() { sshplugin.Main() }
