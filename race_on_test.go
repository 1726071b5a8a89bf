//go:build race

package main

// raceEnabled: the race detector multiplies memory use, so the peak-memory
// limits are logged, not enforced.
const raceEnabled = true
