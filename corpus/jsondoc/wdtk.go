package jsondoc

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// wdtkBase is WhatDoTheyKnow's site; a request lives at
// /request/<url_title>.
const wdtkBase = "https://www.whatdotheyknow.com"

// isWDTK reports a WhatDoTheyKnow request: the thread export
// ({title, url_title, events[]}) or the site's own request JSON
// ({url_title, described_state, info_request_events[]}).
func isWDTK(o *object) bool {
	return o != nil && o.has("url_title") && (o.has("events") || o.has("info_request_events") || o.has("described_state"))
}

// councilRef finds a council's own reference for a request in its reply:
// "FOI 947509", "FOI/1222221", "FOI2024/39", "EIR 1104705",
// "FOI 2022-23-0852". WhatDoTheyKnow's "FOI #887180" placeholders are not
// council references and do not match.
var councilRef = regexp.MustCompile(`\b(?:FOI|EIR)\s?[/-]?\s?(\d{4}[ /-]\d{2}[ /-]\d{3,4}|\d{4}[/-]\d{1,6}|\d{3,8})\b`)

// wdtkCut marks where the quoted original request and WhatDoTheyKnow's
// footers begin in a message; text from there on repeats what is
// elsewhere.
var wdtkCut = []string{
	"\nshow quoted sections",
	"\nReferences\nVisible links",
	"\n-------------------------------------------------------------------\nPlease use this email address",
	"\nPlease use this email address for all replies to this request",
}

var quotedHeader = regexp.MustCompile(`(?m)^From: .*\n(?:.*\n)?Sent: `)

// attachmentLine matches the lines WhatDoTheyKnow writes around an
// attachment: "2 Attachments", "170K", "Download", "View as HTML", and
// inline images' file names.
var attachmentLine = regexp.MustCompile(`(?m)^(?:\d+ Attachments?|\d+(?:\.\d+)?[KM]|Download|View as HTML|image\d+\.(?:png|jpe?g|gif))\n`)

// wdtkDocs turns a request thread into one FOI document: the request and
// each reply a section, Meta "status", "law" and, when the council quotes
// one, "reference".
func wdtkDocs(f corpus.File, o *object) ([]corpus.Document, error) {
	urlTitle := o.str("url_title")
	title := oneLine(o.str("title"))
	if title == "" {
		title = humanize(urlTitle)
	}
	if title == "" {
		return nil, fmt.Errorf("request has no title: %w", corpus.ErrEmpty)
	}
	kind := f.Source.Kind
	if kind == "" {
		kind = corpus.KindFOI
	}
	d := corpus.Document{ID: f.ID, Kind: kind, Title: title, Council: f.Council}
	if pb := o.obj("public_body"); pb != nil && pb.str("name") != "" {
		d.Council = pb.str("name")
	}
	if urlTitle != "" {
		base := f.BaseURL
		if base == "" || !strings.Contains(base, "whatdotheyknow") {
			base = wdtkBase
		}
		d.URL = strings.TrimRight(base, "/") + "/request/" + urlTitle
	}
	d.Date, _ = parseTime(o.str("created_at"))
	meta := map[string]string{}
	status := o.str("display_status")
	if status == "" {
		status = humanize(o.str("described_state"))
	}
	if status != "" {
		meta["status"] = status
	}
	if law := o.str("law_used"); law != "" {
		meta["law"] = law
	}

	var requests, responses int
	for _, e := range o.arr("events") {
		eo, _ := e.(*object)
		if eo == nil {
			continue
		}
		var parts []string
		for _, c := range eo.arr("content") {
			if s, ok := c.(string); ok {
				parts = append(parts, s)
			}
		}
		if s := eo.str("content"); s != "" {
			parts = append(parts, s)
		}
		text := messageText(strings.Join(parts, "\n\n"))
		if text == "" {
			continue
		}
		var heading string
		switch eo.str("type") {
		case "outgoing":
			requests++
			heading = "Request"
			if requests > 1 {
				heading = fmt.Sprintf("Follow-up %d", requests-1)
			}
		default:
			responses++
			heading = fmt.Sprintf("Response %d", responses)
			if meta["reference"] == "" {
				if m := councilRef.FindString(text); m != "" {
					meta["reference"] = oneLine(m)
				}
			}
		}
		if t, ok := parseTime(eo.str("created_at")); ok {
			heading += " (" + t.Format("2 January 2006") + ")"
		}
		d.Sections = append(d.Sections, corpus.Section{Headings: []string{heading}, Text: text})
	}
	if len(d.Sections) == 0 {
		// The site's own JSON has no message text: say what is known.
		line := "Freedom of Information request \"" + title + "\""
		if status != "" {
			line += ". Status: " + status
		}
		d.Sections = []corpus.Section{{Text: sentence(line)}}
	}
	d.Meta = meta
	return []corpus.Document{d}, nil
}

// messageText cleans one message: it drops the quoted original request and
// WhatDoTheyKnow's footers, and tidies white space.
func messageText(s string) string {
	s = "\n" + strings.ReplaceAll(s, "\r\n", "\n")
	for _, cut := range wdtkCut {
		if i := strings.Index(s, cut); i >= 0 {
			s = s[:i]
		}
	}
	if loc := quotedHeader.FindStringIndex(s); loc != nil && loc[0] > 0 {
		s = s[:loc[0]]
	}
	s = attachmentLine.ReplaceAllString(s+"\n", "")
	return clean(s)
}
