import Foundation

extension GriffinLim {
    /// Reconstructs a signal whose **mel** spectrogram approximates `mel`: Griffin-Lim whose magnitude step matches
    /// the mel instead of one fixed inverse of it.
    ///
    /// The iterations start from `filterbank.inverseMagnitude(mel, power:, method: inversion)` under this
    /// reconstruction's ``initialPhase``. Each iteration then takes the rebuilt spectrum's magnitude `|R|` and, in
    /// place of a fixed target, gives it one Kullback–Leibler update toward the mel (the update of
    /// ``MelInversion/kullbackLeibler(iterations:)`` started at the current spectrum instead of a flat one):
    /// `P = |R|^power`, `P ← P ⊙ Wᵀ(M ⊘ W·P) ⊘ Wᵀ1`, target `P^(1/power)`. Within each band this keeps the
    /// detail the rebuilt spectrum has — harmonics that consistency brings out of the phase — and rescales it to the
    /// band's value, where the fixed inverse spreads every band's energy evenly and so holds the harmonics back.
    /// Bins no filter covers are 0, as in the inverse. On the vocoder corpus's held-out clips (80-band amplitude mel,
    /// phase-gradient start) 32 iterations score PESQ-WB 3.76 where the fixed inverse scores 3.41
    /// (`Docs/Vocoders.md`).
    ///
    /// - Parameters:
    ///   - mel: the mel spectrogram `[filterbank.melBandCount, frames]`, `W·|S|^power` (negative values count as 0).
    ///   - filterbank: its filterbank; its `fftSize` must be the transform's.
    ///   - power: the exponent the mel was computed with: 1 (amplitude, the default) or 2 (power).
    ///   - inversion: the inverse mel the iterations start from. Default ``MelInversion/smooth``.
    ///   - sampleCount: the exact output length in samples; `nil` gives the inverse STFT's implied length.
    /// - Returns: the samples.
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` for a mel of another band count or a
    ///   filterbank of another FFT size, and the errors of ``MelFilterbank/inverseMagnitude(_:power:method:)`` and
    ///   ``reconstruct(magnitude:sampleCount:)``.
    public func reconstruct(mel: Spectrogram, filterbank: MelFilterbank, power: Float = 1,
                            inversion: MelInversion = .smooth, sampleCount: Int? = nil) throws -> [Float] {
        guard filterbank.binCount == stft.binCount else {
            throw AudioDSPError.shapeMismatch(what: "filterbank", expected: "\(stft.binCount) FFT bins",
                                              actual: "\(filterbank.binCount) FFT bins")
        }
        let start = try filterbank.inverseMagnitude(mel, power: power, method: inversion)
        return try iterate(from: start, sampleCount: sampleCount,
                           projection: MelProjection(filterbank: filterbank, mel: mel, power: power))
    }
}

/// The magnitude step of mel-consistent Griffin-Lim: one Kullback–Leibler update of the rebuilt spectrum's
/// `|R|^power` toward a mel, per frame, on FFTW's frame-major layout.
struct MelProjection {
    let filterbank: MelFilterbank
    /// The mel, frame-major `[frames, bands]`, negative values replaced by 0.
    let mel: [Float]
    let power: Float
    /// `1 / Wᵀ1` per bin, 0 for a bin no filter covers.
    let reciprocalCoverage: [Float]

    /// - Precondition: `mel` has `filterbank.melBandCount` rows.
    init(filterbank: MelFilterbank, mel: Spectrogram, power: Float) {
        precondition(mel.rowCount == filterbank.melBandCount, "MelProjection: band count")
        let bands = mel.rowCount, frames = mel.frameCount
        var frameMajor = [Float](repeating: 0, count: bands * frames)
        for band in 0..<bands {
            for frame in 0..<frames { frameMajor[frame * bands + band] = max(0, mel.values[band * frames + frame]) }
        }
        self.filterbank = filterbank
        self.mel = frameMajor
        self.power = power
        reciprocalCoverage = filterbank.reciprocalCoverage()
    }

    /// Writes the projected amplitude of every frame of `rebuilt` (interleaved complex values, frame `t`'s bins from
    /// complex index `t · frameStride`) to `target` (real values, same indexing), over
    /// ``AudioDSPThreads/threadCount`` threads.
    func project(rebuilt: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, frameStride: Int) {
        let bins = filterbank.binCount, bands = filterbank.melBandCount, power = power
        // A floor on |R|^power so that a bin the rebuilt spectrum left at exactly 0 can still grow.
        let floor: Float = 1e-12
        mel.withUnsafeBufferPointer { mel in
            reciprocalCoverage.withUnsafeBufferPointer { reciprocalCoverage in
                let (mel, reciprocalCoverage) = (mel.baseAddress!, reciprocalCoverage.baseAddress!)
                AudioDSPThreads.forEachRange(self.mel.count / bands, minimumPerThread: 16) { frames in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * bins + 2 * bands)
                    defer { scratch.deallocate() }
                    let powered = scratch, back = scratch + bins, projected = back + bins, ratio = projected + bands
                    for frame in frames {
                        let spectrum = rebuilt + 2 * frame * frameStride
                        for bin in 0..<bins {
                            let re = spectrum[2 * bin], im = spectrum[2 * bin + 1], squared = re * re + im * im
                            let value = power == 2 ? squared
                                : power == 1 ? squared.squareRoot() : powf(squared, power / 2)
                            powered[bin] = max(value, floor)
                        }
                        filterbank.sparse.multiply(frames: powered, frameStride: bins, count: 1, projected,
                                                   outputStride: 1)
                        let melFrame = mel + frame * bands
                        for band in 0..<bands {
                            ratio[band] = projected[band] > 0 ? melFrame[band] / projected[band] : 0
                        }
                        filterbank.sparseTransposed.multiply(frames: ratio, frameStride: bands, count: 1, back,
                                                             outputStride: 1)
                        let output = target + frame * frameStride
                        for bin in 0..<bins {
                            let updated = powered[bin] * back[bin] * reciprocalCoverage[bin]
                            output[bin] = power == 2 ? updated.squareRoot()
                                : power == 1 ? updated : powf(updated, 1 / power)
                        }
                    }
                }
            }
        }
    }
}
