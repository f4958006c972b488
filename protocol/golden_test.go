package protocol_test

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mathmesh/mesh/keys"
	"github.com/mathmesh/mesh/profile"
	"github.com/mathmesh/mesh/protocol"
	"github.com/mathmesh/mesh/udf"
)

// fixedService answers Hello with a service profile made from a fixed seed
// and records every other request without sending it anywhere.
type fixedService struct {
	profileEnv []byte
	auth       keys.Agreer
	udf        string
	req        *http.Request
	body       []byte
}

func newFixedService(t *testing.T) *fixedService {
	svc, err := profile.ServiceFromSeed(udf.Seed(udf.MeshProfileService, bytes.Repeat([]byte{0x5e}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	env, err := svc.SignedProfile("golden", &profile.SealOptions{Created: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := svc.Authentication()
	if err != nil {
		t.Fatal(err)
	}
	return &fixedService{profileEnv: env, auth: auth, udf: svc.UDF()}
}

func (f *fixedService) RoundTrip(r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	var out []byte
	if bytes.HasPrefix(body, []byte(`{"Hello"`)) {
		out, _ = protocol.EncodeResponse(protocol.TxHello, &protocol.MeshHelloResponse{
			MeshResponse: protocol.MeshResponse{Status: 201}, EnvelopedProfileService: f.profileEnv})
	} else {
		f.req, f.body = r, body
		out = protocol.EncodeError(protocol.StatusRefused, "recorded")
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(out)), Request: r}, nil
}

// TestGoldenRequest pins the exact bytes and headers of one authenticated
// Status request made with fixed keys, clock and nonce, and recomputes its
// MAC with a spec-shaped reference of docs/protocol.md §3.3. If it fails,
// change the code, not testdata/golden-status-request.txt.
func TestGoldenRequest(t *testing.T) {
	fs := newFixedService(t)
	acct, err := profile.AccountFromSeed(udf.Seed(udf.MeshProfileAccount, bytes.Repeat([]byte{0xac}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	ca, err := acct.CommonAuthentication()
	if err != nil {
		t.Fatal(err)
	}
	cred, err := protocol.NewAccountCredential(acct.UDF(), ca)
	if err != nil {
		t.Fatal(err)
	}
	c, err := protocol.NewClient("http://mesh.example.com", &protocol.ClientOptions{
		HTTPClient: &http.Client{Transport: fs},
		Rand:       bytes.NewReader(bytes.Repeat([]byte{0x4e}, 64)),
		Now:        func() time.Time { return time.Unix(1700000000, 0) },
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Status(context.Background(), cred, &protocol.StatusRequest{DeviceUDF: "MDEV-ICEU-DF00"})
	if err == nil {
		t.Fatal("the recording service answered success")
	}
	got := render(fs.req, fs.body)
	want, err := os.ReadFile("testdata/golden-status-request.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("request differs from testdata/golden-status-request.txt; got:\n%s", got)
	}
	// Reference recomputation of the MAC.
	z, err := ca.Agree(fs.auth.Public())
	if err != nil {
		t.Fatal(err)
	}
	if mac := referenceMAC(t, z, ca.Public().Fingerprint(), fs.udf, fs.req, fs.body); mac != fs.req.Header.Get(protocol.HeaderMAC) {
		t.Errorf("Mesh-Mac %s, reference %s", fs.req.Header.Get(protocol.HeaderMAC), mac)
	}
}

func render(r *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\nHost: %s\n", r.Method, r.URL.Path, r.URL.Host)
	var names []string
	for k := range r.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %s\n", k, r.Header.Get(k))
	}
	fmt.Fprintf(&b, "\n%s\n", body)
	return b.String()
}

func field(b []byte, f []byte) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(f))), f...)
}

// referenceMAC is docs/protocol.md §3.3 written out step by step.
func referenceMAC(t *testing.T, z []byte, keyID, serviceUDF string, r *http.Request, body []byte) string {
	info := field(field(nil, []byte(keyID)), []byte(serviceUDF))
	k, err := hkdf.Key(sha512.New, z, []byte("mmm-request"), string(info), 64)
	if err != nil {
		t.Fatal(err)
	}
	cred, _ := base64.RawURLEncoding.DecodeString(r.Header.Get(protocol.HeaderCredential))
	nonce, _ := base64.RawURLEncoding.DecodeString(r.Header.Get(protocol.HeaderNonce))
	ch, bh := sha512.Sum512(cred), sha512.Sum512(body)
	var m []byte
	for _, f := range [][]byte{[]byte("mmm-request-v1"), []byte(r.Method), []byte(r.URL.Path), []byte(r.URL.Host),
		[]byte(r.Header.Get(protocol.HeaderCredentialKind)), ch[:], []byte(r.Header.Get(protocol.HeaderAccount)),
		[]byte(r.Header.Get(protocol.HeaderDate)), nonce, bh[:]} {
		m = field(m, f)
	}
	h := hmac.New(sha512.New, k)
	h.Write(m)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}
