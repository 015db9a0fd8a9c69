package tabular

import "strings"

// role is what a column holds.
type role int

const (
	roleNone role = iota
	roleSupplier
	roleAmount
	roleDate
	roleEndDate
	roleDepartment
	roleCategory
	roleDescription
	roleReference
	roleStatus
	roleTitle
	roleURL
	roleAuthority // the public body the row is about or from
	roleRequester // a person's name: kept out of the text
	roleBody      // the council that published the row
	numRoles
)

// rule says which column names give a role. Names are compared after
// normHeader. An exact name beats a contained word; among exact names the
// earlier one wins, so "organisational unit" takes the department role
// before "service area" does. A name holding one of the not words never
// takes the role ("supplier id" is not the supplier).
type rule struct {
	role     role
	exact    []string
	contains []string
	not      []string
}

// vocab is the rules for one kind of table, in the order roles are
// assigned: a column taken by an earlier role is not offered to later ones.
type vocab struct {
	rules []rule
	// need lists roles of which the header must map at least one.
	need []role
}

// spendingVocab names the columns of payments-to-suppliers files. The
// names come from real files: Oxford ("Expenditure Catergory", "Paid
// Date", "Organisatonal Unit"), Hyndburn ("Name:", "Net Amount(£)",
// "Amount Paid", "HBC Ref No."), Lambeth ("Sum of Invoice Nett Amount",
// "Subj Description"), Sutton Coldfield ("£ (net)", "Payee").
var spendingVocab = vocab{
	need: []role{roleAmount, roleSupplier},
	rules: []rule{
		{role: roleAmount,
			exact: []string{"amount", "net amount", "amount paid", "net amount gbp", "amount gbp", "gbp net", "gbp",
				"total", "sum of invoice nett amount", "invoice nett amount", "nett amount", "value", "payment amount",
				"line amount", "gross amount", "net value", "transaction amount", "paid amount", "amount excluding vat",
				"amount excl vat", "spend", "expenditure"},
			contains: []string{"amount", "gbp", "nett", "total", "value"},
			not:      []string{"vat", "code", "count", "number"}},
		{role: roleSupplier,
			exact: []string{"supplier name", "supplier", "name", "payee", "payee name", "vendor", "vendor name",
				"beneficiary", "merchant name", "merchant", "creditor", "creditor name", "recipient", "paid to",
				"supplier trading name"},
			contains: []string{"supplier", "payee", "vendor", "beneficiary", "merchant", "creditor", "recipient"},
			not:      []string{"id", "code", "number", "no", "ref", "reference", "type", "postcode", "body", "organisation"}},
		{role: roleDate,
			exact: []string{"payment date", "paid date", "date paid", "date", "inv date", "invoice date",
				"invoice creation date", "transaction date", "posting date", "date of payment", "payment run date",
				"effective date"},
			contains: []string{"date"}},
		{role: roleReference,
			exact: []string{"trans no", "transaction number", "transaction no", "transaction id", "hbc ref no", "ref",
				"reference", "ref no", "invoice number", "invoice no", "invoice ref", "document number",
				"payment reference", "voucher number"},
			contains: []string{"ref", "reference", "trans", "invoice"}},
		{role: roleDescription,
			exact: []string{"description", "details", "narrative", "purpose", "purpose of spend", "item description",
				"transaction description", "line description", "expense description"},
			contains: []string{"description", "details", "narrative", "purpose"},
			not:      []string{"subj", "subjective", "account", "category"}},
		{role: roleDepartment,
			exact: []string{"department area", "department", "directorate", "organisational unit",
				"organisatonal unit", "service cost centre", "cost centre", "service division", "division",
				"portfolio", "service area", "service"},
			contains: []string{"department", "directorate", "cost centre", "organisational", "organisatonal"}},
		{role: roleCategory,
			exact: []string{"expenditure category", "expenditure catergory", "category", "expense type",
				"expense category", "account detail", "expenditure unit", "subjective description",
				"subj description", "subjective", "account description", "account", "expenditure type",
				"service area", "service"},
			contains: []string{"category", "catergory", "subjective"},
			not:      []string{"code"}},
		{role: roleBody,
			exact: []string{"body name", "body", "organisation", "organisation name", "authority", "council"}},
	},
}

