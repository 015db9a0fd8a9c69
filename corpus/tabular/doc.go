// Package tabular loads CSV files published by councils: payments to
// suppliers, contract registers, FOI disclosure logs and any other table.
// Every data row becomes one corpus.Document with the ID "path#row-N",
// where N counts the file's data rows from 1 in file order, so a citation
// keeps pointing at the same row across re-ingests of the same file.
//
// Council CSVs are untidy. A file may start with title lines before its
// header, or keep its header at the very end; it may be Windows-1252 rather
// than UTF-8, end lines with bare carriage returns, separate fields with
// semicolons, pad rows with empty columns, and name the same column a dozen
// ways ("Supplier Name", "Name:", "Payee"). The loader finds the header by
// scoring rows against the column names councils use, maps columns to
// roles (supplier, amount, date, ...) by those names, and parses amounts
// and dates in the formats found in real files. Rows it cannot use are
// reported in Result.Problems rather than failing the whole file; a file
// with no usable rows fails with an error wrapping corpus.ErrInvalid.
//
// Parsing uses encoding/csv with lazy quotes; a quote that is never closed
// would otherwise swallow the rest of the file, so a record spanning an
// implausible number of lines is re-read line by line.
package tabular
