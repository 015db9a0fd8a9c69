// Package corpus holds Townhall's model of a council's published content:
// the sources a council declares in a manifest, the documents loaded from
// them, and the chunks that retrieval indexes.
//
// A document's ID is its path relative to the manifest's root folder, for
// example "bins/missed-collection.html". A record inside a file, such as one
// row of a spending CSV or one notice in a Contracts Finder export, has the
// ID "path#key", for example "spending/2024-q1.csv#row-17". Eval suites and
// citations refer to documents by these IDs, so they must be stable across
// re-ingests of the same files.
//
// Loaders for each file format live in subpackages (corpus/html, corpus/pdf,
// corpus/tabular, corpus/jsondoc, corpus/text) and are wired together by
// cmd/townhall. This package imports only the standard library.
package corpus
