package sqlite_test

// The conformance suites live in assistanttest, shared with
// assistant/postgres and the in-memory stores; these names keep the
// package's other tests reading as before.

import (
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/assistanttest"
)

var at = time.Date(2026, 6, 16, 10, 30, 0, 123456789, time.UTC)

type handoffStore = assistanttest.HandoffStore

func testConversationStore(t *testing.T, open func(t *testing.T) assistant.ConversationStore) {
	assistanttest.TestConversationStore(t, open)
}

func testServiceRequests(t *testing.T, open func(t *testing.T) assistant.ServiceRequests) {
	assistanttest.TestServiceRequests(t, open)
}

func testHandoffQueue(t *testing.T, open func(t *testing.T) handoffStore) {
	assistanttest.TestHandoffQueue(t, open)
}

func TestDurableServiceRequests(t *testing.T) {
	assistanttest.TestDurableServiceRequests(t, func(t *testing.T) assistant.ServiceRequests { return MustOpenDB(t) })
}
