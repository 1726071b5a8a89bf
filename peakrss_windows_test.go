package main

import (
	"fmt"
	"os/exec"
	"syscall"
	"unsafe"
)

// getProcessMemoryInfo is GetProcessMemoryInfo, which kernel32 exports as
// K32GetProcessMemoryInfo (golang.org/x/sys/windows has no wrapper for
// it). kernel32.dll is a known DLL, always loaded from the system
// directory.
var getProcessMemoryInfo = syscall.NewLazyDLL("kernel32.dll").NewProc("K32GetProcessMemoryInfo")

// processMemoryCounters is PROCESS_MEMORY_COUNTERS from psapi.h.
type processMemoryCounters struct {
	cb                         uint32
	pageFaultCount             uint32
	peakWorkingSetSize         uintptr
	workingSetSize             uintptr
	quotaPeakPagedPoolUsage    uintptr
	quotaPagedPoolUsage        uintptr
	quotaPeakNonPagedPoolUsage uintptr
	quotaNonPagedPoolUsage     uintptr
	pagefileUsage              uintptr
	peakPagefileUsage          uintptr
}

// runMeasuringPeakRSS runs cmd to the end and reads its peak working set
// (PeakWorkingSetSize, in bytes) from GetProcessMemoryInfo. A handle of
// our own, opened while the process runs, keeps its accounting readable
// after Wait has released os/exec's.
func runMeasuringPeakRSS(cmd *exec.Cmd) (peakRSS, error) {
	if err := cmd.Start(); err != nil {
		return peakRSS{unknown: "the process did not start"}, err
	}
	h, openErr := syscall.OpenProcess(syscall.PROCESS_QUERY_INFORMATION, false, uint32(cmd.Process.Pid))
	err := cmd.Wait()
	if openErr != nil {
		return peakRSS{unknown: fmt.Sprintf("OpenProcess: %v", openErr)}, err
	}
	defer syscall.CloseHandle(h)
	var counters processMemoryCounters
	counters.cb = uint32(unsafe.Sizeof(counters))
	if ok, _, callErr := getProcessMemoryInfo.Call(uintptr(h), uintptr(unsafe.Pointer(&counters)), uintptr(counters.cb)); ok == 0 {
		return peakRSS{unknown: fmt.Sprintf("GetProcessMemoryInfo: %v", callErr)}, err
	}
	return peakRSS{bytes: int64(counters.peakWorkingSetSize)}, err
}
