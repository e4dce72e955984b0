//go:build unix

package neo4jtest

import (
	"os"
	"syscall"
)

// lockExclusive takes an exclusive lock on f, calling wait first if another
// process holds it; the kernel releases it when the process exits, however
// it exits.
func lockExclusive(f *os.File, wait func()) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err != syscall.EWOULDBLOCK {
		return err
	}
	wait()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}
