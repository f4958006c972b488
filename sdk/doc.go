// Package sdk is the contract between mesh-agent and its plugins, built on
// hashicorp/go-plugin with gRPC only (design: ../shared/spec/plugins.md
// section 2; the wire contract is the proto package mesh.plugin.v1 in
// sdk/proto/mesh/plugin/v1).
//
// A plugin is a separate process that the agent starts from plugins.hcl after
// checking the binary's SHA-256. It implements [Plugin]; the agent offers back
// three brokered services, seen by the plugin as a [Host]: Keys (key handles
// and key channels), Catalog and Interaction. Plugins never hold the Mesh
// private keys: they sign, decrypt and agree through a [Channel], and the
// agent checks and confirms every operation.
//
// # Writing a plugin
//
// The main function is a few lines:
//
//	func main() { sdk.Serve(myplugin.New()) }
//
// Serve never writes to stdout except go-plugin's handshake line; log with
// hclog or slog to stderr (the agent re-logs each JSON line). The plugin type
// implements [Plugin]:
//
//   - Describe returns a [Description]: name (as in plugins.hcl), version,
//     the entry types it handles, its catalog scopes, its endpoints (e.g.
//     "ssh-agent") and the schema of its config block.
//   - Configure receives the [Host] and a [Config]. Keep the Host until the
//     next Configure. For each endpoint, cfg.Listener(name) returns the
//     listening socket the agent created; serve client connections on it.
//   - Provision/Deprovision install and remove what a client needs for one
//     catalog entry; both must be idempotent. Inventory lists what is
//     installed; Health reports readiness.
//
// Per client connection, open one key channel and sign through it:
//
//	ch, err := host.Keys().Open(ctx, sdk.ChannelOpen{Peer: peer, Endpoint: "ssh-agent"})
//	defer ch.Close()
//	keys, err := host.Keys().List(ctx, sdk.KeyQuery{Purpose: "ssh-auth"})
//	signer, err := ch.Signer(keys[0], "ssh-auth")   // a crypto.Signer
//	sig, err := signer.Sign(nil, data, crypto.Hash(0)) // Ed25519: the message
//
// Errors: return the sentinels (ErrDenied, ErrLocked, ErrUnknownKey,
// ErrRevoked, ErrUnsupported, ErrInvalid, ErrTimeout, ErrConflict,
// ErrExternal), wrapped with %w or as an [*Error] made by [NewError]; they
// reach the other side as the same sentinel, so errors.Is works across the
// process boundary. Wrapping a sentinel declares the text public; any other
// error crosses as ErrInternal and its text stays in the process's log. Map
// the sentinels to the client protocol's error (plugins.md section 2.6).
//
// Testing: package sdk/sdktest runs a plugin in-process against a fake agent
// (in-memory keys behind handles, a scripted approver, a catalog fixture, an
// audit recorder), and has a conformance suite every plugin runs.
//
// # Agent side
//
// The agent builds an exec.Cmd, calls plugin.NewClient([ClientConfig](...)),
// then [Dial] for a typed [PluginClient], and gives each plugin its own
// [HostBackend] in Configure.
//
// # Versions
//
// The go-plugin version map key is the contract major ([ContractMajor]);
// inside a major, changes are additive only (new fields, RPCs and enum
// values; field numbers frozen). An older peer answers a newer RPC with
// Unimplemented, which arrives as ErrUnsupported.
package sdk
