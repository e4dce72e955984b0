package graph

import (
	"errors"
	"fmt"
)

// ErrorKind classifies an Error so that callers (and, at the edge, the API)
// can decide what to do without parsing messages.
type ErrorKind int

const (
	Other       ErrorKind = iota // unclassified
	Invalid                      // bad input: malformed ID, date, argument or data row
	NotFound                     // a referenced item does not exist
	Conflict                     // a uniqueness or consistency rule was violated
	Unavailable                  // a backend (Neo4j) cannot be reached; retrying may help
	Internal                     // a bug or an unexpected state
)

func (k ErrorKind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not found"
	case Conflict:
		return "conflict"
	case Unavailable:
		return "unavailable"
	case Internal:
		return "internal"
	}
	return "other"
}

// Error is chipgraph's error type. Op names the operation that failed
// ("memstore.Write", "analysis.Feasibility"); Err is the underlying cause.
type Error struct {
	Kind ErrorKind
	Op   string
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Op != "" && e.Err != nil:
		return e.Op + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	case e.Op != "":
		return e.Op + ": " + e.Kind.String()
	}
	return e.Kind.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error of the given kind with a formatted message.
func Errorf(kind ErrorKind, op, format string, args ...any) error {
	return &Error{Kind: kind, Op: op, Err: fmt.Errorf(format, args...)}
}

// KindOf returns the kind of the outermost *Error in err's chain that has a
// kind other than Other, or Other if there is none.
func KindOf(err error) ErrorKind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}
