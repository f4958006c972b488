package client

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseServices(t *testing.T) {
	good := map[string]map[string]string{
		"":                                nil,
		"   ":                             nil,
		"example.com=http://127.0.0.1:1/": {"example.com": "http://127.0.0.1:1/.well-known/mmm/"},
		" Example.COM=https://mmm.example.com , example.net=http://[::1]:8/x": {
			"example.com": "https://mmm.example.com/.well-known/mmm/", "example.net": "http://[::1]:8/x/"},
	}
	for in, want := range good {
		got, err := ParseServices(in)
		if err != nil {
			t.Errorf("ParseServices(%q): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParseServices(%q) (-want +got):\n%s", in, diff)
		}
	}
	bad := map[string]string{
		"example.com":                                   "entry 1 \"example.com\": want DOMAIN=URL",
		"example.com=":                                  "want DOMAIN=URL",
		"=http://127.0.0.1/":                            "want DOMAIN=URL",
		"a.com=http://127.0.0.1/,,":                     "entry 2",
		"exa mple.com=http://127.0.0.1/":                "invalid character ' '",
		"example..com=http://127.0.0.1/":                "empty label",
		"example.com=ftp://h/":                          "entry 1 (example.com): client: service URL \"ftp://h/\": the scheme must be http or https",
		"example.com=https://h/,EXAMPLE.com=https://i/": "entry 2: domain example.com appears twice",
		strings.Repeat("a.com=https://h/,", MaxServiceOverrides) + "b.com=https://h/": "entries, more than",
		strings.Repeat("x", MaxServicesLength+1):                                      "more than",
	}
	for in, want := range bad {
		_, err := ParseServices(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseServices(%.40q): got %v, want an error containing %q", in, err, want)
		}
	}
}

// TestDomainOverrideFirst: an entry of $MESH_SERVICES for the address's
// domain comes before --service and the account record; other domains
// are unaffected.
func TestDomainOverrideFirst(t *testing.T) {
	c := &Client{cfg: Config{Service: "https://other.example/", Services: map[string]string{"example.net": "http://127.0.0.1:9/"}}}
	eps, err := c.domainEndpoint("Bob@Example.NET")
	if err != nil || len(eps) != 1 || eps[0].URL != "http://127.0.0.1:9/.well-known/mmm/" || eps[0].Source != "MESH_SERVICES example.net" {
		t.Fatalf("got %+v, %v", eps, err)
	}
	if eps, err := c.domainEndpoint("alice@example.com"); err != nil || eps != nil {
		t.Fatalf("another domain: got %+v, %v, want no override", eps, err)
	}
}
