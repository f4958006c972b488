package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"testing"

	"github.com/jackc/pgx/v5"
)

var ctx = context.Background()

// testURL returns the database the tests use: MESH_TEST_POSTGRES, which
// .ci/services.d/postgres.sh sets. Without it the tests fail under CI and
// are skipped elsewhere.
func testURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("MESH_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("MESH_TEST_POSTGRES is not set: CI must start PostgreSQL (.ci/services.d/postgres.sh) before the tests")
		}
		t.Skip("MESH_TEST_POSTGRES is not set: source .ci/services.d/postgres.sh to run the PostgreSQL store tests")
	}
	return u
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]`)

// testSchema returns a fresh schema name for this test and drops the
// schema when the test ends.
func testSchema(t testing.TB, label string) string {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	schema := "t" + hex.EncodeToString(b) + "_" + unsafeChars.ReplaceAllString(label, "_")
	if len(schema) > maxSchemaLength {
		schema = schema[:maxSchemaLength]
	}
	url := testURL(t)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// openTest opens a store on schema and closes it when the test ends.
func openTest(t testing.TB, schema string, opts *Options) *Store {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	opts.Schema = schema
	s, err := Open(ctx, testURL(t), opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", schema, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// admin returns a plain connection to the test database.
func admin(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, testURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) })
	return conn
}
