package service_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mathmesh/mesh/service/servicetest"
)

// TestNoParserTextInRefusals: finding 9 of the security review
// (/tmp/review/leak_test.go). Refusals of malformed input name the field,
// not the parser's message (STYLE.md rule 9): the cause goes to the log.
func TestNoParserTextInRefusals(t *testing.T) {
	srv := servicetest.Start(t, nil)
	for _, tc := range []struct{ body, want string }{
		{`{"Hello":{"ID":"not a number"}}`, "malformed Hello request"},
		{`{"Claim":{"EnvelopedMessageClaim":[{"enc":"A"},"AAAA",{}]}}`, "EnvelopedMessageClaim"},
		{`{"Claim":{"EnvelopedMessageClaim":[{},"",{"Witness":"AAAA"}]}}`, "EnvelopedMessageClaim"},
		{`{"Claim":{"EnvelopedMessageClaim":[{"ContentMetaData":"e30"},"e30"]}}`, "EnvelopedMessageClaim"},
		{`{"Nope":{}}`, "malformed request body"},
		{`{"Hello":{"ID":1}} trailing`, "malformed request body"},
	} {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		text := string(b)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", tc.body, resp.StatusCode)
		}
		if !strings.Contains(text, tc.want) {
			t.Errorf("%s: answer %s does not say %q", tc.body, text, tc.want)
		}
		for _, leak := range []string{"jsonb:", "dare:", "profile:", "spool:", "protocol:", "offset"} {
			if strings.Contains(text, leak) {
				t.Errorf("%s: answer %s contains parser text %q", tc.body, text, leak)
			}
		}
	}
}
