package tabular

import (
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		wantOK bool
	}{
		{"1234.5", 123450, true},
		{"1234", 123400, true},
		{"£1,234.56", 123456, true},
		{" £ 1,234.56 ", 123456, true},
		{"\"2,100.00\"", 0, false},
		{"2,100.00", 210000, true},
		{"1,800", 180000, true},
		{"1,234,567", 123456700, true},
		{"(123.45)", -12345, true},
		{"-£5", -500, true},
		{"£-5.00", -500, true},
		{"−7.50", -750, true},
		{"123.45-", -12345, true},
		{"12.34 CR", -1234, true},
		{"GBP 12", 1200, true},
		{"1.234,56", 123456, true},
		{"987,5", 98750, true},
		{".5", 50, true},
		{"0.005", 1, true},
		{"0.004", 0, true},
		{"-0.01", -1, true},
		{"", 0, false},
		{"£", 0, false},
		{"abc", 0, false},
		{"25/06/2012900", 0, false},
		{"1e5", 0, false},
		{"12 34x", 0, false},
		{"9999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseAmount(tt.in)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestFormatPence(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{123456, "£1,234.56"},
		{5, "£0.05"},
		{0, "£0.00"},
		{-98000, "-£980.00"},
		{100000000, "£1,000,000.00"},
	}
	for _, tt := range tests {
		if got := formatPence(tt.in); got != tt.want {
			t.Errorf("formatPence(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in     string
		serial bool
		want   time.Time
		wantOK bool
	}{
		{"02/10/2019", false, day(2019, 10, 2), true},
		{"2/10/19", false, day(2019, 10, 2), true},
		{"06/01/26", false, day(2026, 1, 6), true},
		{"31/12/99", false, day(1999, 12, 31), true},
		{"02-Oct-19", false, day(2019, 10, 2), true},
		{"01-JUN-2012", false, day(2012, 6, 1), true},
		{"2019-10-02", false, day(2019, 10, 2), true},
		{"02.10.2019", false, day(2019, 10, 2), true},
		{"2 October 2019", false, day(2019, 10, 2), true},
		{"14 Apr 2023", false, day(2023, 4, 14), true},
		{"13 Sept 2023", false, day(2023, 9, 13), true},
		{"1st May 2020", false, day(2020, 5, 1), true},
		{"October 2, 2019", false, day(2019, 10, 2), true},
		{"2019-07-29 16:51:11", false, day(2019, 7, 29), true},
		{"2019-07-29T16:51:11.848+01:00", false, day(2019, 7, 29), true},
		{"02/10/2019 00:00", false, day(2019, 10, 2), true},
		{"43658", true, day(2019, 7, 12), true},
		{"43658", false, time.Time{}, false},
		{"123", true, time.Time{}, false},
		{"31/02/2019", false, time.Time{}, false},
		{"13/13/2019", false, time.Time{}, false},
		{"00:00:00", false, time.Time{}, false},
		{"December 2011", false, time.Time{}, false},
		{"", false, time.Time{}, false},
		{"P-CARD - AUG 19", false, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in, tt.serial)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q, %v) = %v, %v; want %v, %v", tt.in, tt.serial, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestPeriodFromName(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"lambeth/payments/2011-11-payments.csv", time.Date(2011, 11, 1, 0, 0, 0, 0, time.UTC), true},
		{"spend_2024_03.csv", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"expenditure-over-500-jan-mar-2014.csv", time.Time{}, false},
		{"1908.csv", time.Time{}, false},
		{"2011-13-payments.csv", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := periodFromName(tt.in)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("periodFromName(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf-8 kept", []byte("Net Amount (£)\n"), "Net Amount (£)\n"},
		{"windows-1252 pound", []byte("Net Amount(\xa3)\r\n"), "Net Amount(£)\n"},
		{"mixed bytes", []byte("caf\xc3\xa9 \xa345k"), "café £45k"},
		{"bom dropped", []byte("\xef\xbb\xbfRef,Summary"), "Ref,Summary"},
		{"bare carriage returns", []byte("a,b\rc,d\r"), "a,b\nc,d\n"},
		{"windows-1252 quotes", []byte("\x93quoted\x94"), "\u201cquoted\u201d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := decodeText(tt.in); got != tt.want {
				t.Errorf("decodeText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Net Amount(£)", "net amount gbp"},
		{"Name:  ", "name"},
		{"HBC Ref No.", "hbc ref no"},
		{"paid_date", "paid date"},
		{" Supplier Name ", "supplier name"},
		{"£ (net)", "gbp net"},
	}
	for _, tt := range tests {
		if got := normHeader(tt.in); got != tt.want {
			t.Errorf("normHeader(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSniffComma(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want rune
	}{
		{"comma", "a,b,c\n1,2,3\n", ','},
		{"semicolon with commas in amounts", "Payee;Amount\nA;1,5\nB;2,75\n", ';'},
		{"tab", "a\tb\n1\t2\n", '\t'},
		{"title line does not decide", "Report; June\na,b,c\n1,2,3\n4,5,6\n", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sniffComma(tt.in); got != tt.want {
				t.Errorf("sniffComma = %q, want %q", got, tt.want)
			}
		})
	}
}
