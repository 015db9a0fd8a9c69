// Command gen writes the demo corpus's "spending over £500" file for the
// fictional Thornbury Vale Borough Council. The council, its suppliers and
// every payment are invented; recurring suppliers match the contracts
// register in ../contracts.
//
// The output is reproducible: one fixed seed drives all randomness, and
// suppliers are visited in slice order. From the repository root:
//
//	go run ./testdata/demo/gen -out testdata/demo/spending/spending-over-500-2024-25.csv
//
// Changing this program changes the figures that testdata/demo/suite.jsonl
// checks, so re-verify those cases after regenerating.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"time"
)

const body = "Thornbury Vale Borough Council"

// payment is one row of the output.
type payment struct {
	date     time.Time
	service  string
	category string
	supplier string
	pence    int64
}

// stream is a supplier paid on a schedule: in the listed months (1-12, or
// all months when nil), times per month, an amount between min and max
// pounds, or exactly fixed pounds when fixed is set.
type stream struct {
	supplier, service, category string
	months                      []int
	times                       int
	min, max                    float64
	fixed                       float64
}

// oneOff is a supplier that is paid now and then, at random.
type oneOff struct {
	supplier, service, category string
	min, max                    float64
}

var (
	winter    = []int{10, 11, 1, 2}
	quarterly = []int{4, 7, 10, 1}
	school    = []int{4, 5, 6, 7, 9, 10, 11, 12, 1, 2, 3}
)

