package protocol

import (
	"fmt"
	"net/http"

	"github.com/mathmesh/mesh/jsonb"
)

// errRedirect refuses redirects: a Mesh request is bound by its MAC to the
// endpoint's host and path, and a redirect would at best fail there and at
// worst send the request somewhere the client did not choose
// (docs/protocol.md §3.5). http.ErrUseLastResponse hands the 3xx answer
// back, where it is treated as any other answer.
func errRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// noRedirects returns hc, or a copy of it, that does not follow redirects.
func noRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = errRedirect
	return &c
}

// verifiedDecode checks the answer to a request and decodes it into resp
// (docs/protocol.md §3.5). For an unauthenticated request (key nil) there
// is nothing to check. For an authenticated one:
//   - an answer with a Mesh-Mac must verify, whatever its HTTP status, and
//     is then decoded (a failure gives an *Error);
//   - an answer without one is accepted only as a bare error response
//     (MeshResponse) whose Status is not 2xx and is in the class of the
//     HTTP status (a refusal of a credential the service could not verify
//     cannot be authenticated, and grants nothing): it gives an *Error and
//     is never decoded into resp;
//   - anything else is an error: a success object must be authenticated.
func verifiedDecode(tx, host string, key *RequestKey, nonce []byte, status int, body []byte, mac string, resp Response) error {
	if key == nil {
		return decodeHTTPResponse(tx, status, body, resp)
	}
	if mac != "" {
		m, err := b64.DecodeString(mac)
		if err != nil || !key.VerifyResponseMAC(nonce, status, body, m) {
			return fmt.Errorf("protocol: %s response from %s: response MAC does not verify: wrong service or altered response", tx, host)
		}
		return decodeHTTPResponse(tx, status, body, resp)
	}
	if status >= 200 && status <= 299 {
		return fmt.Errorf("protocol: %s response from %s is not authenticated (no Mesh-Mac header)", tx, host)
	}
	base, err := bareError(body)
	if err != nil {
		return fmt.Errorf("protocol: %s response from %s: HTTP %d answer without a Mesh-Mac header is not a Mesh error response: %w", tx, host, status, err)
	}
	if base.Status < 300 || base.Status > 599 || base.Status/100 != status/100 {
		return fmt.Errorf("protocol: %s response from %s: HTTP %d answer without a Mesh-Mac header carries status %d: not accepted unauthenticated", tx, host, status, base.Status)
	}
	return responseError(tx, base)
}

// bareError reads body as an error response (tag MeshResponse) and
// nothing else.
func bareError(body []byte) (*MeshResponse, error) {
	tag, inner, err := jsonb.ReadTag(body)
	if err != nil {
		return nil, err
	}
	if tag != ErrorResponseTag {
		return nil, fmt.Errorf("tag %q, want %q", tag, ErrorResponseTag)
	}
	var base MeshResponse
	if err := jsonb.Unmarshal(inner, &base); err != nil {
		return nil, err
	}
	return &base, nil
}
