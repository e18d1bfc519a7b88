package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of utime and stime in /proc/<pid>/stat; it is 100
// on every Linux architecture Go supports.
const clockTicks = 100

// procSample is what /proc says about a process at one instant.
type procSample struct {
	cpuS    float64 // utime+stime, seconds
	hwmMB   float64 // VmHWM: peak resident set
	rssMB   float64 // VmRSS: resident set now
	threads int     // OS threads (Threads:)
}

// readProc samples /proc/<pid>/stat and /proc/<pid>/status.
func readProc(pid int) (procSample, error) {
	var p procSample
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return p, fmt.Errorf("read stat of pid %d: %w", pid, err)
	}
	// The command name may hold spaces and parentheses; the fields start after the
	// last ')'. utime and stime are fields 14 and 15, so 12 and 13 after it.
	rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(rest) < 13 {
		return p, fmt.Errorf("read stat of pid %d: %d fields", pid, len(rest))
	}
	ut, _ := strconv.ParseFloat(rest[11], 64)
	st, _ := strconv.ParseFloat(rest[12], 64)
	p.cpuS = (ut + st) / clockTicks

	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return p, fmt.Errorf("read status of pid %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseFloat(f[0], 64)
		switch k {
		case "VmHWM":
			p.hwmMB = n / 1024 // kB
		case "VmRSS":
			p.rssMB = n / 1024
		case "Threads":
			p.threads = int(n)
		}
	}
	return p, nil
}
