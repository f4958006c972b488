package jsonb

const hexDigits = "0123456789abcdef"
const hexUpper = "0123456789ABCDEF"

// appendQuoted appends s as a strict RFC 8259 string: '"' and '\' escaped,
// control characters as \b \f \n \r \t or \u00xx.
func appendQuoted(b []byte, s string) []byte { return appendEscaped(b, s, false) }

// appendRefQuoted appends s quoted as [REF] JSONWriter.WriteString does
// (jsonbcd.md §6.1): \" and \\; \b \f \n \r; other control characters as
// \uXXXX with upper-case hex (TAB included); everything else raw, '/' not
// escaped.
func appendRefQuoted(b []byte, s string) []byte { return appendEscaped(b, s, true) }

// appendEscaped is the common body of appendQuoted (ref false) and
// appendRefQuoted (ref true), which differ only in TAB and hex case.
func appendEscaped(b []byte, s string, ref bool) []byte {
	hex := hexDigits
	if ref {
		hex = hexUpper
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t' && !ref:
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
