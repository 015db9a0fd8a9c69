package evals_test

import (
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/evals"
)

// TestOutOfScopeProbeSuite keeps the committed probe a valid suite whose
// every case expects a refusal and names the probe it belongs to.
func TestOutOfScopeProbeSuite(t *testing.T) {
	cases, err := evals.ReadSuiteFile("testdata/out-of-scope-probe.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 60 {
		t.Errorf("%d cases, want 60 (three probes of 20)", len(cases))
	}
	for _, c := range cases {
		probe := ""
		for _, tag := range c.Tags {
			if strings.HasPrefix(tag, "probe") {
				probe = tag
			}
		}
		if c.Expect.Intent != "refuse" || probe == "" || len(c.Turns) != 1 {
			t.Errorf("%s: intent %q, probe tag %q, %d turns; want a one-turn refusal tagged with its probe", c.ID, c.Expect.Intent, probe, len(c.Turns))
		}
	}
}
