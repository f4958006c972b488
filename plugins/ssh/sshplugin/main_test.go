package sshplugin

import (
	"io"
	"log"
	"os"
	"testing"
)

// TestMain silences agent.ServeAgent, which logs every refused request
// with the standard logger; the tests check the refusals themselves.
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}
