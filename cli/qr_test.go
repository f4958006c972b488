package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

// TestRenderQR checks that the terminal QR code encodes the URI: the same
// code written as a PNG must decode, with the real zbarimg, to the URI.
func TestRenderQR(t *testing.T) {
	const uri = "mcu://alice@example.com/ADKW-K2ZB-PPZM-ECG4-P3NQ-UN4K-XI"
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("zbarimg (Debian zbar-tools, .ci/apt-packages.txt) is required in CI: %v", err)
		}
		t.Skipf("zbarimg not installed (apt-get install zbar-tools): %v", err)
	}
	text, err := renderQR(uri)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qrcode.New(uri, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	if want := q.ToSmallString(false); strings.TrimSuffix(text, "\n") != strings.TrimSuffix(want, "\n") {
		t.Fatalf("renderQR differs from the code of the same URI:\n%s\nwant:\n%s", text, want)
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if n := len([]rune(lines[0])); len(lines) < 10 || n < 20 {
		t.Fatalf("the terminal code is %d lines of %d cells, too small for a QR code", len(lines), n)
	}
	png := filepath.Join(t.TempDir(), "uri.png")
	if err := qrcode.WriteFile(uri, qrcode.Medium, 256, png); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbar, "--raw", "-q", png).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != uri {
		t.Fatalf("zbarimg read %q, want %q", got, uri)
	}
}

func TestRenderQRLimits(t *testing.T) {
	for _, s := range []string{"", strings.Repeat("A", maxQRText+1)} {
		if _, err := renderQR(s); err == nil || !strings.Contains(err.Error(), "qr: the text to encode has") {
			t.Errorf("renderQR(%d bytes) = %v, want a size error", len(s), err)
		}
	}
}
