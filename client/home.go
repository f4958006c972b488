package client

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mathmesh/mesh/internal/atomicfile"
)

// Home is the local data directory of one user of one machine, $MESH_HOME
// (default $XDG_DATA_HOME/mesh, i.e. ~/.local/share/mesh). Its layout is
// described in docs/client.md §2:
//
//	machine.json                    registry: accounts on this machine, the default
//	device.seed                     this machine's device seed (0600)
//	accounts/<profile UDF>/
//	    account.json                profile, service, device record, last status
//	    account.seed                the account seed, on the device that made it (0600)
//	    stores/<label>.dare         local copy of each catalog and spool
//
// Directories are created with mode 0700 and files holding secrets with
// 0600; reading a secret file whose mode lets other users read it fails.
type Home struct {
	dir string
}

// Environment variables read by HomeDir.
const (
	EnvHome    = "MESH_HOME"
	EnvXDGData = "XDG_DATA_HOME"
	EnvHomeDir = "HOME"
	// EnvService overrides service discovery (docs/client.md §4).
	EnvService = "MESH_SERVICE"
)

// HomeDir returns the data directory from the environment: $MESH_HOME,
// else $XDG_DATA_HOME/mesh, else $HOME/.local/share/mesh.
func HomeDir(getenv func(string) string) (string, error) {
	if d := getenv(EnvHome); d != "" {
		return d, nil
	}
	if d := getenv(EnvXDGData); d != "" {
		return filepath.Join(d, "mesh"), nil
	}
	if d := getenv(EnvHomeDir); d != "" {
		return filepath.Join(d, ".local", "share", "mesh"), nil
	}
	return "", errors.New("client: no data directory: set MESH_HOME (or XDG_DATA_HOME or HOME)")
}

// OpenHome returns the Home at dir. The directory is created (mode 0700)
// only when something is first written.
func OpenHome(dir string) (*Home, error) {
	if dir == "" {
		return nil, errors.New("client: empty data directory name")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("client: data directory %s: %w", dir, err)
	}
	return &Home{dir: abs}, nil
}

// Dir returns the data directory.
func (h *Home) Dir() string { return h.dir }

func (h *Home) registryPath() string         { return filepath.Join(h.dir, "machine.json") }
func (h *Home) deviceSeedPath() string       { return filepath.Join(h.dir, "device.seed") }
func (h *Home) accountDir(udf string) string { return filepath.Join(h.dir, "accounts", udf) }

// mkdirPrivate creates dir and its parents with mode 0700. An existing
// directory that other users may enter or read is refused.
func mkdirPrivate(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("client: directory %s has mode %04o; it must be private to the user (chmod 700 %s)",
			dir, st.Mode().Perm(), dir)
	}
	return nil
}

// writePrivate writes data crash-safely to path with mode 0600, creating
// the directory (0700) if needed.
func writePrivate(path string, data []byte) error {
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	return nil
}

// readPrivate reads a file written by writePrivate. It refuses files
// larger than limit and files other users could read or change.
func readPrivate(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("client: %s is not a regular file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("client: %s has mode %04o; it holds secrets and must be readable only by the user (chmod 600 %s)",
			path, st.Mode().Perm(), path)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("client: %s is %d bytes, more than the limit of %d", path, st.Size(), limit)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("client: reading %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("client: %s grew past the limit of %d bytes while being read", path, limit)
	}
	return b, nil
}

// exists reports whether path exists; errors other than "not found" are
// returned.
func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, fmt.Errorf("client: %w", err)
}
