package evals

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// caseScore is one case's contribution to every metric, so that the
// summary of any subset of cases (a slice) is a sum over its members.
type caseScore struct {
	retrieving   bool // the target retrieved something
	answered     bool // the target answers (not retrieval-only)
	hasSources   bool
	rank         int
	ndcg         float64
	intentScored bool // answered with an expected intent
	intentOK     bool
	refuseWant   bool
	refuseGot    bool
	citeCase     bool
	citeHit      bool
	citeMatch    int
	citeAll      int
	factCase     bool
	factShare    float64
	notViolated  bool
	svcCase      bool
	svcOK        bool
	graded       bool
	grade        float64
	gradeChecked bool
	gradeOver    bool
	latencyMS    float64
	pass         bool
	judge        *Verdict
	// deterministic is the deterministic checks' verdict on the answer
	// (cited an expected source, said every fact, no forbidden phrase),
	// which the judge's agreement is measured against.
	deterministic bool
}

// Score compares outcomes with their cases and computes the report. The
// outcomes slice is parallel to cases; errs holds a per-case error or nil.
func Score(cases []Case, outs []Outcome, errs []error) *Report {
	rep := &Report{Cases: make([]CaseResult, 0, len(cases))}
	scores := make([]caseScore, len(cases))
	for i, c := range cases {
		var err error
		if errs != nil {
			err = errs[i]
		}
		res, sc := scoreCase(c, outs[i], err)
		rep.Cases = append(rep.Cases, res)
		scores[i] = sc
	}
	rep.Summary = summarize(scores)
	rep.Slices = sliceSummaries(cases, scores)
	return rep
}

// scoreCase checks one outcome against its case.
func scoreCase(c Case, o Outcome, err error) (CaseResult, caseScore) {
	res := CaseResult{
		ID: c.ID, Tags: c.Tags, Channel: c.Channel, Turns: c.Turns,
		Expected: c.Expect.Intent, ExpectedSources: c.Expect.Sources,
		Intent: o.Intent, Service: o.Service, Answer: o.Answer, Grade: round(o.Grade, 2),
		Retrieved: distinct(o.Retrieved), Citations: distinct(o.Citations), Cited: o.Cited,
		LatencyMS: round(float64(o.Latency)/float64(time.Millisecond), 3),
		Failures:  []string{},
	}
	sc := caseScore{
		latencyMS:  float64(o.Latency) / float64(time.Millisecond),
		answered:   o.Answered,
		retrieving: len(o.Retrieved) > 0,
		judge:      o.Judge,
	}
	res.Judge = o.Judge
	fail := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }
	if err != nil {
		res.Error = err.Error()
		fail("error: %v", err)
	}

	if len(c.Expect.Sources) > 0 {
		sc.hasSources = true
		sc.rank = firstRank(res.Retrieved, c.Expect.Sources)
		res.Rank = sc.rank
		sc.ndcg = ndcg10(res.Retrieved, c.Expect.Sources)
		if sc.rank == 0 || sc.rank > 10 {
			fail("no expected source in the top 10")
		}
	}
	if o.Answered {
		sc.deterministic = true
		if c.Expect.Intent != "" {
			sc.intentScored = true
			sc.intentOK = o.Intent == c.Expect.Intent
			if !sc.intentOK {
				fail("intent %s, want %s", o.Intent, c.Expect.Intent)
			}
			sc.refuseWant = c.Expect.Intent == "refuse"
			sc.refuseGot = o.Intent == "refuse"
		}
		if len(c.Expect.Sources) > 0 && c.Expect.Intent == "answer" {
			sc.citeCase = true
			for _, id := range res.Citations {
				sc.citeAll++
				if matchesAny(id, c.Expect.Sources) {
					sc.citeMatch++
					sc.citeHit = true
				}
			}
			if !sc.citeHit {
				sc.deterministic = false
				fail("no citation of an expected source")
			}
		}
		if len(c.Expect.Facts) > 0 {
			sc.factCase = true
			found := 0
			for _, f := range c.Expect.Facts {
				if ContainsFact(o.Answer, f) {
					found++
				} else {
					sc.deterministic = false
					fail("missing fact %q", f)
				}
			}
			sc.factShare = float64(found) / float64(len(c.Expect.Facts))
		}
		for _, n := range c.Expect.Not {
			if ContainsFact(o.Answer, n) {
				sc.notViolated = true
				sc.deterministic = false
				fail("forbidden phrase %q present", n)
				break
			}
		}
		if c.Expect.Intent == "service_request" {
			sc.svcCase = true
			sc.svcOK = c.Expect.Service == "" || o.Service == c.Expect.Service
			if !sc.svcOK {
				fail("service %q, want %q", o.Service, c.Expect.Service)
			}
		}
		if strings.TrimSpace(o.Answer) != "" {
			sc.graded, sc.grade = true, o.Grade
			if c.Expect.MaxGrade > 0 {
				sc.gradeChecked = true
				if o.Grade > c.Expect.MaxGrade {
					sc.gradeOver = true
					fail("grade %.1f over %.0f", o.Grade, c.Expect.MaxGrade)
				}
			}
		}
	}
	res.Pass = len(res.Failures) == 0
	sc.pass = res.Pass
	return res, sc
}

