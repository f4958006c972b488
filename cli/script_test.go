package cli

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain registers this test binary as the meshman command, so the txtar
// scripts in testdata/script run the real command tree in a child process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"meshman": func() { os.Exit(Main()) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: false,
		Cmds:                serviceScriptCmds(t),
		Setup: func(env *testscript.Env) error {
			env.Setenv("MESH_HOME", env.WorkDir+"/.mesh")
			return nil
		},
	})
}
