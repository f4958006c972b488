package pluginhost

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// ErrChecksum reports a plugin binary whose SHA-256 differs from its pin.
var ErrChecksum = errors.New("pluginhost: plugin binary checksum mismatch")

// ErrUnsafeBinary reports a plugin binary others could have replaced.
var ErrUnsafeBinary = errors.New("pluginhost: plugin binary is not safely installed")

// CheckBinary applies the checks of plugins.md section 2.7 before exec: an
// absolute path to a regular file; the file and its directory owned by root
// or this user and not writable by group or others; its SHA-256 equal to the
// pin. go-plugin's SecureConfig hashes the file again right before exec; this
// check gives the clearer error and narrows the check-then-exec window.
func CheckBinary(path string, pin []byte) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("%w: %s is not an absolute path", ErrUnsafeBinary, path)
	}
	for _, p := range []string{filepath.Dir(path), path} {
		if err := checkOwner(p); err != nil {
			return err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("pluginhost: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("pluginhost: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrUnsafeBinary, path)
	}
	if fi.Size() > MaxPluginBinaryBytes {
		return fmt.Errorf("%w: %s is %d bytes, limit %d", ErrUnsafeBinary, path, fi.Size(), MaxPluginBinaryBytes)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("pluginhost: hash %s: %w", path, err)
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), pin) != 1 {
		return fmt.Errorf("%w: %s has sha256 %x, plugins.hcl pins %x", ErrChecksum, path, h.Sum(nil), pin)
	}
	return nil
}

func checkOwner(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("pluginhost: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("%w: cannot read the owner of %s", ErrUnsafeBinary, p)
	}
	if st.Uid != 0 && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%w: %s is owned by uid %d", ErrUnsafeBinary, p, st.Uid)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("%w: %s is writable by group or others (mode %04o)", ErrUnsafeBinary, p, fi.Mode().Perm())
	}
	return nil
}
