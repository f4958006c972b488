package cli

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// QR codes for connect URIs (architecture draft §4.2 "Dynamic QR" and
// "Static QR"; protocol.md §7 F4b step 1, F4c step 1): `account pin --qr`
// and `device preconfig` show their mcu:// URI as a QR code in the
// terminal, so that a device with a camera can read it.

// maxQRText is the longest text put in a QR code. A connect URI is under
// 100 characters; the limit keeps a mistaken input from drawing a huge code.
const maxQRText = 512

// renderQR returns text as a QR code (error correction level M) drawn with
// Unicode half blocks, two modules per character cell, for a terminal
// with dark text on a light background, followed by a newline.
func renderQR(text string) (string, error) {
	if text == "" || len(text) > maxQRText {
		return "", fmt.Errorf("qr: the text to encode has %d bytes; it must have 1 to %d", len(text), maxQRText)
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	s := q.ToSmallString(false)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s, nil
}
