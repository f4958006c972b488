package pluginhost

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/mathmesh/mesh/sdk"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// ConfigJSON decodes a plugin's config block against the schema from its
// Describe (Nomad's ConfigSchema idea, ecosystem.md section 1.9) and returns
// it as JSON for Configure. Unknown attributes, missing required ones and
// wrong types are errors with the file position. A nil body is an empty block.
func ConfigJSON(body hcl.Body, schema []sdk.ConfigAttribute) ([]byte, error) {
	spec := hcldec.ObjectSpec{}
	for _, a := range schema {
		t, err := ctyType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("pluginhost: config attribute %q: %w", a.Name, err)
		}
		spec[a.Name] = &hcldec.AttrSpec{Name: a.Name, Type: t, Required: a.Required}
	}
	if body == nil {
		body = hcl.EmptyBody()
	}
	val, diags := hcldec.Decode(body, spec, nil)
	if diags.HasErrors() {
		return nil, fmt.Errorf("pluginhost: config: %s", diags.Error())
	}
	// Drop unset optional attributes (null) so the plugin sees only what was written.
	m := map[string]cty.Value{}
	for k, v := range val.AsValueMap() {
		if !v.IsNull() {
			m[k] = v
		}
	}
	obj := cty.ObjectVal(m)
	out, err := ctyjson.Marshal(obj, obj.Type())
	if err != nil {
		return nil, fmt.Errorf("pluginhost: config: %w", err)
	}
	if len(out) > sdk.MaxConfigJSONBytes {
		return nil, fmt.Errorf("pluginhost: config is %d bytes as JSON, limit %d", len(out), sdk.MaxConfigJSONBytes)
	}
	return out, nil
}

func ctyType(t sdk.AttributeType) (cty.Type, error) {
	switch t {
	case sdk.AttributeString:
		return cty.String, nil
	case sdk.AttributeNumber:
		return cty.Number, nil
	case sdk.AttributeBool:
		return cty.Bool, nil
	case sdk.AttributeStringList:
		return cty.List(cty.String), nil
	case sdk.AttributeAny:
		return cty.DynamicPseudoType, nil
	}
	return cty.NilType, fmt.Errorf("unknown attribute type %v", t)
}
