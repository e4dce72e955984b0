package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// procMemory returns this process's resident set size and its peak
// (VmRSS, VmHWM in /proc/self/status), in bytes; zeros where /proc is not
// there.
func procMemory() (rss, hwm int64) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || key != "VmRSS" && key != "VmHWM" {
			continue
		}
		fields := strings.Fields(val) // "123456 kB"
		if len(fields) == 0 {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		if key == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm
}

// resetPeak resets this process's VmHWM to its current resident set size
// (Linux 4.0 on: "5" written to /proc/self/clear_refs) and reports whether
// it could.
func resetPeak() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}
