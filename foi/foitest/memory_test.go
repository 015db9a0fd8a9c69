package foitest

import (
	"testing"

	"github.com/townhall-civic/townhall/foi"
)

func TestMemoryStore(t *testing.T) {
	TestStore(t, func(t *testing.T) foi.Store { return NewMemoryStore() })
}

func TestMemoryRedactionStore(t *testing.T) {
	TestRedactionStore(t, func(t *testing.T) RedactionStore { return NewMemoryStore() })
}
