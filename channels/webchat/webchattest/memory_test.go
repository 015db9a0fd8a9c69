package webchattest_test

import (
	"testing"

	"github.com/townhall-civic/townhall/channels/webchat/webchattest"
)

func TestMemoryStore(t *testing.T) {
	webchattest.TestStores(t, func(*testing.T) webchattest.Stores { return &webchattest.Store{} })
}
