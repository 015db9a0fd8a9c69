package pdf

import (
	"errors"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// The library's Page.Content looks up a glyph's width in the font
// dictionary for every glyph, re-reading (and often re-inflating) the
// object each time, which made an 8-page file take seconds. It also
// ignores form XObjects and word spacing, and takes two-byte codes one
// byte at a time. This interpreter runs the same text operators with each
// font read once per page.

// Bounds on the work one page may cause.
const (
	maxGlyphs    = 1 << 20 // glyphs kept from one page
	maxOps       = 4 << 20 // content operators run for one page
	maxFormDepth = 8       // nesting of form XObjects
)

// errBudget stops a page that exceeds maxOps or maxGlyphs; the glyphs
// found so far are kept.
var errBudget = errors.New("pdf: page work budget exceeded")

type matrix [3][3]float64

var identity = matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}

func (x matrix) mul(y matrix) matrix {
	var z matrix
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				z[i][j] += x[i][k] * y[k][j]
			}
		}
	}
	return z
}

func translate(tx, ty float64) matrix { return matrix{{1, 0, 0}, {0, 1, 0}, {tx, ty, 1}} }

// font is what the interpreter needs from a font dictionary.
type font struct {
	name    string
	enc     pdf.TextEncoding
	twoByte bool    // Type0 (CID) font: two-byte codes
	scale   float64 // glyph space to text space: 1/1000, or a Type3 FontMatrix
	first   int
	widths  []float64
	dw      float64         // CID default width
	cidW    map[int]float64 // CID widths from /W
}

func loadFont(v pdf.Value) *font {
	pf := pdf.Font{V: v}
	f := &font{name: pf.BaseFont(), scale: 0.001}
	if f.enc = pf.Encoder(); f.enc == nil {
		f.enc = rawEncoding{}
	}
	switch v.Key("Subtype").Name() {
	case "Type0":
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		f.dw = 1000
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidW = cidWidths(d.Key("W"))
		return f
	case "Type3":
		if fm := v.Key("FontMatrix"); fm.Len() == 6 {
			f.scale = math.Abs(fm.Index(0).Float64())
		}
	}
	f.first = pf.FirstChar()
	f.widths = pf.Widths()
	return f
}

// cidWidths reads a CID font's /W array: "c [w1 w2 ...]" or "c1 c2 w".
func cidWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(out) < 1<<16; {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := range next.Len() {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		last := int(next.Int64())
		width := w.Index(i + 2).Float64()
		for c2 := c; c2 <= last && c2-c < 1<<16; c2++ {
			out[c2] = width
		}
		i += 3
	}
	return out
}

// width returns a code's advance in glyph space units, or 0 if unknown.
func (f *font) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.cidW[code]; ok {
			return w
		}
		return f.dw
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) {
		return f.widths[i]
	}
	return 0
}

// ligatures spells out typographic ligatures, so that "ﬁnal" is found by
// a search for "final".
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st")

// rawEncoding stands in for a font with no usable encoding.
type rawEncoding struct{}

func (rawEncoding) Decode(raw string) string { return raw }

type gstate struct {
	Tc, Tw, Th, Tl, Tfs, Trise float64
	Tm, Tlm, CTM               matrix
	font                       *font
}

// interp collects the glyphs of one page.
type interp struct {
	glyphs []pdf.Text
	ops    int
}

// pageGlyphs returns the positioned glyphs of one page in drawing order.
// A page whose content is malformed gives an error wrapping
// corpus.ErrInvalid; one that exceeds the work budget gives what was
// found before it stopped.
func pageGlyphs(p pdf.Page) ([]pdf.Text, error) {
	in := &interp{}
	err := guard("page", func() error {
		defer func() {
			if x := recover(); x != nil && x != errBudget {
				panic(x)
			}
		}()
		in.run(p.V.Key("Contents"), resources(p.V), identity, 0)
		return nil
	})
	return in.glyphs, err
}

