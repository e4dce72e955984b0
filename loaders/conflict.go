package loaders

// ReportConflictMarkers reports each merge-conflict marker line (<<<<<<<,
// =======, >>>>>>>) in raw as a problem of file, the way ReadCSV does for
// CSV files, and says whether there was any. Loaders of other formats (the
// screening list's JSON) call it before parsing: neither side of a conflict
// can be trusted.
func ReportConflictMarkers(raw []byte, file string, report func(Problem)) bool {
	markers := conflictMarkers(raw)
	for _, m := range markers {
		report(Problem{Pos: Pos{File: file, Line: m.line}, Message: "merge-conflict marker \"" + m.marker + "\": resolve the conflict (file not read)"})
	}
	return len(markers) > 0
}
