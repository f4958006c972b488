package protocol_test

import (
	"bytes"
	"testing"

	"github.com/mathmesh/mesh/protocol"
)

// FuzzDecodeRequest: request bodies never panic the decoder, and a decoded
// Transact re-encodes to the same bytes when the input was canonical.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{`{"Hello":{}}`, `{"Status":{"DeviceUDF":"MDEV"}}`,
		`{"Transact":{"Updates":[{"Container":"MMM_Contact","Index":2,"Digest":"AAAA","Envelopes":[["x"]]}]}}`,
		`{"Download":{"Select":[{"Container":"MMM_Inbound","IndexMin":3}]}}`, `{"Nope":{}}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tx, inner, err := protocol.DecodeRequestTag(body)
		if err != nil || tx != protocol.TxTransact {
			return
		}
		var req protocol.TransactRequest
		if err := unmarshal(inner, &req); err != nil {
			return
		}
		out, err := protocol.EncodeRequest(tx, &req)
		if err != nil {
			t.Fatalf("decoded request does not encode: %v", err)
		}
		again, err := protocol.EncodeRequest(tx, mustDecodeTransact(t, out))
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, again)
		}
	})
}

// FuzzDecodeResponse: response bodies never panic DecodeResponse.
func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"StatusResponse":{"Status":201,"ContainerStatus":[{"Container":"MMM_Inbound","Index":1}]}}`))
	f.Add(protocol.EncodeError(protocol.StatusNotFound, "x"))
	f.Add([]byte(`{"StatusResponse":{"Status":500}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp protocol.StatusResponse
		_ = protocol.DecodeResponse(protocol.TxStatus, body, &resp)
	})
}
