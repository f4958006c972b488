package sdk_test

import (
	"crypto/ed25519"
	"crypto/x509"
)

func x509PKCS8(k ed25519.PrivateKey) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k) }
