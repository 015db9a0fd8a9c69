// Package llm offers the assistant's model-backed parts through langchaingo:
// a Composer that writes grounded answers from retrieved chunks and a
// Router that classifies intents, each working with an OpenAI-compatible
// endpoint (OpenAI, Azure OpenAI, vLLM, llama.cpp's llama-server) or an
// Ollama server.
//
// # Grounding
//
// The model never sees a URL. Retrieved chunks go into the prompt as
// numbered, delimited sources:
//
//	<source n="1" title="Missed bin collections" section="Report a missed bin">
//	...chunk text, links replaced by "(link)", angle brackets neutralised...
//	</source>
//
// and the model cites them as [1], [2]. Citations are mapped back from
// numbers to the retrieved chunks afterwards (the link-token technique of
// GOV.UK Chat), so the model cannot invent a link. Before a draft is
// returned, Ground checks it deterministically:
//
//   - every [n] refers to a source that was sent;
//   - every sentence has a citation (an uncited sentence borrows the
//     citations of its neighbour in the same paragraph, as models often
//     cite once per paragraph, and is then checked like any other);
//   - at least GroundingOptions.MinOverlap of the sentence's content words
//     (stop words removed, Porter-stemmed) occur in the cited text;
//   - every number, amount, time, date part, phone number and email in the
//     sentence occurs verbatim in the cited text (an answer may drop a unit
//     or currency sign, never add one), in a sentence of it that shares at
//     least two of the answer sentence's content words, the source's title
//     and headings counting: a 4pm that is when the office closes does not
//     support "report it by 4pm";
//   - the answer has no links and no prompt markup.
//
// Sentences in a source that read as instructions to a model ("ignore
// previous instructions and ...") are data, not evidence: they are left out
// of the text a sentence can be supported by. So a model that obeys an
// injected instruction fails the check even when it parrots the injected
// words.
//
// Any failure is an error wrapping assistant.ErrUngrounded. WithFallback
// puts the offline extractive composer behind the model: it answers
// instead on ErrUngrounded, on provider errors and on timeouts.
//
// # Streaming
//
// ComposeStream passes the model's tokens to emit as they arrive (deltas,
// in order, including the [n] markers, which use the same numbers as
// Citation.N in the final draft). The finished text is then checked like
// any other. A Composer on its own returns the grounding error; behind
// WithFallback the fallback's draft comes back with Draft.Replaced set,
// which tells the caller to discard what was streamed and show the draft.
//
// # Routing
//
// Router asks the model for a JSON object {"intent", "service",
// "confidence"} and validates it. On any error, timeout or invalid reply it
// returns the offline router's decision. The offline router always runs
// first, and intents named in RouterOptions.Keep (emergency by default)
// are returned without asking the model: danger to life never waits on a
// model or depends on one.
//
// # Configuration
//
// Nothing here reads the environment. langchaingo falls back to OPENAI_*
// and OLLAMA_HOST variables for options left unset, so every option is set
// explicitly from the config structs; cmd/ reads the environment.
package llm
