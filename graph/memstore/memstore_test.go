package memstore_test

import (
	"context"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/memstore"
	"github.com/chipgraph/chipgraph/graph/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		s := memstore.New()
		t.Cleanup(func() { s.Close(context.Background()) })
		return s
	})
}
