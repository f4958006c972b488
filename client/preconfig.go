package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mathmesh/mesh/catalog"
	"github.com/mathmesh/mesh/dare"
	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/udf"
)

// Static QR (protocol.md §7 F4c; architecture draft §4.2 "Static QR"): the
// maker's side (`device preconfig`, step 1) and the device's installation
// (`device install`, step 2). The administrator's claim is in
// connect_claim.go.

// PreconfigResult is the outcome of Preconfigure.
type PreconfigResult struct {
	Maker         string `json:"maker"`
	DeviceUDF     string `json:"device_udf"`
	URI           string `json:"uri"`
	File          string `json:"file"`
	PublicationID string `json:"publication_id"`
}

// Preconfigure makes a device for this (maker) account (F4c step 1): a
// fresh device seed and profile; the profile, encrypted under the connect
// PIN derived from the seed, published as a CatalogedPublication in the
// maker's MMM_Publication; the DevicePreconfigurationPrivate written to
// dir/<PIN>.medk (mode 0600, never overwritten). It needs the maker's
// administration role: the device is published in the maker's name.
func (a *Account) Preconfigure(ctx context.Context, dir string) (*PreconfigResult, error) {
	if _, err := a.adminKey(); err != nil {
		return nil, err
	}
	now := a.c.cfg.Now()
	p, err := profile.NewPreconfigured(a.rec.AccountAddress, a.c.cfg.Rand, &profile.SealOptions{Rand: a.c.cfg.Rand, Created: now})
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	file := filepath.Join(dir, p.PIN+".medk")
	if ok, err := exists(file); err != nil {
		return nil, err
	} else if ok {
		return nil, fmt.Errorf("client: %s already exists", file)
	}
	private, err := p.Private()
	if err != nil {
		return nil, err
	}
	sealed, err := p.SealedProfile(a.c.cfg.Rand)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	pub := &catalog.CatalogedPublication{EnvelopedData: sealed}
	if pub.Id, err = udf.PublicationID(p.PIN); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if pub.Authenticator, err = udf.ServiceAuthenticator(p.PIN); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	unlock, err := a.c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	containers := []string{profile.StorePublication}
	err = a.transactMulti(ctx, containers, func(copies map[string]*localContainer) (*multiUpdate, error) {
		// MMM_Publication is not encrypted: its data is encrypted under the
		// PIN, and the service must read Id and Authenticator (§4.10).
		cat, err := catalog.Open(copies[profile.StorePublication], profile.StorePublication,
			catalog.Keys{Ring: &dare.Keyring{}, Rand: a.c.cfg.Rand})
		if err != nil {
			return nil, fmt.Errorf("client: the local copy of %s: %w", profile.StorePublication, err)
		}
		env, err := cat.New(pub)
		if err != nil {
			return nil, fmt.Errorf("client: the publication entry: %w", err)
		}
		return &multiUpdate{Updates: map[string][][]byte{profile.StorePublication: {env}}}, nil
	})
	if err != nil {
		return nil, err
	}
	if err := writeNew(file, private); err != nil {
		return nil, err
	}
	return &PreconfigResult{Maker: a.rec.AccountAddress, DeviceUDF: p.Device.UDF(), URI: p.URI, File: file, PublicationID: pub.Id}, nil
}

// writeNew creates path with mode 0600; an existing file is an error.
func writeNew(path string, data []byte) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("client: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}

// preconfiguredRecord is preconfigured.json: what an installed device
// keeps until its owner claims it (schema.md §7.5 CatalogedPreconfigured).
// The connect PIN is not kept: it is derived again from the device seed.
type preconfiguredRecord struct {
	Maker                  string    `json:"Maker"`
	PublicationId          string    `json:"PublicationId"`
	DeviceUdf              string    `json:"DeviceUdf"`
	EnvelopedProfileDevice jsonb.Raw `json:"EnvelopedProfileDevice"`
	Installed              time.Time `json:"Installed"`
}

func (h *Home) preconfiguredPath() string { return filepath.Join(h.dir, "preconfigured.json") }

// loadPreconfigured returns the installed preconfiguration, or nil.
func (h *Home) loadPreconfigured() (*preconfiguredRecord, error) {
	p := h.preconfiguredPath()
	b, err := readPrivate(p, profile.MaxPreconfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r preconfiguredRecord
	if err := jsonb.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("client: %s is corrupted: %w", p, err)
	}
	if r.Maker == "" || r.PublicationId == "" || r.DeviceUdf == "" || len(r.EnvelopedProfileDevice) == 0 {
		return nil, fmt.Errorf("client: %s is corrupted: fields missing", p)
	}
	return &r, nil
}

// InstallResult is the outcome of InstallPreconfig.
type InstallResult struct {
	Maker     string `json:"maker"`
	DeviceUDF string `json:"device_udf"`
	URI       string `json:"uri"`
}

// InstallPreconfig installs a maker's DevicePreconfigurationPrivate file
// on this machine (F4c step 2): its seed becomes this machine's device
// seed, and the publication is recorded so that `device complete` can poll
// for the owner's claim. A machine that already has a device profile is
// refused: a device seed is never replaced.
func (c *Client) InstallPreconfig(path string) (*InstallResult, error) {
	data, err := readFileLimit(path, profile.MaxPreconfigSize)
	if err != nil {
		return nil, err
	}
	p, err := profile.ParsePreconfigured(data)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", path, err)
	}
	unlock, err := c.cfg.Home.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := c.cfg.Home.DeviceSeed(); err == nil {
		return nil, errors.New("client: this machine already has a device profile; install a preconfiguration only on a new device (a fresh MESH_HOME)")
	} else if !errors.Is(err, ErrNoDevice) {
		return nil, err
	}
	pubID, err := udf.PublicationID(p.PIN)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	rec := &preconfiguredRecord{Maker: p.Maker, PublicationId: pubID, DeviceUdf: p.Device.UDF(),
		EnvelopedProfileDevice: p.Profile, Installed: c.cfg.Now().UTC()}
	b, err := jsonb.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("client: encoding the preconfiguration record: %w", err)
	}
	if err := c.cfg.Home.SaveDeviceSeed(p.Device.Seed()); err != nil {
		return nil, err
	}
	if err := writePrivate(c.cfg.Home.preconfiguredPath(), b); err != nil {
		return nil, err
	}
	return &InstallResult{Maker: p.Maker, DeviceUDF: p.Device.UDF(), URI: p.URI}, nil
}

// readFileLimit reads a file of at most limit bytes.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("client: %s is larger than the %d-byte limit", path, limit)
	}
	return b, nil
}

// removeFile removes path; a missing file is not an error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}