func streams() []stream {
	return []stream{
		{supplier: "Greenway Environmental Services Ltd", service: "Waste and Recycling", category: "Contract Payments", times: 1, min: 598000, max: 618000},
		{supplier: "Vale Highways Ltd", service: "Highways and Transport", category: "Highways Maintenance Contract", times: 1, min: 180000, max: 420000},
		{supplier: "Vale Highways Ltd", service: "Highways and Transport", category: "Pothole and Reactive Repairs", times: 1, min: 45000, max: 95000},
		{supplier: "Vale Highways Ltd", service: "Highways and Transport", category: "Traffic Management", times: 1, min: 8000, max: 25000},
		{supplier: "Meridian Workforce Solutions Ltd", service: "Children's Social Care", category: "Agency Staff", times: 1, min: 200000, max: 290000},
		{supplier: "Meridian Workforce Solutions Ltd", service: "Adult Social Care", category: "Agency Staff", times: 1, min: 100000, max: 160000},
		{supplier: "Castlegate Property Services Ltd", service: "Housing Repairs", category: "Responsive Repairs", times: 1, min: 280000, max: 360000},
		{supplier: "Castlegate Property Services Ltd", service: "Housing Repairs", category: "Empty Homes Works", times: 1, min: 60000, max: 110000},
		{supplier: "Warmhold Heating Ltd", service: "Housing Repairs", category: "Gas Servicing and Heating Repairs", times: 1, min: 110000, max: 150000},
		{supplier: "Valeside Leisure Trust", service: "Leisure and Culture", category: "Management Fee", months: quarterly, times: 1, fixed: 103000},
		{supplier: "Brightstone Facilities Ltd", service: "Corporate Property", category: "Cleaning", times: 1, min: 38000, max: 45000},
		{supplier: "Lumen Civic Lighting Ltd", service: "Highways and Transport", category: "Street Lighting", times: 1, min: 55000, max: 95000},
		{supplier: "Fernleaf Grounds Care Ltd", service: "Parks and Open Spaces", category: "Grounds Maintenance", times: 1, min: 90000, max: 130000},
		{supplier: "Oakleigh Care Homes Ltd", service: "Adult Social Care", category: "Residential Care", times: 1, min: 205000, max: 215000},
		{supplier: "Brookfield Support Ltd", service: "Adult Social Care", category: "Supported Living", times: 1, min: 125000, max: 135000},
		{supplier: "Vale Coaches Ltd", service: "Education and SEND", category: "Home to School Transport", months: school, times: 1, min: 150000, max: 200000},
		{supplier: "Vale Energy Supply Ltd", service: "Corporate Property", category: "Electricity and Gas", times: 1, min: 50000, max: 140000},
		{supplier: "Trident Fleet Hire Ltd", service: "Waste and Recycling", category: "Vehicle Lease", times: 1, fixed: 39287.50},
		{supplier: "Northfell Salt Supplies Ltd", service: "Highways and Transport", category: "Winter Maintenance - Salt", months: winter, times: 1, min: 40000, max: 90000},
		{supplier: "TicketPoint Systems Ltd", service: "Parking Services", category: "Software Licences and Support", months: quarterly, times: 1, min: 28000, max: 32000},
		{supplier: "Haldane Construction Ltd", service: "Regeneration", category: "Capital - Construction Works", times: 1, min: 400000, max: 1100000},
		{supplier: "Oakbank Arboriculture Ltd", service: "Parks and Open Spaces", category: "Tree Works", months: []int{11, 12, 1, 2, 3}, times: 1, min: 15000, max: 40000},
		{supplier: "Dryline Building Solutions Ltd", service: "Housing Repairs", category: "Damp and Mould Works", times: 1, min: 20000, max: 45000},
		{supplier: "Sentinel Vision Systems Ltd", service: "Community Safety", category: "CCTV Maintenance", months: quarterly, times: 1, min: 36000, max: 40000},
		{supplier: "Allied Municipal Insurance plc", service: "Finance", category: "Insurance Premiums", months: []int{4}, times: 1, fixed: 1214880},
		{supplier: "Mailmark Print Services Ltd", service: "Revenues and Benefits", category: "Printing and Postage", months: []int{3}, times: 1, min: 44000, max: 52000},
		{supplier: "Mailmark Print Services Ltd", service: "Revenues and Benefits", category: "Printing and Postage", months: []int{5, 8, 11}, times: 1, min: 4000, max: 9000},
		{supplier: "LinguaVale Interpreting Ltd", service: "Customer Services", category: "Interpreting and Translation", times: 1, min: 4000, max: 8000},
		{supplier: "SignLink Relay Ltd", service: "Customer Services", category: "BSL Video Relay", months: quarterly, times: 1, fixed: 4000},
		{supplier: "Polybin Containers Ltd", service: "Waste and Recycling", category: "Bins and Containers", months: []int{4, 6, 9, 2}, times: 1, min: 12000, max: 35000},
		{supplier: "Clearcall Communications Ltd", service: "ICT", category: "Telephony", months: quarterly, times: 1, fixed: 26000},
		{supplier: "Castellan Revenues Systems Ltd", service: "Revenues and Benefits", category: "Software Licences and Support", months: []int{4}, times: 1, fixed: 289400},
		{supplier: "Castellan Revenues Systems Ltd", service: "Revenues and Benefits", category: "Software Development", months: []int{9, 1}, times: 1, min: 6000, max: 14000},
		{supplier: "Bookstack Library Systems Ltd", service: "Libraries", category: "Software Licences and Support", months: []int{10}, times: 1, fixed: 57200},
		{supplier: "Airsense Monitoring Ltd", service: "Environmental Health", category: "Air Quality Monitoring", months: quarterly, times: 1, fixed: 5300},
		{supplier: "Aldermoor Lodge Hotel Ltd", service: "Temporary Accommodation", category: "Bed and Breakfast", times: 1, min: 20000, max: 60000},
		{supplier: "Riverside Guest House (Brackenford) Ltd", service: "Temporary Accommodation", category: "Bed and Breakfast", times: 1, min: 15000, max: 45000},
		{supplier: "Caring Hands Vale Ltd", service: "Adult Social Care", category: "Home Care", times: 1, min: 60000, max: 140000},
		{supplier: "Bluebell Homecare Ltd", service: "Adult Social Care", category: "Home Care", times: 1, min: 60000, max: 140000},
		{supplier: "REDACTED - personal data", service: "Children's Social Care", category: "Foster Care Allowances", times: 1, min: 600, max: 4000},
	}
}

func oneOffs() []oneOff {
	return []oneOff{
		{"Officeline Supplies Ltd", "Corporate Services", "Stationery", 520, 2400},
		{"Vale Kitchen Catering Ltd", "Democratic Services", "Catering", 540, 1800},
		{"Learnwell Training Ltd", "Human Resources", "Training", 900, 8500},
		{"Datacore IT Ltd", "ICT", "Computer Hardware", 1500, 48000},
		{"Cloudworks Software Ltd", "ICT", "Software Licences and Support", 2000, 36000},
		{"Albright Consulting LLP", "Regeneration", "Consultancy", 4500, 38000},
		{"Fenwick Chambers", "Legal Services", "Legal Fees - Counsel", 1200, 16000},
		{"Pennington Lowe LLP", "Legal Services", "Legal Fees", 2500, 22000},
		{"Kestlebury Manor Ltd", "Registration Services", "Venue Hire", 600, 2200},
		{"Hartshire Water plc", "Corporate Property", "Water Charges", 800, 9500},
		{"Civic Interiors Ltd", "Corporate Property", "Furniture", 700, 14000},
		{"Vale Print Ltd", "Communications", "Printing", 560, 7200},
		{"Guardline Security Ltd", "Corporate Property", "Security Services", 1800, 9800},
		{"Roadsign Direct Ltd", "Highways and Transport", "Signs and Lines", 650, 12500},
		{"Playwise Equipment Ltd", "Parks and Open Spaces", "Play Equipment", 3500, 42000},
		{"Page & Quill Book Supplies Ltd", "Libraries", "Books and Publications", 1500, 11000},
		{"Vale Gazette Ltd", "Democratic Services", "Advertising - Public Notices", 520, 2600},
		{"Postline Mail Services Ltd", "Corporate Services", "Postage", 2400, 11500},
		{"Hartshire Audit Partnership", "Finance", "Internal Audit", 18000, 24000},
		{"Safeway Skip Hire Ltd", "Waste and Recycling", "Skip Hire", 540, 3200},
		{"Keyguard Locksmiths Ltd", "Housing Repairs", "Lock Changes", 510, 1900},
		{"Millbrook Motor Factors Ltd", "Fleet Services", "Vehicle Parts", 560, 6400},
	}
}

