// Command meshman is the Mathematical Mesh command line. All behaviour lives
// in package cli.
package main

import (
	"os"

	"github.com/mathmesh/mesh/cli"
)

func main() {
	os.Exit(cli.Main())
}
