package jsonb

import (
	"fmt"
	"math"
)

// TokenKind says what a Token is.
type TokenKind int

// Token kinds. Member names are resolved by the parser: B4–B7 names, and
// any string in member-name position (followed by ':' for text strings),
// come back as Name (jsonbcd.md §4.2, §7).
const (
	BeginObj TokenKind = iota + 1
	EndObj
	BeginArr
	EndArr
	Name   // member name, in Str
	String // text string or 80–87 string, in Str
	Binary // 88–8F binary value; its bytes are read with BinaryReader or ReadBinary
	Int    // A0–AB integer, in Neg and Mag
	Number // JSON text number, its text in Str
	Float  // 0x92 binary64, in Float
	True
	False
	Null
)

var kindNames = [...]string{
	BeginObj: "'{'", EndObj: "'}'", BeginArr: "'['", EndArr: "']'",
	Name: "member name", String: "string", Binary: "binary", Int: "integer",
	Number: "number", Float: "binary64 float", True: "true", False: "false", Null: "null",
}

func (k TokenKind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", int(k))
}

// Token is one lexical item of a JSON or JSON-B document.
type Token struct {
	Kind   TokenKind
	Offset int64 // offset of the token's first byte in the input

	Str   string  // Name, String, Number
	Neg   bool    // Int: the value is -Mag
	Mag   uint64  // Int: magnitude
	Float float64 // Float

	// Binary: Len is the length of the first piece and Chunked is true when
	// more pieces follow (a data-chunk, 8C–8F).
	Len     int64
	Chunked bool
}

// Int64 returns the value of an Int token, or an error when it does not fit.
func (t Token) Int64() (int64, error) {
	if t.Kind != Int {
		return 0, syntaxErr(t.Offset, "expected integer, found %v", t.Kind)
	}
	if t.Neg {
		if t.Mag > 1<<63 {
			return 0, syntaxErr(t.Offset, "integer -%d out of range for int64", t.Mag)
		}
		return int64(-t.Mag), nil
	}
	if t.Mag > math.MaxInt64 {
		return 0, syntaxErr(t.Offset, "integer %d out of range for int64", t.Mag)
	}
	return int64(t.Mag), nil
}

// intText formats an Int token's value for messages.
func (t Token) intText() string {
	if t.Neg {
		return fmt.Sprintf("-%d", t.Mag)
	}
	return fmt.Sprintf("%d", t.Mag)
}
