package protocol_test

import (
	"testing"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

func unmarshal(b []byte, v any) error { return jsonb.Unmarshal(b, v) }

func mustDecodeTransact(t *testing.T, body []byte) *protocol.TransactRequest {
	t.Helper()
	_, inner, err := protocol.DecodeRequestTag(body)
	if err != nil {
		t.Fatal(err)
	}
	var req protocol.TransactRequest
	if err := jsonb.Unmarshal(inner, &req); err != nil {
		t.Fatalf("re-decoding %s: %v", body, err)
	}
	return &req
}
