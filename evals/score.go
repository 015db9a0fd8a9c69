package evals

import (
	"fmt"
	"strings"
	"time"
)

// Score compares outcomes with their cases and computes the report. The
// outcomes slice is parallel to cases; errs holds a per-case error or nil.
func Score(cases []Case, outs []Outcome, errs []error) *Report {
	rep := &Report{Summary: map[string]float64{}}
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
	)
	for i, c := range cases {
		o := outs[i]
		res := CaseResult{
			ID: c.ID, Tags: c.Tags, Channel: c.Channel, Expected: c.Expect.Intent,
			Intent: o.Intent, Service: o.Service, Answer: o.Answer, Grade: round(o.Grade, 2),
			Retrieved: distinct(o.Retrieved), Citations: distinct(o.Citations),
			LatencyMS: round(float64(o.Latency)/float64(time.Millisecond), 3),
			Failures:  []string{},
		}
		if res.Retrieved == nil {
			res.Retrieved = []string{}
		}
		if res.Citations == nil {
			res.Citations = []string{}
		}
		fail := func(format string, args ...any) { res.Failures = append(res.Failures, fmt.Sprintf(format, args...)) }
		if errs != nil && errs[i] != nil {
			res.Error = errs[i].Error()
			fail("error: %v", errs[i])
		}
		latencies = append(latencies, float64(o.Latency)/float64(time.Millisecond))
		anyAnswered = anyAnswered || o.Answered
		anyRetrieving = anyRetrieving || len(o.Retrieved) > 0

		if len(c.Expect.Sources) > 0 {
			withSources++
			rank := firstRank(res.Retrieved, c.Expect.Sources)
			res.Rank = rank
			if rank == 1 {
				r1++
			}
			if rank >= 1 && rank <= 5 {
				r5++
			}
			if rank >= 1 && rank <= 10 {
				r10++
				mrr += 1 / float64(rank)
			}
			ndcg += ndcg10(res.Retrieved, c.Expect.Sources)
			if rank == 0 || rank > 10 {
				fail("no expected source in the top 10")
			}
		}
		if o.Answered {
			answered++
			if c.Expect.Intent != "" {
				if o.Intent == c.Expect.Intent {
					intentOK++
				} else {
					fail("intent %s, want %s", o.Intent, c.Expect.Intent)
				}
				switch {
				case o.Intent == "refuse" && c.Expect.Intent == "refuse":
					refTP++
				case o.Intent == "refuse":
					refFP++
				case c.Expect.Intent == "refuse":
					refFN++
				}
			}
			if len(c.Expect.Sources) > 0 && c.Expect.Intent == "answer" {
				citeCases++
				hit := false
				for _, id := range res.Citations {
					citeAll++
					if matchesAny(id, c.Expect.Sources) {
						citeMatch++
						hit = true
					}
				}
				if hit {
					citeHit++
				} else {
					fail("no citation of an expected source")
				}
			}
			if len(c.Expect.Facts) > 0 {
				factCases++
				found := 0
				for _, f := range c.Expect.Facts {
					if ContainsFact(o.Answer, f) {
						found++
					} else {
						fail("missing fact %q", f)
					}
				}
				factShare += float64(found) / float64(len(c.Expect.Facts))
			}
			for _, n := range c.Expect.Not {
				if ContainsFact(o.Answer, n) {
					notViolations++
					fail("forbidden phrase %q present", n)
					break
				}
			}
			if c.Expect.Intent == "service_request" {
				svcCases++
				if c.Expect.Service == "" || o.Service == c.Expect.Service {
					svcOK++
				} else {
					fail("service %q, want %q", o.Service, c.Expect.Service)
				}
			}
			if strings.TrimSpace(o.Answer) != "" {
				grades = append(grades, o.Grade)
				if c.Expect.MaxGrade > 0 {
					gradeChecked++
					if o.Grade > c.Expect.MaxGrade {
						gradeOver++
						fail("grade %.1f over %.0f", o.Grade, c.Expect.MaxGrade)
					}
				}
			}
		}
		res.Pass = len(res.Failures) == 0
		rep.Cases = append(rep.Cases, res)
	}

	s := rep.Summary
	s["cases"] = float64(len(cases))
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
		s["grade_median"] = round(percentile(grades, 50), 2)
		s["grade_p90"] = round(percentile(grades, 90), 2)
		s["grade_over_max"] = float64(gradeOver)
		if gradeChecked > 0 {
			s["grade_over_max_share"] = ratio(gradeOver, gradeChecked)
		}
	}
	s["latency_ms_p50"] = round(percentile(latencies, 50), 3)
	s["latency_ms_p95"] = round(percentile(latencies, 95), 3)
	passed := 0
	for _, r := range rep.Cases {
		if r.Pass {
			passed++
		}
	}
	s["pass_rate"] = ratio(passed, len(cases))
	return rep
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
