package twilio_test

import (
	"net/url"
	"testing"

	"github.com/townhall-civic/townhall/channels/twilio"
)

// Vectors published by Twilio: the "Validating requests" page of its docs,
// and twilio-go client/request_validator_test.go (two versions of its
// parameter set).
const vectorURL = "https://mycompany.com/myapp.php?foo=1&bar=2"

var (
	docsParams = url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Caller":  {"+12349013030"},
		"Digits":  {"1234"},
		"From":    {"+12349013030"},
		"To":      {"+18005551212"},
	}
	goOldParams = url.Values{
		"Digits":  {"1234"},
		"CallSid": {"CA1234567890ABCDE"},
		"To":      {"+18005551212"},
		"Caller":  {"+14158675309"},
		"From":    {"+14158675309"},
	}
	goNewParams = url.Values{
		"Digits":                {"1234"},
		"CallSid":               {"CA1234567890ABCDE"},
		"To":                    {"+18005551212"},
		"Caller":                {"+14158675309"},
		"From":                  {"+14158675309"},
		"ReasonConferenceEnded": {"test"},
		"Reason":                {"Participant"},
	}
)

func TestValidateSignaturePublishedVectors(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		params url.Values
		sig    string
	}{
		{"twilio docs", vectorURL, docsParams, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
		{"twilio-go", vectorURL, goNewParams, "vOEb5UThFn24KEfnOFLQY2AE5FY="},
		{"twilio-go http", "http://mycompany.com/myapp.php?foo=1&bar=2", goNewParams, "n2xBNyzSW7rfYStDtOFiFMv7qNo="},
		{"twilio-go older", vectorURL, goOldParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
		{"signed with :443, configured without", vectorURL, goOldParams, "kvajT1Ptam85bY51eRf/AJRuM3w="},
		{"signed without port, requested with one", "https://mycompany.com:1234/myapp.php?foo=1&bar=2", goOldParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
		{"http with port 1234", "http://mycompany.com:1234/myapp.php?foo=1&bar=2", goOldParams, "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="},
		{"http without port", "http://mycompany.com/myapp.php?foo=1&bar=2", goOldParams, "0ZXoZLH/DfblKGATFgpif+LLRf4="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !twilio.ValidateSignature("12345", tt.url, tt.params, tt.sig) {
				t.Errorf("ValidateSignature(%q) = false, want true", tt.url)
			}
		})
	}
}

func TestValidateSignatureRejects(t *testing.T) {
	good := "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
	tampered := url.Values{}
	for k, v := range docsParams {
		tampered[k] = v
	}
	tampered.Set("Digits", "9999")
	tests := []struct {
		name, token, url string
		params           url.Values
		sig              string
	}{
		{"wrong token", "54321", vectorURL, docsParams, good},
		{"empty token", "", vectorURL, docsParams, good},
		{"tampered param", "12345", vectorURL, tampered, good},
		{"other url", "12345", "https://mycompany.com/other.php?foo=1&bar=2", docsParams, good},
		{"missing signature", "12345", vectorURL, docsParams, ""},
		{"truncated signature", "12345", vectorURL, docsParams, good[:len(good)-1]},
		{"garbage", "12345", vectorURL, docsParams, "WRONG SIGNATURE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if twilio.ValidateSignature(tt.token, tt.url, tt.params, tt.sig) {
				t.Error("ValidateSignature = true, want false")
			}
		})
	}
}

func TestValidateBodySignature(t *testing.T) {
	const hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	body := []byte(`{"property": "value", "boolean": true}`)
	u := vectorURL + "&bodySHA256=" + hash
	if !twilio.ValidateBodySignature("12345", u, body, "a9nBmqA0ju/hNViExpshrM61xv4=") {
		t.Error("published body vector rejected")
	}
	if twilio.ValidateBodySignature("12345", u, []byte(`{"property": "other"}`), "a9nBmqA0ju/hNViExpshrM61xv4=") {
		t.Error("tampered body accepted")
	}
	if twilio.ValidateBodySignature("12345", vectorURL, body, "RSOYDt4T1cUTdK1PDd93/VVr8B8=") {
		t.Error("URL without bodySHA256 accepted")
	}
}

func TestSignRequestRoundTrip(t *testing.T) {
	sig := twilio.SignRequest("12345", vectorURL, docsParams)
	if sig != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Errorf("got %q, want the docs vector", sig)
	}
}
