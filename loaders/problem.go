package loaders

import (
	"fmt"
	"strings"
)

// Pos is where a fact was read: file and 1-based line (0 if unknown).
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Problem is one thing wrong (or, with Warning, worth a look) in the input.
// In JSON it is {"file", "line", "column", "message"} (and "warning": true
// for a warning).
type Problem struct {
	Pos
	Column  string `json:"column"` // the column or field, "" if the problem is the whole row/file
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"` // warnings are reported but do not stop a load
}

// String formats the problem as "file:line: column: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	b.WriteString(": ")
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Column != "" {
		b.WriteString(p.Column)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is a list of problems; as an error it prints one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
