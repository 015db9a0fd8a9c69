package main

import (
	"fmt"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/extractive"
	"github.com/townhall-civic/townhall/assistant/llm"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// assistantStores are where an assistant keeps conversations, service
// requests and hand-offs (durable SQLite for serve, memory for eval), and
// the FOI desk that takes its FOI requests (nil: the assistant only
// points to the portal's form).
type assistantStores struct {
	Conversations assistant.ConversationStore
	Requests      assistant.ServiceRequests
	Handoffs      assistant.HandoffQueue
	FOI           assistant.FOIIntake
}

// newAssistant builds the assistant over an index: the offline router,
// the extractive composer, exact answers from the record store, and the
// council's contact details from the manifest. With an LLM configured the
// model composes and routes, with the offline parts as its fallback.
func newAssistant(is *indexStore, s retrieval.Searcher, st assistantStores, llmCfg llm.Config) (*assistant.Assistant, error) {
	router, err := assistant.NewOfflineRouter()
	if err != nil {
		return nil, err
	}
	a := &assistant.Assistant{
		Retriever:     s,
		Composer:      extractive.New(extractive.Options{Chunks: is.store.Chunks(), Words: composerWords(is), Council: is.manifest.Council}),
		Router:        router,
		Conversations: st.Conversations,
		Requests:      st.Requests,
		Handoffs:      st.Handoffs,
		FOI:           st.FOI,
		Records:       &assistant.Records{Store: is.records},
		Council:       councilOf(is.manifest),
	}
	if llmCfg.Provider != "" && llmCfg.Provider != llm.ProviderNone {
		composer, wrap, err := llm.FromConfig(llmCfg, a.Composer)
		if err != nil {
			return nil, fmt.Errorf("llm: %w", err)
		}
		a.Composer, a.Router = composer, wrap(a.Router)
	}
	return a, nil
}

// composerWords is the GloVe table the index embeds with, shared with the
// extractive composer for its soft term matching, or nil when the index
// uses another embedder (words then match by stem alone).
func composerWords(is *indexStore) extractive.WordVectors {
	if is.words == nil {
		// A nil *embed.WordVectors in the interface would not be nil.
		return nil
	}
	return is.words
}

// llmConfig is the chat model the environment names.
func (c config) llmConfig() llm.Config {
	return llm.Config{
		Provider: c.LLM,
		OpenAI:   llm.OpenAIConfig{BaseURL: c.LLMBaseURL, APIKey: c.LLMAPIKey, Model: c.LLMModel},
		Ollama:   llm.OllamaConfig{ServerURL: c.LLMBaseURL, APIKey: c.LLMAPIKey, Model: c.LLMModel},
	}
}

// councilOf turns the manifest's contact block into the assistant's
// signposting details.
func councilOf(m *corpus.Manifest) assistant.Council {
	c := m.Contact
	return assistant.Council{
		Name:             m.Council,
		Nation:           c.Nation,
		Phone:            c.Phone,
		OutOfHoursPhone:  c.OutOfHoursPhone,
		Email:            c.Email,
		ContactURL:       c.URL,
		BSLURL:           c.BSLURL,
		InterpreterPhone: c.InterpreterPhone,
		FOIURL:           c.FOIURL,
	}
}
