// Package cli is the meshman command tree: one file per command group, every
// command testable in process. The binary in cmd/meshman only calls Main.
//
// Conventions (docs/cli.md): GNU-style flags, `--json` on every command for
// machine-readable output, exit status 0 on success and 1 with a one-line
// `meshman: ...` message on any error.
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// App carries what every command needs: its streams and the output mode.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// JSON is set by the global --json flag: results are printed as JSON.
	JSON bool
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
}

// Texter is implemented by every command result: its text form.
type Texter interface {
	Text() string
}

// Emit prints a command result: as indented JSON when --json is set,
// otherwise as the value's Text form followed by a newline (unless the text
// already ends with one or is empty).
func (a *App) Emit(v any) error {
	if a.JSON {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return fmt.Errorf("encoding result as JSON: %w", err)
		}
		_, err = fmt.Fprintf(a.Stdout, "%s\n", b)
		return err
	}
	t, ok := v.(Texter)
	if !ok {
		return fmt.Errorf("internal error: result %T has no text form", v)
	}
	s := t.Text()
	if s == "" {
		return nil
	}
	if s[len(s)-1] != '\n' {
		s += "\n"
	}
	_, err := io.WriteString(a.Stdout, s)
	return err
}

// UserError is an error caused by the user's input or environment. Its
// message is printed as is; the exit status is 1.
type UserError struct {
	Msg string
	Err error
}

func (e *UserError) Error() string { return e.Msg }
func (e *UserError) Unwrap() error { return e.Err }

// Errorf returns a UserError. Wrapped errors (%w) stay reachable with errors.Is.
func (a *App) Errorf(format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &UserError{Msg: err.Error(), Err: errors.Unwrap(err)}
}

func (a *App) getenv(key string) string {
	if a.Getenv != nil {
		return a.Getenv(key)
	}
	return os.Getenv(key)
}
