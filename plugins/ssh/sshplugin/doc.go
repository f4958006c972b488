// Package sshplugin is the Mesh SSH plugin (mesh-plugin-ssh): a drop-in
// ssh-agent served on the SSH_AUTH_SOCK endpoint that mesh-agent creates and
// hands over as an inherited file descriptor.
//
// Specifications (in /work/shared/spec):
//
//   - plugins.md §3 (what the SSH plugin needs from the contract): the
//     ssh-agent endpoint, keys with purpose ssh-auth and their host hints,
//     one key channel per client connection with the session-bind context,
//     confirmation and constraints enforced in mesh-agent, events that empty
//     the identity list on revocation, locking refused as agent-wide state;
//   - plugins.md §2.4 (key handles and the key channel): the plugin never
//     holds a Mesh private key, it asks mesh-agent to sign through the
//     channel of the client connection;
//   - plugins.md §1 (endpoints): connections are accepted on the inherited
//     listener and checked with SO_PEERCRED (same uid, else closed);
//   - ecosystem.md §2 (golang.org/x/crypto/ssh/agent): the wire protocol is
//     agent.ServeAgent; this package implements agent.ExtendedAgent only;
//   - OpenSSH PROTOCOL.agent §4.7 and the session-bind@openssh.com
//     extension: [parseSessionBind].
//
// The agent logic is written against [Backend], the narrow view of the
// mesh-agent contract it needs (keys, the key channel, volatile keys,
// known hosts). The SDK adapter in sdkbackend.go implements it over the
// brokered services; tests implement it in memory.
//
// Key selection (plugins.md §3 item 2): once a connection is bound to a
// host key with session-bind, the identity list holds only the keys meant
// for that host, so servers never see more attempts than they allow
// (MaxAuthTries). See [selectKeys].
package sshplugin
