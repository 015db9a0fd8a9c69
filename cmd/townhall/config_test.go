package main

import (
	"testing"

	"github.com/townhall-civic/townhall/assistant/llm"
)

func TestLLMConfigFromEnv(t *testing.T) {
	vars := map[string]string{
		"TOWNHALL_LLM":          "ollama",
		"TOWNHALL_LLM_BASE_URL": "http://127.0.0.1:11434",
		"TOWNHALL_LLM_MODEL":    "llama3.2",
		"OPENAI_API_KEY":        "sk-test",
	}
	c := envConfig(func(k string) string { return vars[k] }).llmConfig()
	if c.Provider != llm.ProviderOllama || c.Ollama.ServerURL != vars["TOWNHALL_LLM_BASE_URL"] || c.Ollama.Model != "llama3.2" {
		t.Errorf("llmConfig = %+v, want ollama at the configured URL and model", c)
	}
	if c.OpenAI.APIKey != "sk-test" {
		t.Errorf("API key = %q, want the OpenAI key as fallback", c.OpenAI.APIKey)
	}
	if got := envConfig(func(string) string { return "" }).LLM; got != "none" {
		t.Errorf("default LLM = %q, want none", got)
	}
}
