import Foundation

/// The root-mean-square level of each frame of `samples` (librosa `feature.rms(y=samples, frame_length=frameLength,
/// hop_length=hopLength, center=center, pad_mode='constant')`): `r[t] = √((1/frameLength) · Σₙ x[t·hop + n]²)` over
/// the `frameLength` samples of frame `t`, with no window. Sums are taken in double precision.
///
/// With `center` (librosa's default) the signal is padded with `frameLength / 2` zeros on each side, so frame `t` is
/// centred on sample `t · hopLength` and there are `1 + samples.count / hopLength` frames (for even `frameLength`),
/// exactly as many as a centred ``ShortTimeFourierTransform`` of `fftSize = frameLength` gives; without it, frames
/// start at `t · hopLength` and there are `1 + (samples.count − frameLength) / hopLength`.
///
/// - Parameters:
///   - samples: mono audio, any level (full scale is 1).
///   - frameLength: samples per frame (librosa `frame_length`), ≥ 1. Default 2048 (librosa's).
///   - hopLength: samples between frame starts (librosa `hop_length`), ≥ 1. Default 512 (librosa's).
///   - center: pad `frameLength / 2` zeros on each side first (librosa `center`). Default `true`.
/// - Returns: one level per frame, in the signal's units (a full-scale sine gives 1/√2).
/// - Throws: ``AudioDSPError/invalidParameter(name:value:reason:)`` for a length below 1 or (without centring) a
///   signal shorter than one frame; ``AudioDSPError/emptyInput(what:)`` and ``AudioDSPError/nonFiniteInput(what:)``.
public func frameRootMeanSquare(_ samples: [Float], frameLength: Int = 2048, hopLength: Int = 512,
                                center: Bool = true) throws -> [Float] {
    guard frameLength >= 1 else {
        throw AudioDSPError.invalidParameter(name: "frameLength", value: "\(frameLength)", reason: "must be at least 1")
    }
    guard hopLength >= 1 else {
        throw AudioDSPError.invalidParameter(name: "hopLength", value: "\(hopLength)", reason: "must be at least 1")
    }
    try validateFinite(samples, what: "samples")
    let pad = center ? frameLength / 2 : 0
    let paddedCount = samples.count + 2 * pad
    guard paddedCount >= frameLength else {
        throw AudioDSPError.invalidParameter(
            name: "frameLength", value: "\(frameLength)", reason: "longer than the \(samples.count)-sample signal with center = false")
    }
    let frames = 1 + (paddedCount - frameLength) / hopLength
    let scale = 1 / Double(frameLength)
    return samples.withUnsafeBufferPointer { x in
        (0..<frames).map { frame in
            // Frame `frame` covers padded samples start ..< start + frameLength, i.e. original samples shifted by pad.
            let start = frame * hopLength - pad
            let from = max(0, start), to = min(samples.count, start + frameLength)
            var sum: Double = 0
            if from < to {
                for i in from..<to { sum += Double(x[i]) * Double(x[i]) }
            }
            return Float((sum * scale).squareRoot())
        }
    }
}
