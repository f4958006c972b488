package approval

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeAskpass writes a shell script that records its argument and its
// SSH_ASKPASS_PROMPT to files in dir, then exits with the status read from
// dir/answer (or sleeps when the answer is "hang"). It returns the script's
// path.
func fakeAskpass(t *testing.T, answer string) (prog, dir string) {
	t.Helper()
	dir = t.TempDir()
	script := `#!/bin/sh
d=$(dirname "$0")
printf '%s' "$1" > "$d/arg"
printf '%s' "$SSH_ASKPASS_PROMPT" > "$d/mode"
a=$(cat "$d/answer")
if [ "$a" = hang ]; then sleep 30; fi
exit "$a"
`
	prog = filepath.Join(dir, "askpass")
	if err := os.WriteFile(prog, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "answer"), []byte(answer), 0o600); err != nil {
		t.Fatal(err)
	}
	return prog, dir
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return string(b)
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestAskpassAnswers(t *testing.T) {
	p := samplePrompt()
	for _, tc := range []struct {
		answer string
		want   bool
	}{{"0", true}, {"1", false}, {"2", false}} {
		t.Run("exit "+tc.answer, func(t *testing.T) {
			prog, dir := fakeAskpass(t, tc.answer)
			a := &Askpass{Program: prog, Environ: func() []string { return []string{"SSH_ASKPASS_PROMPT=secret", "LANG=C"} }}
			got, err := a.Confirm(t.Context(), p)
			if err != nil || got != tc.want {
				t.Fatalf("Confirm = %v, %v; want %v, nil", got, err, tc.want)
			}
			if arg := readFile(t, filepath.Join(dir, "arg")); arg != p.Text() {
				t.Errorf("argument = %q, want the prompt %q", arg, p.Text())
			}
			if mode := readFile(t, filepath.Join(dir, "mode")); mode != "confirm" {
				t.Errorf("SSH_ASKPASS_PROMPT = %q, want confirm", mode)
			}
		})
	}
}

func TestAskpassTimeoutKillsTheProgram(t *testing.T) {
	prog, _ := fakeAskpass(t, "hang")
	a := &Askpass{Program: prog, Timeout: 300 * time.Millisecond}
	start := time.Now()
	got, err := a.Confirm(t.Context(), samplePrompt())
	if got || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Confirm = %v, %v; want false, deadline exceeded", got, err)
	}
	// The script's sleep is in the killed process group: no wait for it.
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Confirm returned after %v", d)
	}
}

func TestAskpassCannotAsk(t *testing.T) {
	prog, dir := fakeAskpass(t, "0")
	for _, tc := range []struct {
		name string
		a    *Askpass
		want string
	}{
		{"no program", &Askpass{}, "no askpass program"},
		{"missing program", &Askpass{Program: filepath.Join(dir, "absent")}, "absent"},
		{"no display", &Askpass{Program: prog, NeedsDisplay: true, Getenv: env(nil)}, "needs a display"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.a.Confirm(t.Context(), samplePrompt())
			if got || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Confirm = %v, %v; want false and an error containing %q", got, err, tc.want)
			}
		})
	}
	if readFile(t, filepath.Join(dir, "arg")) != "" {
		t.Fatal("the program ran although there was no display")
	}
	// With a display it runs.
	a := &Askpass{Program: prog, NeedsDisplay: true, Getenv: env(map[string]string{"WAYLAND_DISPLAY": "wayland-0"})}
	if ok, err := a.Confirm(t.Context(), samplePrompt()); !ok || err != nil {
		t.Fatalf("Confirm with WAYLAND_DISPLAY = %v, %v", ok, err)
	}
}

func TestNewAskpassChoosesLikeOpenSSH(t *testing.T) {
	for _, tc := range []struct {
		name    string
		flag    string
		env     map[string]string
		program string
		display bool
	}{
		{"default", "", nil, DefaultAskpass, true},
		{"SSH_ASKPASS", "", map[string]string{"SSH_ASKPASS": "/x/ask"}, "/x/ask", true},
		{"flag wins", "/y/ask", map[string]string{"SSH_ASKPASS": "/x/ask"}, "/y/ask", false},
		{"force", "", map[string]string{"SSH_ASKPASS": "/x/ask", "SSH_ASKPASS_REQUIRE": "force"}, "/x/ask", false},
		{"never", "/y/ask", map[string]string{"SSH_ASKPASS_REQUIRE": "never"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAskpass(tc.flag, env(tc.env))
			if a.Program != tc.program || a.NeedsDisplay != tc.display {
				t.Fatalf("program %q needs display %v; want %q, %v", a.Program, a.NeedsDisplay, tc.program, tc.display)
			}
		})
	}
}
