package jsondoc

import "testing"

func TestCouncilReference(t *testing.T) {
	tests := map[string]string{
		"Our reference: FOI 947509.":         "FOI 947509",
		"Ref FOI/1222221":                    "FOI/1222221",
		"quoting FOI2024/39 in reply":        "FOI2024/39",
		"Reference: FOI-2024-0153":           "FOI-2024-0153",
		"EIR-2025-0019 has been logged":      "EIR-2025-0019",
		"FOI 2022-23-0852":                   "FOI 2022-23-0852",
		"WhatDoTheyKnow FOI #887180 request": "",
	}
	for text, want := range tests {
		if got := councilRef.FindString(text); got != want {
			t.Errorf("councilRef in %q = %q, want %q", text, got, want)
		}
	}
}
