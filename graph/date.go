package graph

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar date encoded as yyyymmdd (2025-01-15 is 20250115), so
// that dates compare with < and > and read well in a debugger. The zero Date
// means "not set" (an open validity bound, an unknown date).
type Date int32

// ParseDate parses an ISO 8601 calendar date (YYYY-MM-DD). The empty string
// gives the zero Date. Impossible dates such as 2023-02-30 are rejected.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("bad date %q: %s", s, whyNotDate(s))
	}
	if t.Year() < 1900 || t.Year() > 2100 {
		return 0, fmt.Errorf("bad date %q: year out of range 1900-2100", s)
	}
	return DateOf(t), nil
}

// whyNotDate says what is wrong with s, which time.Parse rejected: a
// well-formed YYYY-MM-DD can still name a month or a day that does not
// exist, and saying so spares the reader from re-checking the format.
func whyNotDate(s string) string {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return "want YYYY-MM-DD"
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:])
	if m < 1 || m > 12 {
		return fmt.Sprintf("there is no month %02d (months run 01 to 12)", m)
	}
	// Day 0 of the next month is the last day of this one.
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC)
	if d < 1 || d > last.Day() {
		return fmt.Sprintf("the day does not exist (%s %d has %d days)", last.Month(), y, last.Day())
	}
	return "want YYYY-MM-DD"
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// MustDate is ParseDate for constants in tests and examples; it panics on error.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in its own location.
func DateOf(t time.Time) Date {
	return Date(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// Today returns the current UTC date.
func Today() Date { return DateOf(time.Now().UTC()) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == 0 }

// Year returns the year of d.
func (d Date) Year() int { return int(d) / 10000 }

// Time returns d as midnight UTC.
func (d Date) Time() time.Time {
	return time.Date(int(d)/10000, time.Month(int(d)/100%100), int(d)%100, 0, 0, 0, 0, time.UTC)
}

// String formats d as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", int(d)/10000, int(d)/100%100, int(d)%100)
}

// Within reports whether day falls inside the validity interval
// [from, to]: from inclusive, to exclusive (to is the first day the fact no
// longer holds). Zero bounds are open.
func Within(day, from, to Date) bool {
	if from != 0 && day < from {
		return false
	}
	if to != 0 && day >= to {
		return false
	}
	return true
}
