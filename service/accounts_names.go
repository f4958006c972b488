package service

import (
	"strings"

	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/udf"
)

// accountCacheKey is the key under which lookupAccount caches the account
// an identifier resolves to (docs/protocol.md §3.3). An account name
// (local@domain) is matched without regard to case, so it is cached in its
// normalised form; anything else (a profile UDF) is matched exactly first
// by the store and is cached exactly as given, under a separate prefix, so
// that no name and no other spelling of an identifier can take the cache
// entry of a profile UDF.
func accountCacheKey(id string) string {
	if strings.Contains(id, "@") {
		return "n:" + store.NormalizeName(id)
	}
	return "u:" + id
}

// checkCallsign enforces on a CallsignBinding's Canonical name what
// checkAddress enforces on the account address (local@domain in a domain
// this service serves), and refuses a name that reads as a UDF, so that a
// name can never stand for another account's profile UDF.
func (s *Service) checkCallsign(name string) error {
	if _, _, err := udf.Parse(name); err == nil {
		return refuse(protocol.StatusRefused, "callsign %q reads as a UDF", truncate(name))
	}
	if err := s.checkAddress(name); err != nil {
		return refuse(protocol.StatusRefused, "callsign: %s", asError(err).Public)
	}
	return nil
}

// checkedNames is bindNames followed by checkCallsign on every callsign
// (names[0] is the account address, checked by checkAddress).
func (s *Service) checkedNames(req *protocol.BindRequest, pa *profile.ProfileAccount) ([]string, error) {
	names, err := bindNames(req, pa)
	if err != nil {
		return nil, err
	}
	for _, n := range names[1:] {
		if err := s.checkCallsign(n); err != nil {
			return nil, err
		}
	}
	return names, nil
}
