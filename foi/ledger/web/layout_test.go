package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus/records"
	"github.com/townhall-civic/townhall/foi/ledger/ledgertest"
)

// TestPagesUseThePortalLayout checks the browser's pages are framed by
// the portal's layout with the browser's own slots filled: its
// stylesheet, its footer line, its section marked current, and the
// officers' Cases link shown, as by the portal, only when officers are
// on and the request comes from loopback.
func TestPagesUseThePortalLayout(t *testing.T) {
	store := records.NewLedger(ledgertest.MustDemoStore(t, demoManifest))
	tests := []struct {
		name      string
		officers  bool
		remote    string
		wantCases bool
	}{
		{"public", false, "127.0.0.1:4000", false},
		{"officers from loopback", true, "127.0.0.1:4000", true},
		{"officers on, remote visitor", true, "192.0.2.1:4000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(Config{Store: store, Council: "Thornbury Vale Borough Council", Officers: tt.officers})
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			h.Register(mux)
			req := httptest.NewRequest("GET", "/foi/contracts", nil)
			req.RemoteAddr = tt.remote
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			for _, want := range []string{
				`<link rel="stylesheet" href="/foi/ledger.css">`,
				"Figures are added up exactly from the council",
				`href="/foi/contracts" aria-current="true">Contracts</a>`,
				"<title>Contracts register - Thornbury Vale Borough Council</title>",
			} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(body, "Published responses have had personal information removed") {
				t.Errorf("page has the portal's footer line instead of the browser's")
			}
			if got := strings.Contains(body, `href="/foi/cases"`); got != tt.wantCases {
				t.Errorf("Cases link shown = %v, want %v", got, tt.wantCases)
			}
		})
	}
}

// TestAmountInputsNameTheirKind checks the shared amount inputs use the
// word for each list's amounts and keep what was typed.
func TestAmountInputsNameTheirKind(t *testing.T) {
	srv := MustServer(t, records.NewLedger(ledgertest.MustDemoStore(t, demoManifest)), nil)
	for _, tc := range []struct{ path, word string }{{"/foi/spending", "amount"}, {"/foi/contracts", "value"}} {
		code, _, body := get(t, srv, tc.path+"?min=100&max=2000")
		if code != http.StatusOK {
			t.Fatalf("%s: status %d", tc.path, code)
		}
		for _, want := range []string{
			`for="min">Smallest ` + tc.word + `, in pounds</label>`,
			`for="max">Largest ` + tc.word + `, in pounds</label>`,
			`id="min" name="min" type="text" inputmode="decimal" value="100"`,
			`id="max" name="max" type="text" inputmode="decimal" value="2000"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q", tc.path, want)
			}
		}
	}
}
