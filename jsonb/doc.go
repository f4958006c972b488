// Package jsonb reads and writes JSON and JSON-B, the encodings used by every
// Mathematical Mesh format.
//
// The wire rules come from the project notes in jsonbcd.md (which follow the
// reference implementation, [REF]) and from draft-hallambaker-jsonbcd-21
// ([B21]) for the grammar:
//
//   - JSON-B keeps the JSON structure bytes ({ } [ ] , :) and adds binary
//     tokens that start with a byte >= 0x80 (jsonbcd.md §3, [B21] §4).
//   - The reader accepts JSON, JSON-B and any mix of the two, optional
//     separators, member names as B4–B7 tag strings, text strings followed by
//     ':' or 80–83 strings with or without ':' (jsonbcd.md §4.2).
//   - It tolerates the reference JSON text layout: a raw LF plus indentation
//     inside a string literal is base64 wrapping and is removed, and base64 in
//     text strings may use either alphabet, with or without '=' padding
//     (jsonbcd.md §6.2).
//   - JSON-C and JSON-D codes are rejected, except binary64 floats (0x92) and
//     string chunks (0x84–0x87) (jsonbcd.md §9, §10, §12 J-1).
//   - Writers: strict compact JSON ([JSON]), JSON-B exactly as the reference
//     writes it ([JSONB], jsonbcd.md §7) and the reference JSON text layout
//     ([JSONRef], jsonbcd.md §6.1), the last only to rebuild reference bytes.
//
// Go values map to members by reflection, in the style of encoding/json: the
// member name is the `json:"Name"` tag name or the Go field name, embedded
// structs are flattened, []byte and [N]byte are binary, time.Time is a
// DateTime string with one-second resolution (jsonbcd.md §4.3, §6.1).
//
// Every input is bounded by [Limits]; declared lengths are checked against
// the remaining input and the limits before anything is allocated.
package jsonb
