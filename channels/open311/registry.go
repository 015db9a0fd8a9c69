package open311

import (
	"context"
	"fmt"
)

// Catalogue is a fixed Registry: a council's services and their questions,
// typically loaded from configuration by cmd/townhall.
type Catalogue struct {
	List        []Service
	Definitions map[string]ServiceDefinition // by service code
}

var _ Registry = (*Catalogue)(nil)

// Services implements Registry.
func (c *Catalogue) Services(context.Context) ([]Service, error) {
	return append([]Service(nil), c.List...), nil
}

// ServiceDefinition implements Registry. A listed service without
// questions has an empty definition.
func (c *Catalogue) ServiceDefinition(_ context.Context, code string) (*ServiceDefinition, error) {
	if d, ok := c.Definitions[code]; ok {
		return &d, nil
	}
	for _, s := range c.List {
		if s.Code == code {
			return &ServiceDefinition{ServiceCode: code, Attributes: []Attribute{}}, nil
		}
	}
	return nil, fmt.Errorf("service %q: %w", code, ErrNotFound)
}
