package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// specTransport adapts one of gqlgen's HTTP transports to the GraphQL over
// HTTP spec where gqlgen departs from it (checked by the graphql-http audit,
// scripts/graphql-http-audit):
//
//   - A request error (the document does not parse or validate, variables do
//     not coerce, the operation is too complex or deep: anything that stops
//     execution before it starts) is answered without a "data" entry, since
//     execution never began; gqlgen writes "data": null.
//   - Answered as application/json, a well-formed request whose GraphQL
//     document fails is a 200, as the spec says a server SHOULD (clients of
//     the legacy media type read errors from the body); gqlgen answers 422.
//     As application/graphql-response+json it stays a 4xx.
//
// gqlgen's transports call WriteHeader only on those error paths (a
// successful execution is written without it), so that is what marks a
// request error.
type specTransport struct {
	graphql.Transport
}

func (t specTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	t.Transport.Do(&specWriter{ResponseWriter: w}, r, exec)
}

// specWriter rewrites gqlgen's answer to a request error; see specTransport.
type specWriter struct {
	http.ResponseWriter
	requestError bool
}

func (w *specWriter) WriteHeader(code int) {
	w.requestError = true
	if code == http.StatusUnprocessableEntity && isLegacyJSON(w.Header().Get("Content-Type")) {
		code = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write drops the "data" entry of a request error's body. gqlgen writes the
// whole body in one call.
func (w *specWriter) Write(p []byte) (int, error) {
	if !w.requestError {
		return w.ResponseWriter.Write(p)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(p, &body); err != nil || !bytes.Equal(bytes.TrimSpace(body["data"]), []byte("null")) {
		return w.ResponseWriter.Write(p)
	}
	delete(body, "data")
	out, err := json.Marshal(body)
	if err != nil {
		return w.ResponseWriter.Write(p)
	}
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *specWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func isLegacyJSON(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/json")
}

// requestErrorBody is the body of an error answered outside gqlgen: errors
// and no data, as for any request error.
type requestErrorBody struct {
	Errors gqlerror.List `json:"errors"`
}
