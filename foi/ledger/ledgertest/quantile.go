package ledgertest

import "slices"

// Quantile returns the q-quantile of xs by nearest rank (0 for none), as
// the ledger's benchmarks report their p50 and p95.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}
