package retrievaltest_test

import (
	"testing"

	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

func TestMemoryConformance(t *testing.T) {
	retrievaltest.TestChunkIndex(t, func(t *testing.T) retrievaltest.Index {
		kw := retrievaltest.NewKeyword()
		return retrievaltest.Index{
			Chunks:  kw,
			Catalog: retrievaltest.NewCatalog(),
			Vectors: retrievaltest.NewVectors(retrievaltest.ConformanceDim),
			Keyword: kw,
		}
	})
}
