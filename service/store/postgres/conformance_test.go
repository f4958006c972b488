package postgres

import (
	"testing"

	"github.com/mathmesh/mesh/service/store"
	"github.com/mathmesh/mesh/service/store/storetest"
)

// TestConformance runs the store conformance suite against real
// PostgreSQL: each store name of the suite is a schema of its own.
func TestConformance(t *testing.T) {
	url := testURL(t)
	schemas := make(map[string]string)
	storetest.Run(t, func(t *testing.T, name string) store.Store {
		schema, ok := schemas[name]
		if !ok {
			schema = testSchema(t, name)
			schemas[name] = schema
		}
		s, err := Open(ctx, url, &Options{Schema: schema})
		if err != nil {
			t.Fatalf("Open(%s): %v", schema, err)
		}
		return s
	})
}
