//go:build race

package client

// raceEnabled is set under the race detector, which makes the 10,000-entry
// fixture too slow for CI; the tests then use a smaller catalog.
const raceEnabled = true
