/// How librosa cuts a signal into frames (`util.frame` after `np.pad` in `stft` and `pyin`): `frameLength`-sample
/// frames every `hopLength` samples, the signal extended by `frameLength / 2` samples on each side when centring, with
/// zeros or NumPy's `'reflect'` (repeated for pads longer than the signal). Shared by ``ShortTimeFourierTransform``
/// and ``PitchTracker``.
struct Framing: Sendable {
    /// Samples per frame (`n_fft` for the STFT, `frame_length` for pYIN).
    let frameLength: Int
    /// Samples between the starts of consecutive frames.
    let hopLength: Int
    /// Whether frame `t` is centred on sample `t · hopLength`.
    let center: Bool
    /// The padding when centring.
    let padMode: ShortTimeFourierTransform.PadMode
    /// The parameter an error names for a signal shorter than one frame (the owner's label for `frameLength`).
    let lengthParameter: String

    /// The number of frames for `sampleCount` samples: `1 + sampleCount / hopLength` when centring (for even
    /// `frameLength`), `1 + (sampleCount − frameLength) / hopLength` otherwise.
    ///
    /// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` naming ``lengthParameter`` when ``center`` is
    ///   false and the signal is shorter than one frame.
    func frameCount(sampleCount: Int) throws -> Int {
        let paddedCount = center ? sampleCount + 2 * (frameLength / 2) : sampleCount
        guard paddedCount >= frameLength else {
            throw AudioDSPError.invalidParameter(
                name: lengthParameter, value: "\(frameLength)",
                reason: "longer than the \(sampleCount)-sample signal with center = false")
        }
        return 1 + (paddedCount - frameLength) / hopLength
    }

    /// Sample `index` of the padded signal (the signal itself without centring), read without building the copy.
    @inline(__always)
    func paddedSample(_ samples: UnsafePointer<Float>, count: Int, at index: Int) -> Float {
        let position = center ? index - frameLength / 2 : index
        if position >= 0 && position < count { return samples[position] }
        guard padMode == .reflect, count > 1 else { return padMode == .reflect ? samples[0] : 0 }
        let period = 2 * (count - 1)
        let folded = abs(position) % period
        return samples[folded < count ? folded : period - folded]
    }
}
