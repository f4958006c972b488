package pluginhost

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/mathmesh/mesh/sdk"
)

func TestExampleRegistry(t *testing.T) {
	reg, err := LoadRegistry("../../configs/plugins.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Plugins) != 4 || reg.Plugins[0].Name != "ssh" || !reg.Plugins[0].Enabled || reg.Plugins[1].Enabled {
		t.Fatalf("plugins %+v", reg.Plugins)
	}
	if reg.Plugins[2].Timeouts.Provision != 300*time.Second || reg.Plugins[0].Timeouts.Provision != 120*time.Second {
		t.Fatalf("timeouts not applied: %+v", reg.Plugins[2].Timeouts)
	}
	js, err := ConfigJSON(reg.Plugins[1].Config, []sdk.ConfigAttribute{
		{Name: "gnupg_home", Type: sdk.AttributeString, Required: true}, {Name: "scd_bridge", Type: sdk.AttributeString},
		{Name: "import_contacts", Type: sdk.AttributeBool}})
	if err != nil || string(js) != `{"gnupg_home":"~/.gnupg","scd_bridge":"/usr/libexec/mesh/mesh-scd"}` {
		t.Fatalf("config JSON %s, %v", js, err)
	}
	js, err = ConfigJSON(reg.Plugins[2].Config, []sdk.ConfigAttribute{{Name: "thunderbird_profiles", Type: sdk.AttributeAny}})
	if err != nil || string(js) != `{"thunderbird_profiles":"auto"}` {
		t.Fatalf("config JSON %s, %v", js, err)
	}
}

func TestRegistryErrors(t *testing.T) {
	const pin = `"` + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + `"`
	cases := []struct{ name, src, want string }{
		{"unknown attribute", "plugin \"a\" {\n command = \"/a\"\n sha256 = " + pin + "\n comand = 1\n}", "plugins.hcl:4,2-8: Unsupported argument"},
		{"relative command", "plugin \"a\" {\n command = \"a\"\n sha256 = " + pin + "\n}", "not an absolute path"},
		{"bad sha", "plugin \"a\" {\n command = \"/a\"\n sha256 = \"abc\"\n}", "sha256 must be 64 hex digits"},
		{"bad duration", "defaults {\n restart {\n window = \"soon\"\n }\n}", `restart.window: "soon" is not a positive duration`},
		{"version", "defaults {\n versions = [2]\n}", "contract major 2 is not supported"},
		{"duplicate", strings.Repeat("plugin \"a\" {\n command = \"/a\"\n sha256 = "+pin+"\n}\n", 2), `plugin "a" defined twice`},
		{"syntax", `plugin "a" {`, "plugins.hcl:1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRegistry("plugins.hcl", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestConfigAgainstSchema(t *testing.T) {
	f, diags := hclparse.NewParser().ParseHCL([]byte("mode = \"x\"\nextra = 1\n"), "c.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	_, err := ConfigJSON(f.Body, []sdk.ConfigAttribute{{Name: "mode", Type: sdk.AttributeString}})
	if err == nil || !strings.Contains(err.Error(), "c.hcl:2,1-6") {
		t.Fatalf("unknown attribute: %v", err)
	}
	f, _ = hclparse.NewParser().ParseHCL([]byte("\n"), "d.hcl")
	if _, err := ConfigJSON(f.Body, []sdk.ConfigAttribute{{Name: "mode", Type: sdk.AttributeString, Required: true}}); err == nil {
		t.Fatal("missing required attribute accepted")
	}
}

func FuzzParseRegistry(f *testing.F) {
	f.Add([]byte("plugin \"a\" {\n command = \"/a\"\n sha256 = \"00\"\n}"))
	f.Add([]byte("defaults {\n restart {\n window = \"1s\"\n }\n}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		reg, err := ParseRegistry("f.hcl", src)
		if err == nil && reg == nil {
			t.Fatal("nil registry without error")
		}
	})
}
