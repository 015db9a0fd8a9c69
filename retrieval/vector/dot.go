package vector

// dot returns the inner product of a and b, which must have equal length.
// Eight independent accumulators let the CPU overlap the floating-point
// adds; the compiler does not vectorise, so this is what pure Go can do.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		aa := a[i : i+8 : i+8]
		bb := b[i : i+8 : i+8]
		s0 += aa[0] * bb[0]
		s1 += aa[1] * bb[1]
		s2 += aa[2] * bb[2]
		s3 += aa[3] * bb[3]
		s4 += aa[4] * bb[4]
		s5 += aa[5] * bb[5]
		s6 += aa[6] * bb[6]
		s7 += aa[7] * bb[7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3) + (s4 + s5) + (s6 + s7)
}

// dot4 computes the inner products of q with the four consecutive vectors
// of dimension len(q) at the start of v. Reading q once for four rows and
// streaming four rows at a time is about 1.5x faster than four dot calls
// when the rows come from main memory rather than cache.
func dot4(q, v []float32, out *[4]float32) {
	d := len(q)
	a := v[0*d : 1*d : 1*d]
	b := v[1*d : 2*d : 2*d]
	c := v[2*d : 3*d : 3*d]
	e := v[3*d : 4*d : 4*d]
	var s0, s1, s2, s3, t0, t1, t2, t3 float32
	i := 0
	for ; i+2 <= d; i += 2 {
		x, y := q[i], q[i+1]
		s0 += x * a[i]
		s1 += x * b[i]
		s2 += x * c[i]
		s3 += x * e[i]
		t0 += y * a[i+1]
		t1 += y * b[i+1]
		t2 += y * c[i+1]
		t3 += y * e[i+1]
	}
	if i < d {
		x := q[i]
		s0 += x * a[i]
		s1 += x * b[i]
		s2 += x * c[i]
		s3 += x * e[i]
	}
	out[0], out[1], out[2], out[3] = s0+t0, s1+t1, s2+t2, s3+t3
}

// dotAll writes the inner product of q with each row of rows (a row-major
// matrix of len(q) columns) into out, which must have one slot per row.
func dotAll(q, rows []float32, out []float32) {
	d := len(q)
	n := len(out)
	var o [4]float32
	i := 0
	for ; i+4 <= n; i += 4 {
		dot4(q, rows[i*d:], &o)
		out[i], out[i+1], out[i+2], out[i+3] = o[0], o[1], o[2], o[3]
	}
	for ; i < n; i++ {
		out[i] = dot(q, rows[i*d:(i+1)*d])
	}
}
