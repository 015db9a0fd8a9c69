package evals

import (
	"context"
	"strings"
)

// Judge scores an answer with a language model, as RAGAS does:
// faithfulness (each sentence of the answer is supported by the text its
// citations point at) and answer relevance (the answer addresses the
// question). It is optional and never needed offline; the deterministic
// checks of Score stand on their own, and a judge's agreement with them is
// reported so staff can see how far either can be trusted.
type Judge interface {
	// Judge returns the verdict on one answer, or an error when the model
	// cannot be reached or its reply cannot be read. An error never fails
	// the case: it is recorded on the verdict and the case left out of the
	// judge's metrics.
	Judge(ctx context.Context, in JudgeInput) (*Verdict, error)
}

// JudgeInput is what a judge reads.
type JudgeInput struct {
	// Turns are the resident's messages; the last is the question answered.
	Turns  []string
	Answer string
	// Evidence is the text of the cited documents.
	Evidence []Evidence
}

// Question returns the scored turn.
func (in JudgeInput) Question() string {
	if len(in.Turns) == 0 {
		return ""
	}
	return in.Turns[len(in.Turns)-1]
}

// Verdict is a judge's opinion of one answer.
type Verdict struct {
	// Faithfulness is the share of the answer's sentences the evidence
	// supports, from 0 to 1.
	Faithfulness float64 `json:"faithfulness"`
	// Relevance is how well the answer addresses the question, 0 to 1.
	Relevance float64 `json:"relevance"`
	// Sentences is how many sentences the judge assessed.
	Sentences int `json:"sentences"`
	// Unsupported lists the sentences the evidence does not support.
	Unsupported []string `json:"unsupported,omitempty"`
	// Reason is the judge's short explanation, if it gave one.
	Reason string `json:"reason,omitempty"`
	// Error is set when the case could not be judged.
	Error string `json:"error,omitempty"`
}

// Judge acceptance thresholds: a verdict is good when at least
// FaithfulFloor of the sentences are supported and relevance reaches
// RelevantFloor.
const (
	FaithfulFloor = 0.8
	RelevantFloor = 0.5
)

// Good reports whether the judge accepts the answer.
func (v *Verdict) Good() bool {
	return v != nil && v.Error == "" && v.Faithfulness >= FaithfulFloor && v.Relevance >= RelevantFloor
}

// judged reports whether a verdict counts in the judge's metrics.
func (v *Verdict) judged() bool { return v != nil && v.Error == "" }

// shouldJudge reports whether an outcome is an answer a judge can assess:
// a grounded answer with text. Refusals, hand-offs and service replies
// have no citations to be faithful to.
func shouldJudge(o Outcome) bool {
	return o.Answered && o.Intent == "answer" && strings.TrimSpace(o.Answer) != ""
}

// summarizeJudge adds the judge's metrics: judge_cases (answers judged),
// judge_faithfulness and judge_relevance (means), and judge_agreement,
// the share of judged answers where the judge's acceptance equals the
// deterministic checks' (an expected source cited, every fact present, no
// forbidden phrase).
func summarizeJudge(s map[string]float64, scores []caseScore) {
	var n, agree int
	var faith, rel float64
	for _, sc := range scores {
		if !sc.judge.judged() {
			continue
		}
		n++
		faith += sc.judge.Faithfulness
		rel += sc.judge.Relevance
		if sc.judge.Good() == sc.deterministic {
			agree++
		}
	}
	if n == 0 {
		return
	}
	s["judge_cases"] = float64(n)
	s["judge_faithfulness"] = round(faith/float64(n), 4)
	s["judge_relevance"] = round(rel/float64(n), 4)
	s["judge_agreement"] = ratio(agree, n)
}
