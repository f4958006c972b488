package tagwidth

import "testing"

// TestCodeBoundaries checks each width at both edges and that Bytes of the
// code always holds the value.
func TestCodeBoundaries(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		code byte
	}{
		{0, 0}, {0xFF, 0}, {0x100, 1}, {0xFFFF, 1}, {0x10000, 2},
		{0xFFFFFFFF, 2}, {0x100000000, 3}, {^uint64(0), 3},
	} {
		if got := Code(c.n); got != c.code {
			t.Errorf("Code(%#x) = %d, want %d", c.n, got, c.code)
		}
		if w := Bytes(c.code); w < 8 && c.n >= 1<<(8*w) {
			t.Errorf("Bytes(%d) = %d cannot hold %#x", c.code, w, c.n)
		}
	}
	for tag, want := range map[byte]int{0xF0: 1, 0xF1: 2, 0xF2: 4, 0xF3: 8, 0x87: 8} {
		if got := Bytes(tag); got != want {
			t.Errorf("Bytes(%#x) = %d, want %d", tag, got, want)
		}
	}
}
