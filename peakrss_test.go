package main

import (
	"testing"
)

// peakRSS is a finished process's peak resident memory (its peak working
// set on Windows), or why it could not be measured. Each platform measures
// it in its own peakrss_*_test.go, by runMeasuringPeakRSS.
type peakRSS struct {
	bytes int64
	// unknown, when not empty, says why bytes is not known.
	unknown string
}

// checkPeakRSS fails the test when a process that moved a large body held
// more than peakMemoryLimit, and skips (after the test's other checks)
// where the memory cannot be measured. Under the race detector, which
// multiplies memory use, the peak is logged only.
func checkPeakRSS(t *testing.T, what string, rss peakRSS) {
	t.Helper()
	if rss.unknown != "" {
		t.Skipf("%s: the transfer checks passed; the peak-memory check is skipped: %s", what, rss.unknown)
	}
	t.Logf("%s: peak RSS %.1f MiB", what, float64(rss.bytes)/(1<<20))
	if rss.bytes > peakMemoryLimit && !raceEnabled {
		t.Errorf("%s: peak RSS %d MiB, over %d MiB", what, rss.bytes>>20, peakMemoryLimit>>20)
	}
}
