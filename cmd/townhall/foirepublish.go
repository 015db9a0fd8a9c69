package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/foi"
)

// runFOIRepublish redacts every published disclosure again with the
// detectors and the stored censor rules (foi.Republish), for when an
// officer adds a rule that applies to every disclosure: the ones whose
// text changes are published again with their audit trail, and the
// search index is updated.
func runFOIRepublish(ctx context.Context, args []string, env config, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("foi republish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	manifestPath := fs.String("manifest", "", "sources manifest (YAML) whose index folder holds the FOI database")
	data := fs.String("data", "", "index folder (default $TOWNHALL_DATA/<manifest name>)")
	db := fs.String("db", "", "FOI database (default $TOWNHALL_FOI_DB, else <index folder>/foi.db; not with -store postgres)")
	storeFlag(fs, &env)
	dryRun := fs.Bool("dry-run", false, "report what would change and write nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("foi republish: unexpected argument %q", fs.Arg(0))
	}
	if *manifestPath == "" && *db == "" && env.FOI.DB == "" {
		return usageError("foi republish: give -manifest or -db (or set TOWNHALL_FOI_DB)")
	}
	loc, err := foiLocate(env, *manifestPath, *data, *db)
	if err != nil {
		return err
	}
	if loc.DB != "" && !fileExists(loc.DB) {
		return usageError("foi republish: no FOI database at %s (run townhall foi import first)", loc.DB)
	}
	s, rules, err := openFOIWithRules(ctx, loc, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	// With a manifest, the council's own contact details are kept as at
	// import; without one only the environment's entries are.
	var m *corpus.Manifest
	if *manifestPath != "" {
		if m, err = manifest.Load(*manifestPath); err != nil {
			return err
		}
	}
	rep, err := foi.Republish(ctx, s.store, foi.RepublishOptions{Detect: env.FOI.detect(m), Rules: rules, DryRun: *dryRun})
	if err != nil {
		return err
	}
	verb := "Republished"
	if *dryRun {
		verb = "Would republish"
	} else if len(rep.Republished) > 0 {
		// The store is the record and already holds the change. The
		// index has as many entries as before, so openFOI would not
		// rebuild it: say how to.
		if err := s.index.PutDisclosures(ctx, rep.Republished); err != nil {
			return fmt.Errorf("republished %d disclosures, but updating the search index failed (delete %s to rebuild it): %w",
				len(rep.Republished), loc.Index, err)
		}
	}
	fmt.Fprintf(stdout, "%s %d of %d disclosures with %d censor rules (%d redactions audited, %d by rules); %d had no draft and were redacted from their published text; %s.\n",
		verb, len(rep.Republished), rep.Checked, len(rules), rep.Redactions, rep.RuleRedactions, rep.NoDraft, time.Since(start).Round(time.Millisecond))
	for i, d := range rep.Republished {
		if i == 20 {
			fmt.Fprintf(stdout, "  ... and %d more\n", len(rep.Republished)-20)
			break
		}
		fmt.Fprintf(stdout, "  %s  %s\n", d.ID, d.Title)
	}
	return nil
}
