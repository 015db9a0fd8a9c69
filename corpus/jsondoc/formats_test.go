package jsondoc_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestLoadGOVUK(t *testing.T) {
	tests := []struct {
		file    string
		format  string
		wantURL string
		want    []corpus.Section
	}{
		{
			file:    "govuk_guide.json",
			format:  "", // detected from schema_name
			wantURL: "https://www.gov.uk/garden-waste-collections",
			want: []corpus.Section{
				{Text: "How garden waste collections work and what they cost"},
				{Headings: []string{"Overview"}, Text: "Councils collect garden waste every two weeks from March to November."},
				{Headings: []string{"Overview", "What you can put in"}, Text: "- grass cuttings\n- hedge trimmings"},
				{Headings: []string{"Overview", "What you can put in", "What you cannot put in"}, Text: "Soil, rubble or food waste."},
				{Headings: []string{"Costs"}, Text: "Bin | Price\n\nFirst bin | £48 a year\n\nExtra bin | £30 a year"},
			},
		},
		{
			file:    "govuk_local_transaction.json",
			format:  jsondoc.FormatGOVUK,
			wantURL: "https://www.gov.uk/report-abandoned-trolley",
			want: []corpus.Section{
				{Text: "Tell your council about a shopping trolley left in the street or a park"},
				{Text: "Your council can collect abandoned trolleys and return them to the shop."},
				{Headings: []string{"What you need to know"}, Text: "- Available in England only"},
				{Headings: []string{"More information", "Collection fees"}, Text: "The shop may be charged for each trolley collected."},
			},
		},
		{
			file:    "govuk_step_by_step.json",
			format:  jsondoc.FormatGOVUK,
			wantURL: "https://www.gov.uk/register-a-market-stall",
			want: []corpus.Section{
				{Text: "How to get a pitch at a council market."},
				{Headings: []string{"Run a market stall: step by step"}, Text: "Check what you need before you trade."},
				{Headings: []string{"Run a market stall: step by step", "Step 1: Check you can trade"},
					Text: "You need to be 18 or over.\n- Apply for a street trading licence (£25 to £60)"},
				{Headings: []string{"Run a market stall: step by step", "Step 2: Book a pitch"}, Text: "Contact the market office."},
			},
		},
		{
			file:    "govuk_govspeak_body.json",
			format:  jsondoc.FormatGOVUK,
			wantURL: "https://www.gov.uk/help/accessible-documents",
			want: []corpus.Section{
				{Headings: []string{"Asking for another format"},
					Text: "You can ask for a large print version.\n\nCall the helpline.\n\n- braille\n- audio"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			docs := load(t, fixture(t, tt.file, corpus.KindPage, tt.format))
			if len(docs) != 1 {
				t.Fatalf("got %d documents, want 1", len(docs))
			}
			d := docs[0]
			if d.ID != "jsondoc/"+tt.file || d.URL != tt.wantURL {
				t.Errorf("ID, URL = %q, %q; want %q, %q", d.ID, d.URL, "jsondoc/"+tt.file, tt.wantURL)
			}
			if diff := cmp.Diff(tt.want, d.Sections); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadGOVUKFields(t *testing.T) {
	d := load(t, fixture(t, "govuk_guide.json", corpus.KindPage, ""))[0]
	if got, want := d.Title, "Garden waste collections"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := d.Date, time.Date(2024, 3, 5, 10, 15, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("date = %v, want public_updated_at %v", got, want)
	}
	if got, want := d.Meta["schema_name"], "guide"; got != want {
		t.Errorf("Meta[schema_name] = %q, want %q", got, want)
	}
	if strings.Contains(d.Text(), "track()") || strings.Contains(d.Text(), "First published") {
		t.Errorf("text = %q, want no script and no change history", d.Text())
	}
}

func TestLoadWDTK(t *testing.T) {
	docs := load(t, fixture(t, "wdtk_request.json", corpus.KindFOI, jsondoc.FormatWDTK))
	want := corpus.Document{
		ID:      "jsondoc/wdtk_request.json",
		Kind:    corpus.KindFOI,
		Title:   "Pothole repair spending",
		URL:     "https://www.whatdotheyknow.com/request/pothole_repair_spending",
		Council: "Testshire Council",
		Date:    time.Date(2023, 2, 10, 9, 30, 0, 0, time.UTC),
		// "FOI #555555" is WhatDoTheyKnow's own placeholder, not the
		// council's reference.
		Meta: map[string]string{"status": "Successful", "law": "foi", "reference": "FOI 123456"},
		Sections: []corpus.Section{
			{Headings: []string{"Request (10 February 2023)"},
				Text: "Dear Testshire Council,\nPlease tell me how much you spent repairing potholes in 2022.\nYours faithfully,\nA Requester"},
			{Headings: []string{"Response 1 (11 February 2023)"},
				Text: "Dear A Requester,\nThank you for your request. Please quote the reference number in the\nsubject line."},
			{Headings: []string{"Response 2 (1 March 2023)"},
				Text: "FOI 123456 Response.pdf\nDear A Requester,\nYour request FOI 123456 has been answered. " +
					"We spent £1,250,000 on pothole repairs in 2022.\nYours sincerely,\nInformation Governance"},
			{Headings: []string{"Follow-up 1 (2 March 2023)"}, Text: "Thank you for the quick answer."},
		},
	}
	if diff := cmp.Diff([]corpus.Document{want}, docs); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

func TestLoadWDTKSiteJSON(t *testing.T) {
	// The site's own request JSON names the body and state but has no
	// message text.
	data := `{"id": 7, "url_title": "bin_collection_data", "title": "Bin collection data",
	  "described_state": "waiting_response", "created_at": "2021-05-04T10:00:00Z",
	  "public_body": {"name": "Testshire District Council"}, "info_request_events": []}`
	docs := load(t, corpus.File{ID: "req.json", Data: []byte(data), Source: corpus.Source{Kind: corpus.KindFOI}})
	d := docs[0]
	if d.Council != "Testshire District Council" || d.Meta["status"] != "Waiting response" {
		t.Errorf("council, status = %q, %q; want the public body and a readable state", d.Council, d.Meta["status"])
	}
	if got, want := d.Text(), "Freedom of Information request \"Bin collection data\". Status: Waiting response."; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestLoadContractsFinder(t *testing.T) {
	docs := load(t, fixture(t, "contractsfinder.json", corpus.KindContracts, ""))
	wantIDs := []string{
		"jsondoc/contractsfinder.json#aaaaaaaa-0000-4000-8000-000000000001",
		"jsondoc/contractsfinder.json#aaaaaaaa-0000-4000-8000-000000000002",
		"jsondoc/contractsfinder.json#notice-3", // its id has spaces
		"jsondoc/contractsfinder.json#stats",
	}
	if diff := cmp.Diff(wantIDs, ids(docs)); diff != "" {
		t.Fatalf("IDs (-want +got):\n%s", diff)
	}
	tests := []struct {
		name  string
		doc   corpus.Document
		title string
		rec   corpus.Record
		text  string
	}{
		{
			name:  "awarded",
			doc:   docs[0],
			title: "Skip wagon & crane",
			rec: corpus.Record{Supplier: "Brook & Sons Ltd", AmountPence: 9650040, Date: day(2025, 11, 3),
				Category: "Skip loaders", Description: "Supply of one 18t skip wagon.",
				Reference: "aaaaaaaa-0000-4000-8000-000000000001", Status: "awarded"},
			text: "Testshire Borough Council awarded the contract \"Skip wagon & crane\" to Brook & Sons Ltd for £96,500.40 on 3 November 2025.",
		},
		{
			name:  "closed, with a value range",
			doc:   docs[1],
			title: "Road sweeping",
			rec: corpus.Record{AmountPence: 17500000, Date: day(2024, 9, 1), Category: "Road sweepers",
				Description: "Seasonal mechanical road sweeping.", Reference: "aaaaaaaa-0000-4000-8000-000000000002", Status: "closed"},
			text: "Estimated value: £150,000.00 to £175,000.00.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.doc.Title != tt.title {
				t.Errorf("title = %q, want %q", tt.doc.Title, tt.title)
			}
			if diff := cmp.Diff(tt.rec, *tt.doc.Record); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
			if !strings.Contains(tt.doc.Text(), tt.text) {
				t.Errorf("text = %q, want it to contain %q", tt.doc.Text(), tt.text)
			}
			if tt.doc.Council != "Testshire Borough Council" || tt.doc.Kind != corpus.KindContracts {
				t.Errorf("council, kind = %q, %q; want the buyer and contracts", tt.doc.Council, tt.doc.Kind)
			}
		})
	}
	stats := docs[3]
	for _, want := range []string{
		"Contracts Finder lists 3 notices published by Testshire Borough Council, of which 1 was awarded.",
		"awarded contracts worth £96,500.40",
		"- Brook & Sons Ltd: 1 contract, £96,500.40",
		"Notices by year for Testshire Borough Council: 2024: 1, 2025: 2.",
	} {
		if !strings.Contains(stats.Text(), want) {
			t.Errorf("stats text = %q, want it to contain %q", stats.Text(), want)
		}
	}
}

func TestLoadOCDS(t *testing.T) {
	docs := load(t, fixture(t, "ocds_release_package.json", corpus.KindContracts, jsondoc.FormatOCDS))
	wantIDs := []string{
		"jsondoc/ocds_release_package.json#ocds-test01-0001-award-1",
		"jsondoc/ocds_release_package.json#ocds-test01-0002-tender",
	}
	if diff := cmp.Diff(wantIDs, ids(docs)); diff != "" {
		t.Fatalf("IDs (-want +got):\n%s", diff)
	}
	wantRecs := []corpus.Record{
		{Supplier: "Fresh Plates Ltd, County Kitchens CIC", AmountPence: 285000050, Date: day(2024, 4, 10),
			EndDate: day(2027, 8, 31), Category: "School-meal services", Description: "Hot meals for 40 primary schools.",
			Reference: "ocds-test01-0001", Status: "active"},
		{AmountPence: 4500000, Date: day(2024, 4, 20), Category: "goods", Reference: "ocds-test01-0002", Status: "active"},
	}
	for i, want := range wantRecs {
		if diff := cmp.Diff(want, *docs[i].Record); diff != "" {
			t.Errorf("record %d (-want +got):\n%s", i, diff)
		}
	}
	if got, want := docs[0].Sections[0].Text, "Testshire County Council awarded the contract \"School catering\" to "+
		"Fresh Plates Ltd, County Kitchens CIC, worth £2,850,000.50, on 10 April 2024.\nThe contract ends on 31 August 2027."; !strings.HasPrefix(got, want) {
		t.Errorf("text = %q, want it to start %q", got, want)
	}
	if got, want := docs[1].Council, "Testshire County Council"; got != want {
		t.Errorf("buyer from parties = %q, want %q", got, want)
	}
}

func TestLoadOCDSRecordPackage(t *testing.T) {
	data := `{"records": [{"ocid": "ocds-x-1", "compiledRelease": {"ocid": "ocds-x-1", "id": "ocds-x-1-c",
	  "tender": {"title": "Bridge repair", "value": {"amount": 80000, "currency": "GBP"}}}}]}`
	docs := load(t, corpus.File{ID: "rec.json", Data: []byte(data), Source: corpus.Source{Kind: corpus.KindContracts}})
	if diff := cmp.Diff([]string{"rec.json#ocds-x-1-c"}, ids(docs)); diff != "" {
		t.Fatalf("IDs (-want +got):\n%s", diff)
	}
	if got, want := docs[0].Record.AmountPence, int64(8000000); got != want {
		t.Errorf("amount = %d, want %d", got, want)
	}
}

func TestLoadBudget(t *testing.T) {
	docs := load(t, fixture(t, "budget.json", corpus.KindBudget, ""))
	if len(docs) != 1 {
		t.Fatalf("got %d documents, want 1", len(docs))
	}
	d := docs[0]
	want := []corpus.Section{
		{Text: "Council id: testshire\nCouncil name: Testshire BC\nFinancial year: 2024-25\nKey trends:\n" +
			"- Spending on parks rose by a tenth between 2022 and 2025 as two new play areas opened."},
		{Headings: []string{"Headline"}, Text: "Net revenue expenditure: £17,450,000\nCouncil tax requirement: £7,925,000"},
		{Headings: []string{"Service breakdown"}, Text: "Highways and transport services: -£120,500\nCultural and related services: £4,960,000"},
		{Headings: []string{"Reserves"}, Text: "Earmarked opening: £21,400,000\nChange: -£612,000\nMonths cover: 4.5"},
		{Headings: []string{"Funding dependency"}, Text: "Council tax pct: 41%\nBusiness rates pct: 36%"},
		{Headings: []string{"Council tax"}, Text: "Band D by year: 2023/24 £301.15, 2024/25 £310.20"},
		{Headings: []string{"Service trends", "Central services"}, Text: "2023-24: £3,210,000\n2024-25: £2,987,000"},
		{Headings: []string{"Departmental growth"}, Text: "Streetscene: from £3,900,000, to £4,001,400, growth pct 2.6%"},
	}
	if diff := cmp.Diff(want, d.Sections); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if got, want := d.Title, "Budget 2024-25"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := d.Date, day(2024, 4, 1); !got.Equal(want) {
		t.Errorf("date = %v, want the start of the financial year %v", got, want)
	}
	if d.Kind != corpus.KindBudget || d.Council != "Testshire Council" {
		t.Errorf("kind, council = %q, %q; want budget and the manifest's council", d.Kind, d.Council)
	}
}
