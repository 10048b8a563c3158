/// The sum of `values` in NumPy's order (`np.sum` of a contiguous float64 array, `pairwise_sum` in
/// `loops_utils.h`): fewer than 8 values one after another; up to 128 in eight interleaved partial sums combined as
/// `((r₀+r₁)+(r₂+r₃))+((r₄+r₅)+(r₆+r₇))`, then the remainder; longer arrays split in two halves (the first a multiple
/// of 8). pYIN's tables use it where librosa sums with NumPy, so that they agree to the last bit: the Viterbi
/// decoder breaks exact ties by state index, and a one-ulp difference in a transition probability can turn a tie
/// into a different path through unvoiced frames.
func numpyPairwiseSum(_ values: ArraySlice<Double>) -> Double {
    let n = values.count, start = values.startIndex
    if n < 8 { return values.reduce(0, +) }
    if n <= 128 {
        var partial = (0..<8).map { values[start + $0] }
        var i = 8
        while i < n - n % 8 {
            for j in 0..<8 { partial[j] += values[start + i + j] }
            i += 8
        }
        var result = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + ((partial[4] + partial[5]) + (partial[6] + partial[7]))
        while i < n { result += values[start + i]; i += 1 }
        return result
    }
    let half = n / 2 - (n / 2) % 8
    return numpyPairwiseSum(values[start..<(start + half)]) + numpyPairwiseSum(values[(start + half)...])
}