// resources finds a page's resources, inherited from its ancestors if
// need be, without following a cyclic /Parent chain for ever.
func resources(v pdf.Value) pdf.Value {
	for range maxTreeDepth {
		if v.IsNull() {
			break
		}
		if r := v.Key("Resources"); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// run interprets one content stream (or array of streams) with the given
// resources and starting transformation.
func (in *interp) run(strm, res pdf.Value, ctm matrix, depth int) {
	if strm.IsNull() {
		return
	}
	fonts := map[string]*font{}
	g := gstate{Th: 1, Tm: identity, Tlm: identity, CTM: ctm}
	var saved []gstate
	var args []pdf.Value

	show := func(s string) {
		f := g.font
		if f == nil {
			f = &font{enc: rawEncoding{}, scale: 0.001}
		}
		step := 1
		if f.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(s); i += step {
			raw := s[i : i+step]
			code := int(raw[0])
			if step == 2 {
				code = code<<8 | int(raw[1])
			}
			w0 := f.width(code)
			if w0 == 0 {
				w0 = 500 // unknown width: assume an average glyph
			}
			trm := matrix{{g.Tfs * g.Th, 0, 0}, {0, g.Tfs, 0}, {0, g.Trise, 1}}.mul(g.Tm).mul(g.CTM)
			if str := ligatures.Replace(f.enc.Decode(raw)); str != "" {
				if len(in.glyphs) >= maxGlyphs {
					panic(errBudget)
				}
				in.glyphs = append(in.glyphs, pdf.Text{
					Font:     f.name,
					FontSize: math.Hypot(trm[1][0], trm[1][1]),
					X:        trm[2][0],
					Y:        trm[2][1],
					W:        w0 * f.scale * math.Hypot(trm[0][0], trm[0][1]),
					S:        str,
				})
			}
			tx := w0*f.scale*g.Tfs + g.Tc
			if step == 1 && code == ' ' {
				tx += g.Tw
			}
			g.Tm = translate(tx*g.Th, 0).mul(g.Tm)
		}
	}
	num := func(i int) float64 {
		if i < len(args) {
			return args[i].Float64()
		}
		return 0
	}
	mat := func() matrix {
		return matrix{{num(0), num(1), 0}, {num(2), num(3), 0}, {num(4), num(5), 1}}
	}

	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		in.ops++
		if in.ops > maxOps {
			panic(errBudget)
		}
		args = args[:0]
		for n := stk.Len(); n > 0; n-- {
			args = append(args, pdf.Value{})
		}
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "q":
			saved = append(saved, g)
		case "Q":
			if n := len(saved); n > 0 {
				g, saved = saved[n-1], saved[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				g.CTM = mat().mul(g.CTM)
			}
		case "BT":
			g.Tm, g.Tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					f = loadFont(res.Key("Font").Key(name))
					fonts[name] = f
				}
				g.font = f
				g.Tfs = num(1)
			}
		case "Tc":
			g.Tc = num(0)
		case "Tw":
			g.Tw = num(0)
		case "Tz":
			g.Th = num(0) / 100
		case "TL":
			g.Tl = num(0)
		case "Ts":
			g.Trise = num(0)
		case "TD":
			g.Tl = -num(1)
			fallthrough
		case "Td":
			g.Tlm = translate(num(0), num(1)).mul(g.Tlm)
			g.Tm = g.Tlm
		case "Tm":
			if len(args) == 6 {
				g.Tm = mat()
				g.Tlm = g.Tm
			}
		case "T*":
			g.Tlm = translate(0, -g.Tl).mul(g.Tlm)
			g.Tm = g.Tlm
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'", "\"":
			if op == "\"" && len(args) == 3 {
				g.Tw, g.Tc = num(0), num(1)
				args = args[2:]
			}
			g.Tlm = translate(0, -g.Tl).mul(g.Tlm)
			g.Tm = g.Tlm
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				break
			}
			v := args[0]
			for i := range v.Len() {
				x := v.Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
				} else {
					g.Tm = translate(-x.Float64()/1000*g.Tfs*g.Th, 0).mul(g.Tm)
				}
			}
		case "Do":
			if len(args) != 1 || depth >= maxFormDepth {
				break
			}
			xo := res.Key("XObject").Key(args[0].Name())
			if xo.Key("Subtype").Name() != "Form" {
				break
			}
			m := identity
			if fm := xo.Key("Matrix"); fm.Len() == 6 {
				for i := range 6 {
					m[i/2][i%2] = fm.Index(i).Float64()
				}
			}
			formRes := xo.Key("Resources")
			if formRes.IsNull() {
				formRes = res
			}
			in.run(xo, formRes, m.mul(g.CTM), depth+1)
		}
	})
}
