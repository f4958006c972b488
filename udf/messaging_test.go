package udf

import (
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMessagingVectors runs udf.md §11 groups G and J.
func TestMessagingVectors(t *testing.T) {
	var v struct {
		Envelope []struct {
			ID         string `json:"id"`
			MessageID  string `json:"message_id"`
			EnvelopeID string `json:"envelope_id"`
		} `json:"envelope"`
		Pin []struct {
			ID            string `json:"id"`
			Pin           string `json:"pin"`
			Action        string `json:"action"`
			Account       string `json:"account"`
			SaltedPin     string `json:"salted_pin"`
			PinID         string `json:"pin_id"`
			StalePinID    string `json:"stale_pin_id"`
			ClientNonce   string `json:"client_nonce"`
			PayloadDigest string `json:"payload_digest"`
			PinWitness    string `json:"pin_witness"`
		} `json:"pin"`
	}
	loadVectors(t, "messaging.json", &v)
	for _, tc := range v.Envelope {
		t.Run(tc.ID, func(t *testing.T) {
			got, err := EnvelopeID(tc.MessageID)
			if err != nil || got != tc.EnvelopeID {
				t.Errorf("EnvelopeID = %q, %v; want %q", got, err, tc.EnvelopeID)
			}
			r, err := ResponseID(tc.MessageID)
			if err != nil || r == got || !strings.HasPrefix(r, "M") {
				t.Errorf("ResponseID = %q, %v", r, err)
			}
		})
	}
	b64 := base64.RawURLEncoding
	for _, tc := range v.Pin {
		t.Run(tc.ID, func(t *testing.T) {
			salted, err := SaltPIN(tc.Pin, tc.Action)
			if err != nil || salted != tc.SaltedPin {
				t.Errorf("SaltPIN = %q, %v; want %q", salted, err, tc.SaltedPin)
			}
			id, err := PinID(tc.SaltedPin, tc.Account)
			if err != nil || id != tc.PinID {
				t.Errorf("PinID = %q, %v; want %q", id, err, tc.PinID)
			}
			if upper, _ := PinID(tc.SaltedPin, strings.ToUpper(tc.Account)); upper != tc.PinID {
				t.Errorf("PinID does not lower-case the account: %q", upper)
			}
			if strings.HasPrefix(id, tc.StalePinID) {
				t.Errorf("PinID matches the stale printed value %q", tc.StalePinID)
			}
			nonce, err1 := b64.DecodeString(tc.ClientNonce)
			digest, err2 := b64.DecodeString(tc.PayloadDigest)
			want, err3 := b64.DecodeString(tc.PinWitness)
			if err := errors.Join(err1, err2, err3); err != nil {
				t.Fatal(err)
			}
			w, err := PinWitness(tc.SaltedPin, tc.Account, nonce, digest)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, w); diff != "" {
				t.Errorf("PinWitness (-want +got):\n%s", diff)
			}
			if err := VerifyPinWitness(tc.SaltedPin, tc.Account, nonce, digest, want); err != nil {
				t.Errorf("VerifyPinWitness: %v", err)
			}
			want[0] ^= 1
			if err := VerifyPinWitness(tc.SaltedPin, tc.Account, nonce, digest, want); !errors.Is(err, ErrMismatch) {
				t.Errorf("VerifyPinWitness of a changed witness: %v", err)
			}
		})
	}
}

func TestMessagingErrors(t *testing.T) {
	if _, err := SaltPIN("ADKW-K2ZB-PPZM-ECG4-P3NQ-UN4K-XI", "device"); err == nil {
		t.Error("SaltPIN accepted the action \"device\"")
	}
	if _, err := PinWitness("EDRL-4MZP-3OUD-OZBS-SPZN-7OSO-OM", "a@b.c", nil, nil); err == nil {
		t.Error("PinWitness accepted a type-32 salted pin")
	}
	if _, err := EnvelopeID("NDZ4-LGXM-W7JI-6NRH-I2AS-UPUB-QUB1"); err == nil {
		t.Error("EnvelopeID accepted a bad message id")
	}
}

// TestConnectionWitness cross-checks ConnectionWitness with a spec-shaped
// reference of udf.md §10 (no printed inputs exist for this value).
func TestConnectionWitness(t *testing.T) {
	account := DigestBinary(make([]byte, 64), ContentTypePKIXKey, SHA2_512)
	device := DigestBinary([]byte("device"), ContentTypePKIXKey, SHA2_512)
	sn, cn := []byte("server nonce 16b"), []byte("client nonce 16b")
	got, err := ConnectionWitness(account, sn, device, cn)
	if err != nil {
		t.Fatal(err)
	}
	a := sha512.Sum512(append(append([]byte{}, account...), sn...))
	d := sha512.Sum512(append(append([]byte{}, device...), cn...))
	w := sha512.Sum512(append(a[:], d[:]...))
	if want := Present(w[:], 140); got != want {
		t.Errorf("ConnectionWitness = %q, want %q", got, want)
	}
	if swapped, _ := ConnectionWitness(device, sn, account, cn); swapped == got {
		t.Error("witness does not depend on the order of the profiles")
	}
	if _, err := ConnectionWitness(account[:32], sn, device, cn); err == nil {
		t.Error("short fingerprint accepted")
	}
}
