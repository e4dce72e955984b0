package api

import (
	"net/http"
	"net/url"
)

// exampleQuery is what the playground opens with.
const exampleQuery = `# chipgraph: the semiconductor supply chain as a knowledge graph.
# Run with the ▶ button (or Ctrl-Enter); Ctrl-Space completes field names;
# the Docs pane describes every type, field and number.
query Example {
  node(id: "firm:huawei") {
    id
    name
    ... on Firm {
      roles
      country { id name }
      subsidiaries { id name }
      products { id name type }
      controls { id name date kind }
    }
  }
  search(text: "lithography", first: 5) {
    __typename
    id
    name
  }
  controlEvents(where: { target: "firm:huawei" }, first: 10) {
    totalCount
    nodes { id name date effective issuer { id } }
  }
}
`

// servePlayground serves GraphiQL with the explorer plugin (web/playground.html;
// every file it loads is embedded, see web.go). The page keeps its editors in
// the URL (?query=), so a bare / redirects to a URL carrying the example.
func (s *Server) servePlayground(w http.ResponseWriter, r *http.Request) {
	if r.URL.RawQuery == "" {
		http.Redirect(w, r, "/?"+url.Values{"query": {exampleQuery}}.Encode(), http.StatusFound)
		return
	}
	servePage(w, r, "web/playground.html")
}
