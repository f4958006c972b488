package sshplugin

import (
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// selectKeys returns the keys a connection offers (plugins.md §3 item 2).
//
// A connection not bound to a host (ssh-add, ssh-keygen -Y sign) sees every
// live key. A connection bound with session-bind to host key H sees:
//
//  1. the keys meant for H, if we hold any: the client keys of the
//     known-host records that list H, and the keys whose host hints match
//     one of the names those records give H. Only these are offered, so a
//     server is tried with the right key first and never with more keys
//     than it allows (MaxAuthTries);
//  2. otherwise the general keys, those no known host names and without
//     host hints, so a key dedicated to one host is not shown to others;
//  3. otherwise, when every key is dedicated elsewhere, every live key, so
//     a new host can still be reached.
func selectKeys(s *snapshot, hostKey ssh.PublicKey, now time.Time) []*keyEntry {
	if hostKey == nil {
		return liveKeys(s.keys, now, nil)
	}
	var clients map[string]bool
	var names []string
	for _, kh := range s.hosts[string(hostKey.Marshal())] {
		names = append(names, kh.Names...)
		for _, ck := range kh.ClientKeys {
			if clients == nil {
				clients = map[string]bool{}
			}
			clients[string(ck.Marshal())] = true
		}
	}
	meant := liveKeys(s.keys, now, func(e *keyEntry) bool {
		return clients[e.blob] || matchesAny(e.HostHints, names)
	})
	if len(meant) > 0 {
		return meant
	}
	general := liveKeys(s.keys, now, func(e *keyEntry) bool { return !e.dedicated })
	if len(general) > 0 {
		return general
	}
	return liveKeys(s.keys, now, nil)
}

// liveKeys returns the keys of in that are live at now and accepted by keep
// (nil keeps all).
func liveKeys(in []*keyEntry, now time.Time, keep func(*keyEntry) bool) []*keyEntry {
	out := make([]*keyEntry, 0, len(in))
	for _, e := range in {
		if e.live(now) && (keep == nil || keep(e)) {
			out = append(out, e)
		}
	}
	return out
}

// matchesAny reports whether one of the names matches one of the patterns.
func matchesAny(patterns, names []string) bool {
	for _, p := range patterns {
		for _, n := range names {
			if matchHost(p, n) {
				return true
			}
		}
	}
	return false
}

// matchHost matches a host name against an ssh_config style pattern: '*'
// matches any run of characters, '?' exactly one, comparison ignores ASCII
// case (ssh_config(5) PATTERNS). Negated patterns are not host hints.
func matchHost(pattern, name string) bool {
	p, n := strings.ToLower(pattern), strings.ToLower(name)
	// Iterative wildcard match with one backtracking point for '*'.
	pi, ni, star, mark := 0, 0, -1, 0
	for ni < len(n) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == n[ni]):
			pi++
			ni++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ni
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ni = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
