// Command mesh-service is the Mathematical Mesh service:
//
//	mesh-service --listen ADDR --data DIR --domain DOMAIN... [--store postgres://...] [--tls-cert F --tls-key F] [--insecure-http]
//
// All behaviour lives in package service.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/mathmesh/mesh/service"
)

func main() {
	if err := service.Run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
