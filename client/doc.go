// Package client is the Mesh client library behind meshman: the local data
// of a user under $MESH_HOME, service discovery, and the end-to-end flows of
// an account with its Mesh service.
//
// Specifications (in /work/shared/spec, our design in docs/client.md):
//
//   - protocol.md §5 (service discovery: --service, $MESH_SERVICE, DNS SRV
//     _mmm._tcp with RFC 2782 ordering, the mmm.<domain> fallback, TXT
//     udf= pins) — [Discovery];
//   - protocol.md §7 F1 (create an account) — [Client.CreateAccount];
//     F0 (synchronise: Status, then Download of the new entries only) —
//     [Account.Sync]; F3 (catalog entries as Transact, then local apply) —
//     [Account.Put], [Account.Remove]; F2 (the account's keys for DARE) —
//     [Account.EncryptionKey], [Account.DecryptionKeys];
//   - protocol.md §4.3 (UnbindAccount) — [Client.DeleteAccount];
//   - schema.md §7.5 (the host catalog, here machine.json) — [Registry].
//
// Local data is private to the user: directories 0700, secret files 0600
// written crash-safely (internal/atomicfile), and a secret file that other
// users could read is refused. See [Home] for the layout.
package client
