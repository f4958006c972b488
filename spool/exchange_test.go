package spool

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/mathmesh/mesh/jsonb"
)

// Vectors and fuzz targets of the messages between accounts
// (exchange.go; schema.md §9.2).

type exchangeVectors struct {
	Valid   []struct{ ID, JSON string }        `json:"valid"`
	Invalid []struct{ ID, Check, JSON string } `json:"invalid"`
}

func loadExchangeVectors(t testing.TB) exchangeVectors {
	t.Helper()
	data, err := os.ReadFile("testdata/exchange.json")
	if err != nil {
		t.Fatal(err)
	}
	var v exchangeVectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// errExchangeTag marks a payload that is not a message between accounts.
var errExchangeTag = errors.New("not a message type between accounts")

// decodeExchange decodes a tagged payload of one of the exchange types,
// as Open does after decryption; check names the step that failed.
func decodeExchange(payload []byte) (msg Any, check string, err error) {
	tag, inner, err := jsonb.ReadTag(payload)
	if err != nil {
		return nil, "decode", err
	}
	msg, ok := newExchangeMessage(tag)
	if !ok {
		return nil, "tag", fmt.Errorf("%w: %q", errExchangeTag, tag)
	}
	if err := jsonb.UnmarshalLimits(inner, msg, jsonb.Limits{MaxBytes: MaxMessageSize}); err != nil {
		return nil, "decode", err
	}
	if err := validate(msg); err != nil {
		return nil, "validate", err
	}
	return msg, "", nil
}

func TestExchangeVectors(t *testing.T) {
	v := loadExchangeVectors(t)
	for _, c := range v.Valid {
		t.Run(c.ID, func(t *testing.T) {
			msg, check, err := decodeExchange([]byte(c.JSON))
			if err != nil {
				t.Fatalf("%s: %v", check, err)
			}
			out, err := jsonb.MarshalTagged(msg.Tag(), msg, jsonb.JSON)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != c.JSON {
				t.Errorf("re-encoded\n got %s\nwant %s", out, c.JSON)
			}
		})
	}
	for _, c := range v.Invalid {
		t.Run(c.ID, func(t *testing.T) {
			_, check, err := decodeExchange([]byte(c.JSON))
			if err == nil {
				t.Fatal("accepted")
			}
			if check != c.Check {
				t.Errorf("refused by %s (%v), want %s", check, err, c.Check)
			}
		})
	}
}

// FuzzExchangeMessage: decoding MessageContact, RequestConfirmation and
// ResponseConfirmation payloads never panics, and a decoded message
// re-encodes canonically: decode(encode(m)) encodes to the same bytes.
func FuzzExchangeMessage(f *testing.F) {
	v := loadExchangeVectors(f)
	for _, c := range v.Valid {
		f.Add([]byte(c.JSON))
	}
	for _, c := range v.Invalid {
		f.Add([]byte(c.JSON))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, _, err := decodeExchange(data)
		if err != nil {
			return
		}
		once, err := jsonb.MarshalTagged(msg.Tag(), msg, jsonb.JSON)
		if err != nil {
			t.Fatalf("decoded %s does not encode: %v", msg.Tag(), err)
		}
		again, _, err := decodeExchange(once)
		if err != nil {
			t.Fatalf("the encoding of a decoded %s does not decode: %v\n%s", msg.Tag(), err, once)
		}
		twice, err := jsonb.MarshalTagged(again.Tag(), again, jsonb.JSON)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("not canonical:\n%s\n%s", once, twice)
		}
	})
}

// FuzzOpenExchange: opening sealed exchange messages never panics, and an
// accepted envelope yields a message with its MessageId.
func FuzzOpenExchange(f *testing.F) {
	v := loadExchangeVectors(f)
	for _, c := range v.Valid {
		msg, _, err := decodeExchange([]byte(c.JSON))
		if err != nil {
			f.Fatal(err)
		}
		env, err := Seal(msg, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(env)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, _, err := Open(data, nil)
		if err == nil && msg.Base().MessageId == "" {
			t.Fatal("accepted a message without MessageId")
		}
	})
}
