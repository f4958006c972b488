package approval

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/mathmesh/mesh/sdk"
)

// Prompt is what the user is asked about: one operation with one key,
// requested through one key channel.
type Prompt struct {
	Plugin    string      // the plugin whose channel asks ("ssh")
	Operation string      // "sign", "decrypt" or "agree"
	Key       sdk.KeyInfo // the key (public part and comment only)
	// Peer is the client process as the plugin reported it.
	Peer sdk.Peer
	// Executable is the peer's executable as the agent resolved it from the
	// pid (ResolveExecutable); empty when it could not.
	Executable string
	// Context is the client context of the channel (session-bind).
	Context sdk.ClientContext
}

// Fingerprint returns the OpenSSH fingerprint ("SHA256:" and unpadded
// base64 of the SHA-256 of the wire form) of an SSH public key blob.
func Fingerprint(sshWire []byte) string {
	sum := sha256.Sum256(sshWire)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// KeyFingerprint is the fingerprint shown for the key: the OpenSSH form for
// SSH keys, else that of the SubjectPublicKeyInfo, else the Mesh UDF.
func (p Prompt) KeyFingerprint() string {
	switch {
	case len(p.Key.SSHPublic) > 0:
		return Fingerprint(p.Key.SSHPublic)
	case len(p.Key.SPKI) > 0:
		return "SPKI " + Fingerprint(p.Key.SPKI)
	case p.Key.Fingerprint != "":
		return show(p.Key.Fingerprint)
	}
	return "(none)"
}

// Text is the prompt given to the askpass program, in the manner of
// OpenSSH's ssh-agent ("Allow use of key …? Key fingerprint …."), followed
// by the requesting program and the destination. Every plugin-supplied
// string is quoted with control characters escaped and cut at
// MaxFieldBytes, so a comment cannot forge lines of the prompt.
func (p Prompt) Text() string {
	var b strings.Builder
	comment := "(no comment)"
	if p.Key.Comment != "" {
		comment = show(p.Key.Comment)
	}
	op := p.Operation
	if op == "" {
		op = "use"
	}
	fmt.Fprintf(&b, "Allow %s with key %s?\nKey fingerprint %s", op, comment, p.KeyFingerprint())
	if p.Key.Algorithm != "" {
		fmt.Fprintf(&b, " (%s)", show(p.Key.Algorithm))
	}
	b.WriteString(".\n")
	b.WriteString(p.requester())
	b.WriteString(p.destination())
	return b.String()
}

// requester names the client program: the agent's own resolution first,
// the plugin's report when the agent could not resolve it or disagrees.
func (p Prompt) requester() string {
	claimed := p.Peer.Executable
	var who string
	switch {
	case p.Executable != "" && (claimed == "" || claimed == p.Executable):
		who = show(p.Executable)
	case p.Executable != "":
		who = fmt.Sprintf("%s (the plugin reported %s)", show(p.Executable), show(claimed))
	case claimed != "":
		who = fmt.Sprintf("%s (as reported by the plugin)", show(claimed))
	default:
		who = "an unknown program"
	}
	if p.Peer.PID > 0 {
		who += fmt.Sprintf(", pid %d", p.Peer.PID)
	}
	return fmt.Sprintf("Requested by %s through plugin %s.\n", who, show(p.Plugin))
}

// destination describes the session-bind context of the channel.
func (p Prompt) destination() string {
	c := p.Context
	if len(c.SSHHostKey) == 0 {
		if c.Origin != "" {
			return fmt.Sprintf("Origin %s.\n", show(c.Origin))
		}
		return "Destination unknown: the connection is not bound to a host key.\n"
	}
	hop := "direct connection"
	if c.SSHForwarded {
		hop = "forwarded hop (through another host's agent forwarding)"
	}
	host := ""
	if c.SSHHost != "" {
		host = " " + show(c.SSHHost) + ","
	}
	return fmt.Sprintf("Destination%s host key %s, %s.\n", host, Fingerprint(c.SSHHostKey), hop)
}

// show quotes s for display: control and non-graphic characters escaped,
// cut at MaxFieldBytes with a visible mark.
func show(s string) string {
	cut := ""
	if len(s) > MaxFieldBytes {
		s = strings.ToValidUTF8(s[:MaxFieldBytes], "")
		cut = fmt.Sprintf("… (cut at %d bytes)", MaxFieldBytes)
	}
	return strconv.QuoteToGraphic(s) + cut
}