// contractsVocab names the columns of contract registers.
var contractsVocab = vocab{
	need: []role{roleTitle, roleSupplier},
	rules: []rule{
		{role: roleTitle,
			exact: []string{"title", "contract title", "contract name", "notice title", "name of contract",
				"contract", "subject", "contract description"},
			contains: []string{"title"}},
		{role: roleSupplier,
			exact: []string{"supplier", "supplier name", "awarded supplier", "contractor", "provider",
				"awarded to", "supplier s", "suppliers", "vendor", "contractor name"},
			contains: []string{"supplier", "contractor", "provider"},
			not:      []string{"id", "code", "number", "postcode", "sme"}},
		{role: roleAmount,
			exact: []string{"value", "contract value", "total value", "awarded value", "estimated value",
				"annual value", "amount", "total contract value", "value gbp", "contract value gbp"},
			contains: []string{"value", "amount", "gbp"}},
		{role: roleEndDate,
			exact:    []string{"end date", "contract end date", "expiry date", "end", "expiry", "contract end"},
			contains: []string{"end date", "expiry"}},
		{role: roleDate,
			exact: []string{"start date", "award date", "date awarded", "contract start date", "date of award",
				"published date", "start", "date"},
			contains: []string{"date"},
			not:      []string{"end", "expiry", "review", "deadline"}},
		{role: roleStatus,
			exact:    []string{"status", "contract status", "notice status"},
			contains: []string{"status"}},
		{role: roleReference,
			exact: []string{"reference", "contract reference", "contract ref", "ref", "notice id", "id",
				"contract id", "reference number", "contract number"},
			contains: []string{"ref", "reference"}},
		{role: roleDepartment,
			exact: []string{"department", "directorate", "service area", "service", "buyer",
				"responsible department", "procuring department"},
			contains: []string{"department", "directorate"}},
		{role: roleCategory,
			exact:    []string{"cpv", "cpv code", "cpv codes", "cpv description", "category", "procurement category"},
			contains: []string{"cpv", "category"}},
		{role: roleDescription,
			exact:    []string{"description", "details", "summary", "scope"},
			contains: []string{"description"}},
		{role: roleURL, exact: []string{"url", "link", "notice url"}, contains: []string{"url"}},
	},
}

// foiVocab names the columns of FOI disclosure logs and request indexes
// (Lambeth's "Ref,Received,Summary"; WhatDoTheyKnow exports).
var foiVocab = vocab{
	need: []role{roleTitle, roleReference},
	rules: []rule{
		{role: roleTitle,
			exact: []string{"summary", "title", "request title", "subject", "request", "text", "request summary",
				"description", "question", "request details", "request text"},
			contains: []string{"summary", "title", "subject"}},
		{role: roleURL,
			exact:    []string{"url", "link", "request url", "web link"},
			contains: []string{"url", "link"}},
		{role: roleReference,
			exact: []string{"ref", "reference", "foir", "foi reference", "request id", "id", "case reference",
				"case ref", "ref no", "reference number", "foi ref"},
			contains: []string{"ref", "reference"}},
		{role: roleDate,
			exact: []string{"received", "date received", "request date", "date", "date of request", "created",
				"created at", "date requested"},
			contains: []string{"date", "received"}},
		{role: roleStatus,
			exact:    []string{"status", "state", "outcome", "decision", "described state", "response"},
			contains: []string{"status", "outcome"}},
		{role: roleAuthority,
			exact:    []string{"authority", "authority name", "public body", "public authority", "body", "organisation"},
			contains: []string{"authority"}},
		{role: roleRequester,
			exact: []string{"sender", "requester", "requestor", "requested by", "name", "user", "requester name"}},
		{role: roleDepartment,
			exact:    []string{"department", "directorate", "service", "service area"},
			contains: []string{"department", "directorate"}},
	},
}

