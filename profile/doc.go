// Package profile implements the Mesh profiles, connections, activations and
// rights: the signed assertions that describe devices, accounts, services and
// hosts, and the records that bind a device into an account.
//
// Specification: ../../shared/spec/schema.md §1 to §6 (profiles §3,
// connections §4, activations and the key overlay §5, rights and roles §6),
// with the key derivation of udf.md §6 and the overlay arithmetic of
// threshold.md §3.2 and §4.2 to §4.5. What we implement, and where we differ
// from the reference, is written down in ../docs/schema.md.
//
// Every object travels as the tagged JSON payload of a DARE envelope
// ({"ProfileDevice": {...}}, schema.md §1): [Seal] writes one and [Open]
// reads one. Profiles are self-signed with the key behind their
// ProfileSignature ([SignProfile], [VerifyProfile]); connections and
// activations are signed with the account's AdministratorSignature key.
//
// Keys come from secret seeds (schema.md §2.4): [NewDevice], [NewAccount],
// [NewService] and [NewHost] draw a seed, and the ...FromSeed functions
// recompute every key from one. The secret types (DeviceSecrets,
// AccountSecrets, ...) never print their seeds or keys.
//
// A device joins an account through the activation overlay (schema.md §5.2):
// the administrator draws an activation seed, computes the device's account
// public keys as the sums B + A of the device's base keys and the activation
// contributions ([AccountSecrets.ConnectDevice]), and the device adds the
// private scalars b + a ([DeviceSecrets.Accept]) and checks that they match
// what the administrator published.
package profile
