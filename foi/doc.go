// Package foi is the domain of the council's Freedom of Information desk
// and its disclosure log. It holds the rules; storage and the web portal
// live in subpackages (foi/sqlite, foi/postgres, foi/portal), and the
// in-memory store and the store conformance suite in foi/foitest.
//
// # Model
//
// A Request is an FOI or EIR request made to the council: who asked (FOIA
// s.8: a name and an address for correspondence), what they asked for,
// the Law it is handled under, its Status and its statutory clock. A
// Disclosure is a published answer in the disclosure log, with the
// Exemptions it cites; DisclosureFromDocument builds one from an FOI
// corpus document.
//
// Status uses Alaveteli's (WhatDoTheyKnow's) vocabulary so that imported
// threads and the council's own requests share one set of states.
// ParseStatus reads both machine values and WhatDoTheyKnow's display
// strings. StatusOverdue and StatusVeryOverdue are derived from dates by
// Request.DisplayStatus and are never stored. Request.Transition enforces
// the workflow: a withdrawn request is final, and a closed one can only
// go to internal review.
//
// # Deadlines
//
// DueDate counts working days as Alaveteli and the ICO do: the day of
// receipt is day 0 and the reply is due by the end of the 20th working
// day after it; a request received on a weekend or holiday is in effect
// received on the next working day. Which days are holidays depends on
// the law, not on where the council is (see CalendarFor): FOIA s.10(6)
// and, through reg 2(1), the EIR exclude bank holidays "in any part of
// the United Kingdom", so an English council skips St Andrew's Day and
// the Battle of the Boyne too; FOISA s.73 and the EISR exclude Scottish
// holidays only. Holidays computes each nation's bank holidays from the
// statutory rules (Easter by the Anonymous Gregorian algorithm,
// substitute days) plus the one-off days of 2011 to 2023.
//
// A Clock replays a request's events. A request for clarification stops
// the clock; by default its answer restarts the full 20 days (FOIA
// s.10(6)(b): the date of receipt becomes the day the clarification
// arrives, as the ICO advises). ClarificationPauses instead extends the
// deadline by the working days spent waiting. A fees notice pauses the
// clock (s.10(2)). EIR reg 7 and the FOIA s.10(3) public-interest
// extension may stretch the limit to 40 working days; FOISA has none.
// Nothing here reads the system clock: every computation takes now, and
// the Service takes a Now func.
//
// Instants (Received, Responded, event times) are time.Time in any zone;
// the day of an instant is its calendar day in its own zone, so callers
// pass times in the council's zone (Service.Location). Due dates are
// dates: midnight UTC on the day, so that a store may keep them in a
// DATE column without shifting them.
//
// # Redaction
//
// Before a thread is published, Detect finds personal data: names by
// their place in a letter (salutations, sign-offs, e-mail headers, "my
// name is", "Mr X" in running text) and every further occurrence of the
// names so found; emails, UK phone numbers, street addresses, postcodes
// and National Insurance numbers. Organisational data the council wants
// to keep (its own email domain, switchboard, postal address, senior
// officers) is listed in DetectOptions. Redact replaces each finding and
// each officer Rule (Alaveteli's censor rules, scoped to one disclosure
// or to all; see RulesFor) with a visible marker and returns an audit
// trail. Prepare turns an unredacted draft into a Publication (draft,
// published text, audit) and a Publisher stores all three at once; stores
// keep a keyed digest of each removed text (AuditDigest), never the text.
// Text is stored and published as plain text: HTML in a request is inert
// data, and every renderer must escape it.
//
// # Storage
//
// Store is what the Service consumes: RequestStore and DisclosureStore,
// each method one transaction. Filters and updates carry Match and Apply
// methods that give their exact meaning; foitest.TestStore checks an
// implementation against them.
package foi