// rowsVocab finds a title, reference, date and status in any other table,
// such as a planning register ("REFVAL,ADDRESS,PROPOSAL,DATEDECISS,DECSN").
var rowsVocab = vocab{
	need: nil,
	rules: []rule{
		{role: roleTitle,
			exact:    []string{"title", "name", "summary", "subject", "proposal", "heading", "description"},
			contains: []string{"title", "summary", "proposal", "name"}},
		{role: roleReference,
			exact:    []string{"ref", "reference", "refval", "id", "code"},
			contains: []string{"ref"}},
		{role: roleDate, exact: []string{"date"}, contains: []string{"date"}},
		{role: roleStatus,
			exact:    []string{"status", "decision", "decsn", "state", "outcome"},
			contains: []string{"status", "decision"}},
		{role: roleURL, exact: []string{"url", "link"}, contains: []string{"url"}},
	},
}

// columns is a header mapped to roles.
type columns struct {
	names []string      // cleaned header cells, as written
	norm  []string      // normHeader of each cell
	at    [numRoles]int // column index of each role, -1 if none
	total bool          // the amount column holds per-supplier totals
}

// mapColumns assigns roles to the cells of header.
func mapColumns(header []string, v vocab) columns {
	c := columns{names: make([]string, len(header)), norm: make([]string, len(header))}
	for i := range c.at {
		c.at[i] = -1
	}
	for i, h := range header {
		c.names[i] = cleanCell(h)
		c.norm[i] = normHeader(h)
	}
	taken := make([]bool, len(header))
	for _, r := range v.rules {
		best, bestRank := -1, 1<<30
		for i, n := range c.norm {
			if taken[i] || n == "" || len(n) > 48 {
				continue
			}
			if rank, ok := r.rank(n); ok && rank < bestRank {
				best, bestRank = i, rank
			}
		}
		if best >= 0 {
			c.at[r.role] = best
			taken[best] = true
		}
	}
	if a := c.at[roleAmount]; a >= 0 {
		n := c.norm[a]
		c.total = n == "total" || strings.HasPrefix(n, "sum of") || strings.HasPrefix(n, "total ")
	}
	return c
}

// rank scores how well the normalised name n fits r: lower is better.
func (r rule) rank(n string) (int, bool) {
	for i, e := range r.exact {
		if n == e {
			return i, true
		}
	}
	words := strings.Fields(n)
	for _, w := range r.not {
		if containsWords(words, w) {
			return 0, false
		}
	}
	for i, k := range r.contains {
		if containsWords(words, k) || (!strings.Contains(k, " ") && hasWordPrefix(words, k)) {
			return 1000 + i, true
		}
	}
	return 0, false
}

// containsWords reports whether the words of phrase appear consecutively
// in words.
func containsWords(words []string, phrase string) bool {
	p := strings.Fields(phrase)
	for i := 0; i+len(p) <= len(words); i++ {
		match := true
		for j := range p {
			if words[i+j] != p[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// hasWordPrefix reports whether a word starts with k, so that "refval"
// and "datedeciss" are found by "ref" and "date".
func hasWordPrefix(words []string, k string) bool {
	for _, w := range words {
		if strings.HasPrefix(w, k) {
			return true
		}
	}
	return false
}

// score says how much a record looks like the header of a v table: the
// number of roles it maps, or 0 if it maps none of v.need.
func (v vocab) score(fields []string) int {
	nonEmpty := 0
	for _, f := range fields {
		s := strings.TrimSpace(f)
		if s == "" {
			continue
		}
		nonEmpty++
		if len(s) > 60 {
			return 0
		}
		if _, ok := parseAmount(s); ok {
			return 0
		}
		if _, ok := parseDate(s, false); ok {
			return 0
		}
	}
	if nonEmpty < 2 {
		return 0
	}
	c := mapColumns(fields, v)
	n := 0
	for _, at := range c.at {
		if at >= 0 {
			n++
		}
	}
	if len(v.need) > 0 {
		ok := false
		for _, r := range v.need {
			ok = ok || c.at[r] >= 0
		}
		if !ok {
			return 0
		}
	}
	return n
}
