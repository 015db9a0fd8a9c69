package jsondoc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// object is a JSON object that remembers its key order. Arrays decode to
// []any, strings to string, numbers to json.Number, and true, false and
// null to bool and nil.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) get(k string) any {
	if o == nil {
		return nil
	}
	return o.vals[k]
}

// fields returns o's keys in file order; none for a nil object.
func (o *object) fields() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// str returns the string at k, trimmed; a number is given as written.
func (o *object) str(k string) string {
	switch v := o.get(k).(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	}
	return ""
}

// obj returns the object at k, or nil.
func (o *object) obj(k string) *object {
	v, _ := o.get(k).(*object)
	return v
}

// arr returns the array at k, or nil.
func (o *object) arr(k string) []any {
	v, _ := o.get(k).([]any)
	return v
}

// num returns the number at k.
func (o *object) num(k string) (json.Number, bool) {
	switch v := o.get(k).(type) {
	case json.Number:
		return v, true
	case string: // some exports quote their numbers
		n := json.Number(strings.TrimSpace(v))
		if _, err := n.Float64(); err == nil && n != "" {
			return n, true
		}
	}
	return "", false
}

// has reports whether o has key k.
func (o *object) has(k string) bool {
	if o == nil {
		return false
	}
	_, ok := o.vals[k]
	return ok
}

// decode parses one JSON value from data, keeping key order. Bytes that
// are not valid UTF-8 are read as Windows-1252 first, so a Latin-1 "£"
// survives. Errors wrap corpus.ErrInvalid and give the byte offset and
// line of the fault.
func decode(data []byte) (any, error) {
	dec := newDecoder(data)
	v, err := decodeValue(dec)
	if err != nil {
		return nil, syntaxError(data, dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		off := dec.InputOffset()
		return nil, fmt.Errorf("offset %d (line %d): data after the JSON value: %w", off, lineAt(data, off), corpus.ErrInvalid)
	}
	return v, nil
}

func newDecoder(data []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := o.vals[k]; !dup {
					o.keys = append(o.keys, k)
				}
				o.vals[k] = v
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			var a []any
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			if a == nil {
				a = []any{}
			}
			return a, nil
		}
		return nil, fmt.Errorf("unexpected %q", t)
	}
	return tok, nil
}

// syntaxError describes a decoding failure with its position.
func syntaxError(data []byte, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	msg := err.Error()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of input"
		off = int64(len(data))
	}
	return fmt.Errorf("invalid JSON at offset %d (line %d): %s: %w", off, lineAt(data, off), msg, corpus.ErrInvalid)
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
