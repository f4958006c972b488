// Package localapi is mesh-agent's local API: HTTP over a Unix socket that
// only the user can reach (design: ../shared/spec/plugins.md section 1 for
// socket hygiene; ../shared/STYLE.md, "Daemon and CLI wiring", for the
// browser defences taken from tailscale's localapi).
//
// Defences, each tested:
//   - the socket lives in a private directory (0700) and has mode 0600; a
//     stale socket left by a dead agent is removed at start, a live one is
//     refused ("agent already running");
//   - every accepted connection is checked with SO_PEERCRED: another uid is
//     closed before a byte is read;
//   - a request that carries Origin, Referer or Sec-Fetch-Site, or a Host
//     other than [Host], is refused (a browser or DNS-rebinding attack);
//   - request bodies and headers have size limits (limits.go), and every
//     response carries a deny-all Content-Security-Policy.
package localapi
