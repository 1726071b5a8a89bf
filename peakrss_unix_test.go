//go:build linux || darwin

package main

import (
	"os/exec"
	"runtime"
	"syscall"
)

// runMeasuringPeakRSS runs cmd to the end and reads its peak resident
// memory from getrusage's ru_maxrss: in KiB on Linux, in bytes on macOS.
func runMeasuringPeakRSS(cmd *exec.Cmd) (peakRSS, error) {
	err := cmd.Run()
	if cmd.ProcessState == nil {
		return peakRSS{unknown: "the process did not run"}, err
	}
	unit := int64(1024)
	if runtime.GOOS == "darwin" {
		unit = 1
	}
	return peakRSS{bytes: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * unit}, err
}
