// Command mesh-agent is the per-user Mesh daemon; see package agent.
package main

import (
	"os"

	"github.com/mathmesh/mesh/agent"
)

func main() { os.Exit(agent.Main(os.Args[1:], os.Stderr)) }