func main() {
	out := flag.String("out", "spending-over-500-2024-25.csv", "file to write")
	extra := flag.Int("oneoffs", 46, "number of one-off payments to add")
	flag.Parse()

	r := rand.New(rand.NewPCG(20240401, 20250331))
	var ps []payment
	for m := 0; m < 12; m++ {
		year, month := 2024, time.Month(4+m)
		if month > 12 {
			year, month = 2025, month-12
		}
		for _, s := range streams() {
			if s.months != nil && !contains(s.months, int(month)) {
				continue
			}
			for range s.times {
				amount := s.fixed
				if amount == 0 {
					amount = s.min + r.Float64()*(s.max-s.min)
				}
				ps = append(ps, payment{
					date:     workday(year, month, 3+r.IntN(24)),
					service:  s.service,
					category: s.category,
					supplier: s.supplier,
					pence:    int64(amount*100 + 0.5),
				})
			}
		}
	}

	// Stage payments for the Riverside car park study add up to its
	// contract value, £78,500.
	for _, st := range []struct {
		y, m, d int
		pounds  int64
	}{{2024, 7, 18, 26000}, {2024, 10, 24, 31500}, {2025, 2, 13, 21000}} {
		ps = append(ps, payment{date: workday(st.y, time.Month(st.m), st.d), service: "Regeneration",
			category: "Consultancy", supplier: "Penrose Urban Design LLP", pence: st.pounds * 100})
	}

	pool := oneOffs()
	for range *extra {
		o := pool[r.IntN(len(pool))]
		month := time.Month(1 + r.IntN(12))
		year := 2024
		if month < 4 {
			year = 2025
		}
		amount := o.min + r.Float64()*(o.max-o.min)
		ps = append(ps, payment{date: workday(year, month, 1+r.IntN(28)), service: o.service,
			category: o.category, supplier: o.supplier, pence: int64(amount*100 + 0.5)})
	}

	// Credit notes appear in real files as negative amounts.
	ps = append(ps,
		payment{date: workday(2024, 11, 21), service: "Highways and Transport", category: "Highways Maintenance Contract",
			supplier: "Vale Highways Ltd", pence: -1840250},
		payment{date: workday(2025, 1, 16), service: "Housing Repairs", category: "Responsive Repairs",
			supplier: "Castlegate Property Services Ltd", pence: -234000},
	)

	sort.SliceStable(ps, func(i, j int) bool { return ps[i].date.Before(ps[j].date) })
	if err := write(*out, ps, r); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "wrote %d payments to %s\n", len(ps), *out)
}

func write(name string, ps []payment, r *rand.Rand) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"Body Name", "Service Area", "Expenditure Category", "Payment Date",
		"Transaction Number", "Amount (£)", "Supplier Name"})
	txn := 400112
	for _, p := range ps {
		txn += 1 + r.IntN(40)
		w.Write([]string{body, p.service, p.category, p.date.Format("02/01/2006"),
			"TVP" + strconv.Itoa(txn), money(p.pence), p.supplier})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// money formats pence as pounds with thousands separators, e.g. 123456789
// as "1,234,567.89". The CSV writer quotes values that contain commas.
func money(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	whole := strconv.FormatInt(pence/100, 10)
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	return fmt.Sprintf("%s%s.%02d", sign, whole, pence%100)
}

// workday returns the given date, moved forward to the next working day
// if it falls on a weekend or an English bank holiday in 2024/25. A date
// past the end of the month is clamped to the month's last day first.
func workday(year int, month time.Month, day int) time.Time {
	last := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day > last {
		day = last
	}
	d := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || holiday(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func holiday(d time.Time) bool {
	for _, h := range []string{"2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25",
		"2024-12-26", "2025-01-01", "2025-04-18", "2025-04-21"} {
		if d.Format("2006-01-02") == h {
			return true
		}
	}
	return false
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
