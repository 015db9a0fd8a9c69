// Package jsondoc loads JSON and JSON Lines files into corpus documents.
// It recognises the shapes councils' content arrives in and gives each
// its natural documents:
//
//   - GOV.UK content items (publishing-api): one page per file, sections
//     from the HTML body, guide parts and step-by-step steps;
//   - WhatDoTheyKnow request threads: one FOI document per request, the
//     request and each response a section;
//   - Contracts Finder exports: one document per notice ("path#<id>") and
//     one for the export's statistics ("path#stats");
//   - OCDS release packages and record packages: one document per release;
//   - budgets (any JSON under a budget source): the nested figures written
//     as "Label: £N" lines, one section per branch of the tree;
//   - anything else: an array of objects with a title and a body becomes
//     one document per element ("path#<id>" or "path#item-N"), JSON Lines
//     one per line ("path#line-N"), and any other value one document that
//     spells out its fields.
//
// The shape is detected from the content unless the source names a format
// (govuk, wdtk, contractsfinder, ocds). Object keys keep their order from
// the file, so sections read in the order the publisher wrote them.
package jsondoc
