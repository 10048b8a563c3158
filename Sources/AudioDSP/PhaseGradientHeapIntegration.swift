import Foundation

extension ShortTimeFourierTransform {
    /// A phase for an STFT magnitude alone, by Phase Gradient Heap Integration (Průša, Balazs & Søndergaard 2017, "A
    /// noniterative method for reconstruction of phase from STFT magnitude"): Griffin-Lim started from it converges
    /// much further in the same iterations than from a random phase.
    ///
    /// For a Gaussian window `exp(−π t²/γ)` the STFT's phase derivatives follow from the log-magnitude `s`; this
    /// transform's window is treated as the Gaussian with LTFAT's width `γ = c · windowLength²` (`c` = 0.25645 for
    /// Hann, 0.29794 for Hamming, 0.17954 for Blackman). With `a` the hop, `M` the FFT size, `m` the bin and the
    /// window centred `κ` samples into the frame (librosa's frames start where the window's padding starts):
    ///
    /// - phase advance from frame to frame: `a·M/γ · ∂s/∂m + 2π·a·m/M`;
    /// - phase change from bin to bin: `−γ/(a·M) · ∂s/∂n − 2π·κ/M`;
    ///
    /// with central differences (one-sided at the edges, NumPy's `gradient`). The integration starts at the largest
    /// cell, visits cells in decreasing magnitude through a max-heap, and gives each new cell the phase of the
    /// neighbour it was reached from plus the trapezoidal step between them; it restarts from the largest cell not
    /// yet reached. Ties go to the lower row-major index. Cells below `tolerance · max|S|` are not integrated and get
    /// phase 0; `s` is `ln max(|S|, 1e-12 · max|S|)`.
    ///
    /// - Parameters:
    ///   - magnitude: an amplitude spectrogram `[1 + fftSize/2, frames]` of this transform's analysis.
    ///   - tolerance: the relative magnitude below which cells are left at phase 0, in `(0, 1)`. Default 1e-5
    ///     (−100 dB).
    /// - Returns: the phase in radians, `[1 + fftSize/2, frames]`, wrapped to `[−π, π]` (integrated in double
    ///   precision).
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for a wrong bin count,
    ///   ``AudioDSPError/emptyInput(what:)``, ``AudioDSPError/nonFiniteInput(what:)``, and
    ///   ``AudioDSPError/invalidParameter(name:value:reason:)`` for a tolerance outside `(0, 1)` or a rectangular
    ///   window (no Gaussian resembles it).
    public func phaseGradientHeapIntegration(_ magnitude: Spectrogram, tolerance: Float = 1e-5) throws -> Spectrogram {
        guard magnitude.rowCount == binCount else {
            throw AudioDSPError.shapeMismatch(what: "magnitude", expected: "[\(binCount), frames]",
                                              actual: "[\(magnitude.rowCount), \(magnitude.frameCount)]")
        }
        let widthFactor = try phaseGradientWidthFactor(tolerance: tolerance)
        try validateFinite(magnitude.values, what: "magnitude")
        let bins = magnitude.rowCount, frames = magnitude.frameCount, count = bins * frames
        let largest = magnitude.values.max() ?? 0
        var phase = Spectrogram(values: [Float](repeating: 0, count: count), rowCount: bins, frameCount: frames)
        guard largest > 0 else { return phase }
        let floor = Double(largest) * 1e-12
        let logs = magnitude.values.map { log(max(Double($0), floor)) }
        let gamma = widthFactor * Double(windowLength * windowLength)
        let (hop, size) = (Double(hopLength), Double(fftSize))
        let centre = Double((fftSize - windowLength) / 2) + Double(windowLength) / 2
        // Phase step to the next frame (per bin and frame) and to the next bin.
        var timeStep = [Double](repeating: 0, count: count), binStep = [Double](repeating: 0, count: count)
        for bin in 0..<bins {
            for frame in 0..<frames {
                let index = bin * frames + frame
                let alongBins = Self.centralDifference(logs, at: bin, count: bins, stride: frames, offset: frame)
                let alongFrames = Self.centralDifference(logs, at: frame, count: frames, stride: 1,
                                                         offset: bin * frames)
                timeStep[index] = hop * size / gamma * alongBins + 2 * Double.pi * hop * Double(bin) / size
                binStep[index] = -gamma / (hop * size) * alongFrames - 2 * Double.pi * centre / size
            }
        }
        let threshold = Double(largest) * Double(tolerance)
        var reached = magnitude.values.map { Double($0) < threshold }
        var unwrapped = [Double](repeating: 0, count: count)
        let order = (0..<count).filter { !reached[$0] }.sorted { Self.precedes($0, $1, logs) }
        var heap = CellHeap(logs: logs)
        func visit(_ neighbour: Int, from cell: Int, steps: [Double], direction: Double) {
            guard !reached[neighbour] else { return }
            unwrapped[neighbour] = unwrapped[cell] + direction * (steps[cell] + steps[neighbour]) / 2
            reached[neighbour] = true
            heap.push(neighbour)
        }
        for start in order where !reached[start] {
            reached[start] = true
            heap.push(start)
            while let cell = heap.pop() {
                let (bin, frame) = cell.quotientAndRemainder(dividingBy: frames)
                if frame + 1 < frames { visit(cell + 1, from: cell, steps: timeStep, direction: 1) }
                if frame > 0 { visit(cell - 1, from: cell, steps: timeStep, direction: -1) }
                if bin + 1 < bins { visit(cell + frames, from: cell, steps: binStep, direction: 1) }
                if bin > 0 { visit(cell - frames, from: cell, steps: binStep, direction: -1) }
            }
        }
        for index in 0..<count { phase.values[index] = Float(remainder(unwrapped[index], 2 * Double.pi)) }
        return phase
    }

