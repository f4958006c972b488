package udf

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEARLVectors runs udf.md §11 group F and the negative URI vectors.
func TestEARLVectors(t *testing.T) {
	var v struct {
		EARL []struct {
			ID                string   `json:"id"`
			Domain            string   `json:"domain"`
			Key               string   `json:"key"`
			ContentID         string   `json:"content_id"`
			Locator           string   `json:"locator"`
			URI               string   `json:"uri"`
			WrongContentTypes []string `json:"wrong_content_types"`
		} `json:"earl"`
		Connect []struct {
			ID                   string `json:"id"`
			Seed                 string `json:"seed"`
			Account              string `json:"account"`
			Bits                 int    `json:"bits"`
			PinKey               string `json:"pin_key"`
			Pin                  string `json:"pin"`
			URI                  string `json:"uri"`
			PublicationID        string `json:"publication_id"`
			ServiceAuthenticator string `json:"service_authenticator"`
			Claimant             string `json:"claimant"`
			ServiceAuthenticate  string `json:"service_authenticate"`
			DeviceAuthenticate   string `json:"device_authenticate"`
		} `json:"connect"`
		BadURI []struct {
			ID    string `json:"id"`
			Kind  string `json:"kind"`
			Input string `json:"input"`
			Check string `json:"check"`
		} `json:"bad_uri"`
	}
	loadVectors(t, "earl.json", &v)
	for _, tc := range v.EARL {
		t.Run(tc.ID, func(t *testing.T) {
			id, err := EARLContentID(tc.Key)
			if err != nil {
				t.Fatal(err)
			}
			if id != tc.ContentID {
				t.Errorf("content id %q, want %q", id, tc.ContentID)
			}
			if lower, err := EARLContentID(strings.ToLower(tc.Key)); err != nil || lower != tc.ContentID {
				t.Errorf("lower-case key: %q, %v", lower, err)
			}
			if tc.Locator != "" {
				if got, err := EARLLocator(tc.Domain, tc.Key); err != nil || got != tc.Locator {
					t.Errorf("locator %q, %v; want %q", got, err, tc.Locator)
				}
			}
			uri, err := FormatEARL(tc.Domain, tc.Key)
			if err != nil || uri != tc.URI {
				t.Errorf("FormatEARL = %q, %v; want %q", uri, err, tc.URI)
			}
			d, k, err := ParseEARL(tc.URI)
			if err != nil || d != tc.Domain || k != tc.Key {
				t.Errorf("ParseEARL = %q %q %v", d, k, err)
			}
			for _, ct := range tc.WrongContentTypes { // F2n
				if ContentDigest([]byte(tc.Key), ct, SHA2_512, earlIDBits) == tc.ContentID {
					t.Errorf("content type %q also gives the content id", ct)
				}
			}
		})
	}
	for _, tc := range v.Connect {
		t.Run(tc.ID, func(t *testing.T) {
			pin, err := ConnectPin(tc.Seed, tc.Account, tc.Bits)
			if err != nil {
				t.Fatal(err)
			}
			if pin != tc.Pin {
				t.Errorf("pin %q, want %q", pin, tc.Pin)
			}
			if _, key, _ := Parse(pin); !cmp.Equal(key, mustHex(t, tc.PinKey)) {
				t.Errorf("pin key %X, want %s", key, tc.PinKey)
			}
			uri, err := FormatConnectURI(tc.Account, pin)
			if err != nil || uri != tc.URI {
				t.Errorf("FormatConnectURI = %q, %v; want %q", uri, err, tc.URI)
			}
			account, p, err := ParseConnectURI(tc.URI)
			if err != nil || account != tc.Account || p != tc.Pin {
				t.Errorf("ParseConnectURI = %q %q %v", account, p, err)
			}
			if got, err := PublicationID(pin); err != nil || got != tc.PublicationID {
				t.Errorf("PublicationID = %q, %v; want %q", got, err, tc.PublicationID)
			}
			sa, err := ServiceAuthenticator(pin)
			if err != nil || sa != tc.ServiceAuthenticator {
				t.Errorf("ServiceAuthenticator = %q, %v; want %q", sa, err, tc.ServiceAuthenticator)
			}
			service, device, err := ClaimAuthenticators(tc.Claimant, pin)
			if err != nil || service != tc.ServiceAuthenticate || device != tc.DeviceAuthenticate {
				t.Errorf("ClaimAuthenticators = %q %q %v; want %q %q", service, device, err, tc.ServiceAuthenticate, tc.DeviceAuthenticate)
			}
			if err := VerifyClaimService(tc.Claimant, sa, tc.ServiceAuthenticate); err != nil {
				t.Errorf("VerifyClaimService: %v", err)
			}
			if err := VerifyClaimService("mallet@example.com", sa, tc.ServiceAuthenticate); !errors.Is(err, ErrMismatch) {
				t.Errorf("VerifyClaimService with the wrong claimant: %v", err)
			}
		})
	}
	checks := map[string]string{
		"scheme": "does not start with", "path": "no", "domain": "domain", "type": "key has type",
		"invalid_char": "invalid character", "account": "account",
	}
	for _, tc := range v.BadURI {
		t.Run("bad/"+tc.ID, func(t *testing.T) {
			var err error
			switch tc.Kind {
			case "earl":
				_, _, err = ParseEARL(tc.Input)
			case "mcu":
				_, _, err = ParseConnectURI(tc.Input)
			default:
				t.Fatalf("unknown kind %q", tc.Kind)
			}
			want := checks[tc.Check]
			if want == "" {
				t.Fatalf("unknown check %q", tc.Check)
			}
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v, want one containing %q", err, want)
			}
		})
	}
}

func TestConnectErrors(t *testing.T) {
	seed := "ZAAQ-AHCC-PWZG-EQXO-M4QM-OYWT-HDPG-DQ3D-HMIG-ABHP-LED2-KPAG-LOTB-QMJ7"
	for _, tc := range []struct {
		name, seed, account string
		bits                int
		want                string
	}{
		{"bits", seed, "maker@example.com", 121, "multiple of 8"},
		{"not a seed", "EDRL-4MZP-3OUD-OZBS-SPZN-7OSO-OM", "maker@example.com", 120, "seed has type"},
		{"account", seed, "maker.example.com", 120, "has no '@'"},
	} {
		if _, err := ConnectPin(tc.seed, tc.account, tc.bits); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := PublicationID("ADKW-K2ZB-PPZM-ECG4-P3NQ-UN4K-XI"); err == nil {
		t.Error("PublicationID accepted a type-0 pin")
	}
	if _, err := FormatEARL("example.com", "NDZZ-KNXV-IWNN-ZPN3-CIZY-YJUF-XMBA"); err == nil {
		t.Error("FormatEARL accepted a nonce")
	}
	if _, err := FormatConnectURI("a/b@example.com", "EDRL-4MZP-3OUD-OZBS-SPZN-7OSO-OM"); err == nil {
		t.Error("FormatConnectURI accepted '/' in the account")
	}
	if _, _, err := ParseEARL("udf://" + strings.Repeat("a", MaxURILength)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over-long EARL: %v", err)
	}
}
