package protocol

import (
	"fmt"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// ServiceIdentity is what a client needs of a service's ProfileService: its
// UDF (what the client pins) and the ServiceAuthentication key requests are
// bound to (docs/protocol.md §3.3).
type ServiceIdentity struct {
	UDF            string
	Authentication keys.PublicKey
	Signature      keys.PublicKey
}

// VerifyServiceProfile checks an enveloped ProfileService (self-signed,
// schema.md §3.5) and returns the service's identity. If pin is not empty,
// the profile's UDF must match it (udf.Equal: the pin may be a shorter
// presentation of the same fingerprint, as the DNS TXT "udf=" record gives,
// protocol.md §5).
func VerifyServiceProfile(env []byte, pin string) (*ServiceIdentity, error) {
	ps, err := profile.VerifyProfileService(env)
	if err != nil {
		return nil, fmt.Errorf("protocol: service profile: %w", err)
	}
	id := &ServiceIdentity{UDF: ps.UDF()}
	if pin != "" && !udf.HasPrefix(id.UDF, pin, 20) {
		return nil, fmt.Errorf("protocol: service profile %s does not match the pinned UDF %s", id.UDF, pin)
	}
	if ps.ServiceAuthentication == nil {
		return nil, fmt.Errorf("protocol: service profile %s has no ServiceAuthentication key", id.UDF)
	}
	if id.Authentication, err = ps.ServiceAuthentication.PublicKey(); err != nil {
		return nil, fmt.Errorf("protocol: service profile ServiceAuthentication: %w", err)
	}
	if a := id.Authentication.Algorithm(); a != keys.X448 && a != keys.X25519 {
		return nil, fmt.Errorf("protocol: service profile ServiceAuthentication is %s, want X448 or X25519", a)
	}
	if ps.ServiceSignature != nil {
		if id.Signature, err = ps.ServiceSignature.PublicKey(); err != nil {
			return nil, fmt.Errorf("protocol: service profile ServiceSignature: %w", err)
		}
	}
	return id, nil
}
