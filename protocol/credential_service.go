package protocol

import "github.com/mathmesh/mesh/keys"

// CredentialService: a Mesh service posting messages for one of its
// accounts to another service (four-corner messaging, protocol.md §4.9 and
// §6; docs/messaging.md §3). The header holds the sending service's
// self-signed enveloped ProfileService; the key is its
// ServiceAuthentication key; Mesh-Account is the sender's account address.
// The receiving service accepts it only for Post, and only if the service
// it discovers for the sender's domain presents the same ProfileService.
const CredentialService CredentialKind = "service"

// NewServiceCredential returns the credential with which a service posts
// the messages of sender (an account address it hosts): its enveloped
// ProfileService and the private ServiceAuthentication key.
func NewServiceCredential(sender string, envelopedProfileService []byte, key keys.Agreer) (*Credential, error) {
	return newCredential(CredentialService, sender, envelopedProfileService, key)
}
