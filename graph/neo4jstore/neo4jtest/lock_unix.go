//go:build unix

package neo4jtest

import (
	"os"
	"syscall"
)

// lockExclusive blocks until it holds an exclusive lock on f; the kernel
// releases it when the process exits, however it exits.
func lockExclusive(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}
