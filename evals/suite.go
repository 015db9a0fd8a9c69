package evals

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ErrInvalid reports input that cannot be used: a suite or report that
// does not parse, a bad thresholds file, an unknown configuration.
var ErrInvalid = errors.New("invalid eval input")

// Case is one scored conversation.
type Case struct {
	ID      string   `json:"id"`
	Turns   []string `json:"turns"`
	Channel string   `json:"channel,omitempty"`
	Needs   []string `json:"needs,omitempty"`
	Expect  Expect   `json:"expect"`
	Tags    []string `json:"tags,omitempty"`
}

// Expect is what a case expects of the scored (last) turn.
type Expect struct {
	Intent   string   `json:"intent,omitempty"`
	Sources  []string `json:"sources,omitempty"`
	Facts    []string `json:"facts,omitempty"`
	Not      []string `json:"not,omitempty"`
	Service  string   `json:"service,omitempty"`
	MaxGrade float64  `json:"max_grade,omitempty"`
}

// Intents are the values Expect.Intent may take.
var Intents = []string{"answer", "service_request", "foi_request", "handoff", "refuse", "emergency"}

// ReadSuite parses a suite. Blank lines and lines starting with "//" are
// skipped. Errors name the line.
func ReadSuite(r io.Reader) ([]Case, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	var cases []Case
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		var c Case
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("line %d: %v: %w", n, err, ErrInvalid)
		}
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("line %d: %v: %w", n, err, ErrInvalid)
		}
		if prev, ok := seen[c.ID]; ok {
			return nil, fmt.Errorf("line %d: id %q already used on line %d: %w", n, c.ID, prev, ErrInvalid)
		}
		seen[c.ID] = n
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return cases, nil
}

// ReadSuiteFile reads a suite from a file.
func ReadSuiteFile(path string) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cases, err := ReadSuite(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cases, nil
}

func (c *Case) validate() error {
	if c.ID == "" {
		return errors.New("missing id")
	}
	if len(c.Turns) == 0 || strings.TrimSpace(c.Turns[len(c.Turns)-1]) == "" {
		return fmt.Errorf("case %s: no turns", c.ID)
	}
	if c.Channel == "" {
		c.Channel = "web"
	}
	switch c.Channel {
	case "web", "sms", "whatsapp":
	default:
		return fmt.Errorf("case %s: unknown channel %q", c.ID, c.Channel)
	}
	if c.Expect.Intent != "" {
		ok := false
		for _, i := range Intents {
			ok = ok || i == c.Expect.Intent
		}
		if !ok {
			return fmt.Errorf("case %s: unknown intent %q", c.ID, c.Expect.Intent)
		}
	}
	return nil
}

// Question returns the scored turn.
func (c *Case) Question() string { return c.Turns[len(c.Turns)-1] }