// summarize computes the FORMAT.md metrics over scores. Metrics a target
// cannot produce (answer metrics for a retriever, retrieval metrics for a
// target that retrieves nothing) are left out rather than reported as 0.
func summarize(scores []caseScore) map[string]float64 {
	var (
		withSources, r1, r5, r10   int
		mrr, ndcg                  float64
		citeCases, citeHit         int
		citeMatch, citeAll         int
		factCases                  int
		factShare                  float64
		notViolations              int
		answered, intentOK         int
		refTP, refFP, refFN        int
		svcCases, svcOK            int
		grades                     []float64
		gradeChecked, gradeOver    int
		latencies                  []float64
		anyAnswered, anyRetrieving bool
		passed                     int
	)
	for _, sc := range scores {
		latencies = append(latencies, sc.latencyMS)
		anyAnswered = anyAnswered || sc.answered
		anyRetrieving = anyRetrieving || sc.retrieving
		if sc.pass {
			passed++
		}
		if sc.hasSources {
			withSources++
			if sc.rank == 1 {
				r1++
			}
			if sc.rank >= 1 && sc.rank <= 5 {
				r5++
			}
			if sc.rank >= 1 && sc.rank <= 10 {
				r10++
				mrr += 1 / float64(sc.rank)
			}
			ndcg += sc.ndcg
		}
		if !sc.answered {
			continue
		}
		answered++
		if sc.intentScored {
			if sc.intentOK {
				intentOK++
			}
			switch {
			case sc.refuseGot && sc.refuseWant:
				refTP++
			case sc.refuseGot:
				refFP++
			case sc.refuseWant:
				refFN++
			}
		}
		if sc.citeCase {
			citeCases++
			citeMatch += sc.citeMatch
			citeAll += sc.citeAll
			if sc.citeHit {
				citeHit++
			}
		}
		if sc.factCase {
			factCases++
			factShare += sc.factShare
		}
		if sc.notViolated {
			notViolations++
		}
		if sc.svcCase {
			svcCases++
			if sc.svcOK {
				svcOK++
			}
		}
		if sc.graded {
			grades = append(grades, sc.grade)
		}
		if sc.gradeChecked {
			gradeChecked++
			if sc.gradeOver {
				gradeOver++
			}
		}
	}

	s := map[string]float64{"cases": float64(len(scores))}
	if withSources > 0 && anyRetrieving {
		n := float64(withSources)
		s["recall_at_1"] = round(float64(r1)/n, 4)
		s["recall_at_5"] = round(float64(r5)/n, 4)
		s["recall_at_10"] = round(float64(r10)/n, 4)
		s["mrr_at_10"] = round(mrr/n, 4)
		s["ndcg_at_10"] = round(ndcg/n, 4)
		s["cases_with_sources"] = n
	}
	if anyAnswered {
		if answered > 0 {
			s["intent_accuracy"] = round(float64(intentOK)/float64(answered), 4)
		}
		s["refusal_precision"] = ratio(refTP, refTP+refFP)
		s["refusal_recall"] = ratio(refTP, refTP+refFN)
		if citeCases > 0 {
			s["citation_hit"] = ratio(citeHit, citeCases)
			s["citation_precision"] = ratio(citeMatch, citeAll)
		}
		if factCases > 0 {
			s["fact_recall"] = round(factShare/float64(factCases), 4)
		}
		s["not_violations"] = float64(notViolations)
		if svcCases > 0 {
			s["service_accuracy"] = ratio(svcOK, svcCases)
		}
		if len(grades) > 0 {
			s["grade_median"] = round(percentile(grades, 50), 2)
			s["grade_p90"] = round(percentile(grades, 90), 2)
		}
		s["grade_over_max"] = float64(gradeOver)
		if gradeChecked > 0 {
			s["grade_over_max_share"] = ratio(gradeOver, gradeChecked)
		}
	}
	s["latency_ms_p50"] = round(percentile(latencies, 50), 3)
	s["latency_ms_p95"] = round(percentile(latencies, 95), 3)
	s["pass_rate"] = ratio(passed, len(scores))
	summarizeJudge(s, scores)
	return s
}

// sliceSummaries summarizes every tag, expected intent and channel.
func sliceSummaries(cases []Case, scores []caseScore) map[string]map[string]float64 {
	members := map[string][]caseScore{}
	for i, c := range cases {
		keys := make([]string, 0, len(c.Tags)+2)
		for _, t := range c.Tags {
			keys = append(keys, "tag:"+t)
		}
		if c.Expect.Intent != "" {
			keys = append(keys, "intent:"+c.Expect.Intent)
		}
		if c.Channel != "" {
			keys = append(keys, "channel:"+c.Channel)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				members[k] = append(members[k], scores[i])
			}
		}
	}
	if len(members) == 0 {
		return nil
	}
	out := make(map[string]map[string]float64, len(members))
	for k, m := range members {
		out[k] = summarize(m)
	}
	return out
}

// SliceNames returns a report's slice keys in display order: tags, then
// intents, then channels, each alphabetically.
func (r *Report) SliceNames() []string {
	names := make([]string, 0, len(r.Slices))
	for k := range r.Slices {
		names = append(names, k)
	}
	order := func(k string) int {
		switch {
		case strings.HasPrefix(k, "tag:"):
			return 0
		case strings.HasPrefix(k, "intent:"):
			return 1
		}
		return 2
	}
	sort.Slice(names, func(i, j int) bool {
		if oi, oj := order(names[i]), order(names[j]); oi != oj {
			return oi < oj
		}
		return names[i] < names[j]
	})
	return names
}

// ratio returns a/b rounded, or 1 when b is zero: no positives predicted
// and none expected means nothing was wrong.
func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return round(float64(a)/float64(b), 4)
}

func round(x float64, places int) float64 {
	p := 1.0
	for i := 0; i < places; i++ {
		p *= 10
	}
	if x < 0 {
		return -float64(int64(-x*p+0.5)) / p
	}
	return float64(int64(x*p+0.5)) / p
}
