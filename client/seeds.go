package client

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/udf"
)

// Seed files hold one secret seed as a tagged PrivateKeyUDF (udf.md §5.5,
// schema.md §2.2), the form [REF] uses in its key store:
//
//	{"PrivateKeyUDF":{"PrivateValue":"ZAAQ-...","KeyType":"MeshProfileDevice"}}
//
// They are written crash-safely with mode 0600 and refused on read if any
// other user could read them (docs/client.md §3).

// ErrNoDevice is returned when this machine has no device seed yet.
var ErrNoDevice = errors.New("client: this machine has no device profile yet")

const seedTag = "PrivateKeyUDF"

// marshalSeed returns the seed file bytes of a seed UDF.
func marshalSeed(seed string) ([]byte, error) {
	p, err := keys.NewPrivateKeyUDF(seed)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	b, err := jsonb.MarshalTagged(seedTag, p, jsonb.JSON)
	if err != nil {
		return nil, fmt.Errorf("client: encoding seed: %w", err)
	}
	return b, nil
}

// parseSeed reads a seed file and checks that it holds a seed of kind want.
func parseSeed(path string, data []byte, want udf.AlgID) (string, error) {
	tag, inner, err := jsonb.ReadTag(data)
	if err != nil {
		return "", fmt.Errorf("client: %s: %w", path, err)
	}
	if tag != seedTag {
		return "", fmt.Errorf("client: %s: holds a %q object, not a %s", path, tag, seedTag)
	}
	var p keys.PrivateKeyUDF
	if err := jsonb.Unmarshal(inner, &p); err != nil {
		return "", fmt.Errorf("client: %s: %w", path, err)
	}
	alg, _, err := udf.ParseSeed(p.PrivateValue)
	if err != nil {
		return "", fmt.Errorf("client: %s: PrivateValue: %w", path, err)
	}
	if alg != want {
		return "", fmt.Errorf("client: %s: holds a %v seed, expected %v", path, alg, want)
	}
	return p.PrivateValue, nil
}

// saveSeed writes seed to path; it refuses to replace an existing seed,
// since losing a seed loses every key derived from it.
func saveSeed(path, seed string) error {
	if ok, err := exists(path); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("client: %s already exists; refusing to replace a seed", path)
	}
	b, err := marshalSeed(seed)
	if err != nil {
		return err
	}
	return writePrivate(path, b)
}

func loadSeed(path string, want udf.AlgID) (string, error) {
	b, err := readPrivate(path, MaxSecretFileSize)
	if err != nil {
		return "", err
	}
	return parseSeed(path, b, want)
}

// SaveDeviceSeed stores this machine's device seed (MeshProfileDevice).
func (h *Home) SaveDeviceSeed(seed string) error {
	if err := checkSeedKind(seed, udf.MeshProfileDevice); err != nil {
		return err
	}
	return saveSeed(h.deviceSeedPath(), seed)
}

// DeviceSeed returns this machine's device seed, or ErrNoDevice.
func (h *Home) DeviceSeed() (string, error) {
	s, err := loadSeed(h.deviceSeedPath(), udf.MeshProfileDevice)
	if errors.Is(err, fs.ErrNotExist) {
		return "", ErrNoDevice
	}
	return s, err
}

// SaveAccountSeed stores the seed (MeshProfileAccount) of the account whose
// profile fingerprint is account.
func (h *Home) SaveAccountSeed(account, seed string) error {
	if err := checkSeedKind(seed, udf.MeshProfileAccount); err != nil {
		return err
	}
	return saveSeed(h.accountSeedPath(account), seed)
}

// AccountSeed returns the stored seed of account; fs.ErrNotExist (wrapped)
// when this device does not hold it.
func (h *Home) AccountSeed(account string) (string, error) {
	return loadSeed(h.accountSeedPath(account), udf.MeshProfileAccount)
}

func (h *Home) accountSeedPath(account string) string {
	return filepath.Join(h.accountDir(account), "account.seed")
}

func checkSeedKind(seed string, want udf.AlgID) error {
	alg, _, err := udf.ParseSeed(seed)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if alg != want {
		return fmt.Errorf("client: a %v seed was given where a %v seed is needed", alg, want)
	}
	return nil
}
