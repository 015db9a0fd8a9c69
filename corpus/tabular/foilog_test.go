package tabular_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/tabular"
)

func TestLoadFOILog(t *testing.T) {
	docs, err := tabular.Load(context.Background(), fixture(t, "foi-disclosure-log-2011-12.csv", corpus.KindFOI))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 3 {
		t.Fatalf("got %d documents, want 3 (the title line is not a request)", len(docs))
	}
	want := corpus.Document{
		ID:      "tabular/foi-disclosure-log-2011-12.csv#row-1",
		Kind:    corpus.KindFOI,
		Title:   "Contracts for street lighting maintenance, and the renewal dates of each",
		Date:    day(2011, 12, 1),
		Meta:    map[string]string{"reference": "900101"},
		Council: "",
		Sections: []corpus.Section{{Text: "Freedom of Information request 900101 to Testshire Council, received 1 December 2011: " +
			"Contracts for street lighting maintenance, and the renewal dates of each."}},
	}
	if diff := cmp.Diff(want, docs[0]); diff != "" {
		t.Errorf("document mismatch (-want +got):\n%s", diff)
	}
	if got, want := docs[1].Title, "Vacant shop units with rateable value over £30k"; got != want {
		t.Errorf("title with a Windows-1252 pound = %q, want %q", got, want)
	}
	if got, want := docs[1].Date, day(2011, 12, 1); !got.Equal(want) {
		t.Errorf("two-digit-year date = %v, want %v", got, want)
	}
	if got, want := docs[2].Title, "Number of café pavement licences issued"; got != want {
		t.Errorf("UTF-8 title = %q, want %q", got, want)
	}
}

func TestLoadFOIIndex(t *testing.T) {
	data := "FOIR,Status,Request Date,Authority Name,Request Title,Request URL,Source\n" +
		",Successful,30/10/2012,Testshire County Council,Adoption services,https://www.whatdotheyknow.com/request/adoption_test,WhatDoTheyKnow\n"
	docs, err := tabular.Load(context.Background(), file("index.csv", data, corpus.KindFOI))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("got %d documents, want 1", len(docs))
	}
	d := docs[0]
	if got, want := d.Council, "Testshire County Council"; got != want {
		t.Errorf("council = %q, want the row's authority %q", got, want)
	}
	if got, want := d.URL, "https://www.whatdotheyknow.com/request/adoption_test"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if diff := cmp.Diff(map[string]string{"status": "Successful"}, d.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	if !strings.Contains(d.Sections[0].Text, "Source: WhatDoTheyKnow.") {
		t.Errorf("text = %q, want the other columns as \"Header: value\"", d.Sections[0].Text)
	}
}

func TestLoadFOIKeepsRequesterOut(t *testing.T) {
	data := "link,text,state,sender,date\n" +
		"https://www.whatdotheyknow.com/request/pensions_x#incoming-1,Pensions release,\"\n Information not held\n \",Jane Requester,2019-07-29 16:51:11\n"
	docs, err := tabular.Load(context.Background(), file("links.csv", data, corpus.KindFOI))
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	if strings.Contains(d.Text(), "Jane") {
		t.Errorf("text = %q, want no requester name", d.Text())
	}
	if got, want := d.Meta["status"], "Information not held"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if got, want := d.Date, day(2019, 7, 29); !got.Equal(want) {
		t.Errorf("date = %v, want %v", got, want)
	}
}

func TestLoadRows(t *testing.T) {
	docs, err := tabular.Load(context.Background(), fixture(t, "planning-decisions-2010.csv", corpus.KindPage))
	if err != nil {
		t.Fatal(err)
	}
	want := corpus.Document{
		ID:    "tabular/planning-decisions-2010.csv#row-1",
		Kind:  corpus.KindPage,
		Title: "10/00123/FUL: Single storey rear extension with roof lights.",
		Date:  day(2010, 1, 4),
		Meta:  map[string]string{"reference": "10/00123/FUL", "status": "PER"},
		Sections: []corpus.Section{{Text: "REFVAL: 10/00123/FUL\nADDRESS: 12 Example RoadLondonSW2 1AA\n" +
			"PROPOSAL: Single storey rear extension with roof lights.\nDATEDECISS: 04-Jan-10\nDECSN: PER"}},
	}
	if diff := cmp.Diff(want, docs[0]); diff != "" {
		t.Errorf("document mismatch (-want +got):\n%s", diff)
	}
	if len(docs) != 2 {
		t.Errorf("got %d documents, want 2", len(docs))
	}
}

func TestLoadContracts(t *testing.T) {
	docs, err := tabular.LoadContracts(context.Background(), fixture(t, "contracts-register.csv", corpus.KindContracts))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("got %d documents, want 2", len(docs))
	}
	wantRec := corpus.Record{Supplier: "Pennine Grounds Ltd", AmountPence: 1200000, Date: day(2017, 4, 1),
		EndDate: day(2018, 3, 31), Department: "Parks", Reference: "SC-2017-04", Status: "Awarded"}
	if diff := cmp.Diff(wantRec, *docs[0].Record); diff != "" {
		t.Errorf("record mismatch (-want +got):\n%s", diff)
	}
	if got, want := docs[0].Title, "Grounds maintenance"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	wantText := "Testshire Council let the contract \"Grounds maintenance\" to Pennine Grounds Ltd, worth £12,000.00, " +
		"from 1 April 2017 to 31 March 2018.\nStatus: Awarded.\nDepartment: Parks.\nReference: SC-2017-04."
	if got := docs[0].Sections[0].Text; got != wantText {
		t.Errorf("text = %q, want %q", got, wantText)
	}
	if got, want := docs[1].Record.EndDate, day(2019, 5, 31); !got.Equal(want) {
		t.Errorf("ISO end date = %v, want %v", got, want)
	}
}
