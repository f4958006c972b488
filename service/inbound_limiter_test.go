package service

import (
	"fmt"
	"testing"
	"time"
)

// TestContactLimiter: contact requests from strangers are limited per
// (recipient, sender) and per (recipient, sender domain) in fixed windows
// (docs/messaging.md §4 rule 5; limits.go).
func TestContactLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	t.Run("per sender", func(t *testing.T) {
		l := newContactLimiter()
		for i := range maxContactsPerSender {
			if !l.allow("alice", "bob@example.net", t0.Add(time.Duration(i)*time.Second)) {
				t.Fatalf("request %d refused, want the first %d allowed", i+1, maxContactsPerSender)
			}
		}
		if l.allow("alice", "bob@example.net", t0.Add(time.Minute)) {
			t.Fatalf("request %d allowed, want refused", maxContactsPerSender+1)
		}
		// Case and surrounding space do not make another sender.
		if l.allow("alice", " BOB@Example.NET", t0.Add(time.Minute)) {
			t.Error("a case variant of the sender was counted apart")
		}
		// Another sender of the domain and another recipient are separate.
		if !l.allow("alice", "carol@example.net", t0.Add(time.Minute)) {
			t.Error("another sender of the same domain was refused")
		}
		if !l.allow("mallet", "bob@example.net", t0.Add(time.Minute)) {
			t.Error("the same sender to another recipient was refused")
		}
	})
	t.Run("per domain", func(t *testing.T) {
		l := newContactLimiter()
		for i := range maxContactsPerDomain {
			if !l.allow("alice", fmt.Sprintf("user%d@example.net", i), t0) {
				t.Fatalf("sender %d of the domain refused, want %d allowed", i+1, maxContactsPerDomain)
			}
		}
		if l.allow("alice", "fresh@example.net", t0) {
			t.Fatalf("sender %d of the domain allowed, want refused", maxContactsPerDomain+1)
		}
		if l.allow("alice", "fresh@EXAMPLE.net", t0) {
			t.Error("a case variant of the domain was counted apart")
		}
		if !l.allow("alice", "fresh@example.org", t0) {
			t.Error("a sender of another domain was refused")
		}
		if !l.allow("bob", "fresh@example.net", t0) {
			t.Error("the domain's sender to another recipient was refused")
		}
	})
	t.Run("window expiry", func(t *testing.T) {
		l := newContactLimiter()
		for range maxContactsPerSender {
			l.allow("alice", "bob@example.net", t0)
		}
		if l.allow("alice", "bob@example.net", t0.Add(contactWindow-time.Second)) {
			t.Fatal("allowed again before the window ended")
		}
		if !l.allow("alice", "bob@example.net", t0.Add(contactWindow)) {
			t.Fatal("still refused once the window ended")
		}
		// The new window counts from its first request.
		for i := 1; i < maxContactsPerSender; i++ {
			if !l.allow("alice", "bob@example.net", t0.Add(contactWindow)) {
				t.Fatalf("request %d of the new window refused", i+1)
			}
		}
		if l.allow("alice", "bob@example.net", t0.Add(contactWindow+time.Minute)) {
			t.Error("request over the limit of the new window allowed")
		}
	})
}

// BenchmarkContactLimiter measures one admission check.
func BenchmarkContactLimiter(b *testing.B) {
	l := newContactLimiter()
	now := time.Now()
	for i := range b.N {
		l.allow("alice", fmt.Sprintf("u%d@d%d.example", i%1000, i%97), now)
	}
}
