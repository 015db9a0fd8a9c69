package open311

// Service types: whether a request gets an id at once (realtime), a token
// to exchange later (batch), or neither (blackbox).
const (
	Realtime = "realtime"
	Batch    = "batch"
	Blackbox = "blackbox"
)

// Attribute datatypes.
const (
	String          = "string"
	Number          = "number"
	Datetime        = "datetime"
	Text            = "text"
	SingleValueList = "singlevaluelist"
	MultiValueList  = "multivaluelist"
)

// Service is one kind of request a council accepts, such as "pothole".
type Service struct {
	Code        string `json:"service_code" xml:"service_code"`
	Name        string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	// Metadata says whether the service has a ServiceDefinition with
	// extra questions.
	Metadata bool   `json:"metadata" xml:"metadata"`
	Type     string `json:"type" xml:"type"`         // Realtime, Batch or Blackbox
	Keywords string `json:"keywords" xml:"keywords"` // comma-separated
	Group    string `json:"group" xml:"group"`
}

// ServiceDefinition lists the extra questions of a service.
type ServiceDefinition struct {
	ServiceCode string      `json:"service_code" xml:"service_code"`
	Attributes  []Attribute `json:"attributes" xml:"attributes>attribute"`
}

// Attribute is one question a service asks, answered in a request as
// attribute[Code]=value.
type Attribute struct {
	// Variable is false for an attribute that is only information to show
	// the user, with no answer expected.
	Variable            bool             `json:"variable" xml:"variable"`
	Code                string           `json:"code" xml:"code"`
	Datatype            string           `json:"datatype" xml:"datatype"`
	Required            bool             `json:"required" xml:"required"`
	DatatypeDescription string           `json:"datatype_description" xml:"datatype_description"`
	Order               int              `json:"order" xml:"order"`
	Description         string           `json:"description" xml:"description"`
	Values              []AttributeValue `json:"values,omitempty" xml:"values>value"`
}

// AttributeValue is one allowed answer of a list attribute.
type AttributeValue struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}
