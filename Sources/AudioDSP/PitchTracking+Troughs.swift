import Foundation

/// pYIN's observation model for one frame (librosa's `__pyin_helper`): troughs of `d′(τ)`, their probabilities under
/// the threshold and trough priors, and the pitch bins they land on.
///
/// For threshold `k` (value `(k + 1) / K`, with Beta prior mass `b[k]`), the troughs below it, taken in order of
/// increasing period, get the Boltzmann prior `p(r) = (1 − e^{−λ}) / (1 − e^{−λN}) · e^{−λr}` by rank `r` among
/// the `N` troughs below; a trough's probability is `Σₖ b[k] · p(rank)`. The lowest trough also gets
/// `noTroughProbability · Σ b[k]` over the thresholds it is not below. The tables (thresholds, `b`, `e^{−λr}`, the
/// normalisers) are made once.
struct TroughCandidates: Sendable {
    /// The thresholds `linspace(0, 1, K + 1)`, as NumPy computes them.
    let thresholds: [Double]
    /// `b[k] = F((k + 1)/K) − F(k/K)`, F the Beta(α, β) distribution function.
    let thresholdProbabilities: [Double]
    /// `Σ_{k<c} b[k]` for `c = 0 … K`.
    let thresholdProbabilitySums: [Double]
    /// `e^{−λr}` for every rank `r` a trough can have.
    let rankWeights: [Double]
    /// `(1 − e^{−λ}) / (1 − e^{−λN})` for `N = 0 …` the largest trough count (entry 0 unused).
    let normalisers: [Double]
    let noTroughProbability: Double
    let minimumPeriod: Int
    let lagCount: Int
    let sampleRate: Double
    let minimumFrequency: Double
    let binsPerOctave: Int
    let pitchBinCount: Int

    init(thresholdCount: Int, betaParameters: (alpha: Double, beta: Double), boltzmannParameter lambda: Double,
         noTroughProbability: Double, minimumPeriod: Int, lagCount: Int, sampleRate: Double, minimumFrequency: Double,
         binsPerOctave: Int, pitchBinCount: Int) {
        let step = 1 / Double(thresholdCount)
        thresholds = (0...thresholdCount).map { $0 == thresholdCount ? 1 : Double($0) * step }
        let cdf = thresholds.map { regularizedIncompleteBeta($0, betaParameters.alpha, betaParameters.beta) }
        let probabilities = (0..<thresholdCount).map { cdf[$0 + 1] - cdf[$0] }
        thresholdProbabilities = probabilities
        thresholdProbabilitySums = (0...thresholdCount).map { numpyPairwiseSum(probabilities[..<$0]) }
        // Troughs are at least two lags apart, so a frame has at most ⌈lagCount / 2⌉ of them; the table covers lagCount.
        rankWeights = (0..<lagCount).map { exp(-lambda * Double($0)) }
        normalisers = (0...lagCount).map { (1 - exp(-lambda)) / (1 - exp(-lambda * Double($0))) }
        self.noTroughProbability = noTroughProbability
        self.minimumPeriod = minimumPeriod
        self.lagCount = lagCount
        self.sampleRate = sampleRate
        self.minimumFrequency = minimumFrequency
        self.binsPerOctave = binsPerOctave
        self.pitchBinCount = pitchBinCount
    }

    /// Writes the voiced observation probabilities of one frame into `row` (`pitchBinCount` zeros on entry) from its
    /// `d′` values `difference[0 ..< lagCount]` and returns the frame's voicing probability (their sum, clipped to
    /// [0, 1]).
    ///
    /// A trough's period is refined by parabolic interpolation (no shift at the ends, nor when the vertex lies more
    /// than a lag away); its frequency goes to bin `round(12 · binsPerSemitone · log₂(f / fmin))` clipped to
    /// `0 … pitchBinCount`, where the last value drops it (librosa writes it into a row it then overwrites). A later
    /// trough on the same bin replaces an earlier one, as NumPy's fancy assignment does.
    func observe(_ difference: UnsafeMutablePointer<Double>, scratch: FrameScratch,
                 into row: UnsafeMutablePointer<Double>) -> Double {
        findTroughs(difference, scratch: scratch)
        let troughCount = scratch.troughLags.count
        guard troughCount > 0 else { return 0 }
        assignProbabilities(difference, scratch: scratch)

        var lowestBin = pitchBinCount, highestBin = -1
        for m in 0..<troughCount where scratch.troughProbabilities[m] != 0 {
            let lag = scratch.troughLags[m]
            var shift: Double = 0
            if lag > 0 && lag < lagCount - 1 {
                let a = difference[lag + 1] + difference[lag - 1] - 2 * difference[lag]
                let b = (difference[lag + 1] - difference[lag - 1]) / 2
                if abs(b) < abs(a) { shift = -b / a }
            }
            let frequency = sampleRate / (Double(minimumPeriod + lag) + shift)
            let position = (Double(binsPerOctave) * log2(frequency / minimumFrequency)).rounded(.toNearestOrEven)
            let bin = Int(min(max(position, 0), Double(pitchBinCount)))
            guard bin < pitchBinCount else { continue }
            row[bin] = scratch.troughProbabilities[m]
            lowestBin = min(lowestBin, bin)
            highestBin = max(highestBin, bin)
        }
        guard lowestBin <= highestBin else { return 0 }
        var total: Double = 0
        for bin in lowestBin...highestBin { total += row[bin] }
        return min(max(total, 0), 1)
    }

    /// The local minima of `d′` (librosa `util.localmin`, with the first value a trough when below the second and
    /// the last when below the one before), each with the index of the first threshold it is below (`K` if none).
    private func findTroughs(_ d: UnsafeMutablePointer<Double>, scratch: FrameScratch) {
        scratch.troughLags.removeAll(keepingCapacity: true)
        scratch.troughFirstThresholds.removeAll(keepingCapacity: true)
        let last = lagCount - 1
        for lag in 0...last {
            let isTrough = lag == 0 ? d[0] < d[1] : lag == last ? d[last] < d[last - 1] : d[lag] < d[lag - 1] && d[lag] <= d[lag + 1]
            guard isTrough else { continue }
            scratch.troughLags.append(lag)
            var first = 0
            let count = thresholdProbabilities.count
            while first < count && !(d[lag] < thresholds[first + 1]) { first += 1 }
            scratch.troughFirstThresholds.append(first)
        }
    }

    /// The probability of each trough (see the type's documentation), into `scratch.troughProbabilities`.
    private func assignProbabilities(_ d: UnsafeMutablePointer<Double>, scratch: FrameScratch) {
        let lags = scratch.troughLags, firsts = scratch.troughFirstThresholds
        let troughCount = lags.count, thresholdCount = thresholdProbabilities.count
        scratch.troughProbabilities.removeAll(keepingCapacity: true)
        scratch.troughProbabilities.append(contentsOf: repeatElement(0, count: troughCount))
        scratch.troughProbabilities.withUnsafeMutableBufferPointer { probabilities in
            for k in (firsts.min() ?? thresholdCount)..<thresholdCount {
                var below = 0
                for first in firsts where first <= k { below += 1 }
                var rank = 0
                for m in 0..<troughCount where firsts[m] <= k {
                    probabilities[m] += normalisers[below] * rankWeights[rank] * thresholdProbabilities[k]
                    rank += 1
                }
            }
            var lowest = 0
            for m in 1..<troughCount where d[lags[m]] < d[lags[lowest]] { lowest = m }
            probabilities[lowest] += noTroughProbability * thresholdProbabilitySums[firsts[lowest]]
        }
    }
}