    /// Checks that phase-gradient integration can run on this transform with `tolerance`, and returns LTFAT's
    /// Gaussian width factor of the window (`γ / windowLength²`).
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` named `toleranceName` for a tolerance outside
    ///   `(0, 1)`, `window` for a rectangular window.
    func phaseGradientWidthFactor(tolerance: Float, toleranceName: String = "tolerance") throws -> Double {
        guard tolerance > 0, tolerance < 1 else {
            throw AudioDSPError.invalidParameter(name: toleranceName, value: "\(tolerance)", reason: "must be in (0, 1)")
        }
        switch window {
        case .hann: return 0.25645
        case .hamming: return 0.29794
        case .blackman: return 0.17954
        case .rectangular:
            throw AudioDSPError.invalidParameter(name: "window", value: window.rawValue,
                                                 reason: "phase-gradient integration needs a bell-shaped window")
        }
    }

    /// NumPy's `gradient` of `values[offset + i·stride]` at `i = position`, `i` in `0..<count` (0 when `count` is 1).
    private static func centralDifference(_ values: [Double], at position: Int, count: Int, stride: Int,
                                          offset: Int) -> Double {
        guard count > 1 else { return 0 }
        let value = { values[offset + $0 * stride] }
        if position == 0 { return value(1) - value(0) }
        if position == count - 1 { return value(count - 1) - value(count - 2) }
        return (value(position + 1) - value(position - 1)) / 2
    }

    /// The integration order: larger log-magnitude first, then the lower index.
    fileprivate static func precedes(_ a: Int, _ b: Int, _ logs: [Double]) -> Bool {
        logs[a] != logs[b] ? logs[a] > logs[b] : a < b
    }
}

/// A binary max-heap of cell indices ordered by ``ShortTimeFourierTransform/precedes(_:_:_:)``.
private struct CellHeap {
    let logs: [Double]
    var cells: [Int] = []

    init(logs: [Double]) { self.logs = logs }

    mutating func push(_ cell: Int) {
        cells.append(cell)
        var child = cells.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard ShortTimeFourierTransform.precedes(cells[child], cells[parent], logs) else { break }
            cells.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = cells.first else { return nil }
        let last = cells.removeLast()
        guard !cells.isEmpty else { return top }
        cells[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < cells.count, ShortTimeFourierTransform.precedes(cells[left], cells[best], logs) { best = left }
            if right < cells.count, ShortTimeFourierTransform.precedes(cells[right], cells[best], logs) { best = right }
            guard best != parent else { break }
            cells.swapAt(parent, best)
            parent = best
        }
        return top
    }
}
