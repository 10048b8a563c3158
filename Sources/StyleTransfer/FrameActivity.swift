import AudioDSP
import Foundation
import NeuralCore
import Vocoders

/// Which frames of a clip carry sound, and how loud they are: what makes the style's statistics describe the voice
/// or instrument rather than its pauses, and lets a style recorded at another level describe the same voice.
///
/// A frame's energy is `Σ |S|²` over its rows (the front end's values undone to magnitudes,
/// ``AudioDSP/FrontEnd/unscaled(_:)``; Parseval makes it the frame's energy for a linear STFT); a frame is active
/// when its energy is within `rangeDecibels` of the loudest frame's — the rule `../shared/eval/judge.py` uses for its
/// own statistics (RMS within 40 dB of the loudest frame).
struct FrameActivity {
    /// Whether each frame is active.
    let isActive: [Bool]
    /// The mean energy of the active frames (in the front end's magnitude units, squared).
    let activeEnergy: Double

    /// The activity of `spectrogram` (values in `frontEnd`'s scale) with frames active within `rangeDecibels` of the
    /// loudest. At least the loudest frame is active.
    init(_ spectrogram: Spectrogram, frontEnd: FrontEnd, rangeDecibels: Float) {
        let magnitude = frontEnd.unscaled(spectrogram)
        let exponent = 2 / frontEnd.magnitudePower
        var energies = [Double](repeating: 0, count: spectrogram.frameCount)
        for bin in 0..<spectrogram.rowCount {
            for frame in 0..<spectrogram.frameCount {
                energies[frame] += Double(pow(magnitude[row: bin, frame: frame], exponent))
            }
        }
        let loudest = energies.max() ?? 0
        let threshold = loudest * Double(pow(10, -rangeDecibels / 10))
        isActive = energies.map { $0 >= threshold && $0 > 0 }
        let active = zip(energies, isActive).filter(\.1).map(\.0)
        activeEnergy = active.isEmpty ? 0 : active.reduce(0, +) / Double(active.count)
    }

    /// `spectrogram` (values in `frontEnd`'s scale) with its magnitudes multiplied so that its active frames' mean
    /// energy becomes `energy`.
    func matchingLoudness(of spectrogram: Spectrogram, to energy: Double, frontEnd: FrontEnd) -> Spectrogram {
        guard activeEnergy > 0 && energy > 0 else { return spectrogram }
        let gain = Float((energy / activeEnergy).squareRoot())
        var magnitude = frontEnd.unscaled(spectrogram)
        let factor = pow(gain, frontEnd.magnitudePower)
        for index in magnitude.values.indices { magnitude.values[index] *= factor }
        return frontEnd.scaled(magnitude)
    }
}

/// The activity of `columns` layer columns that stand for `frames` evenly (a layer that pooled or trimmed the time
/// axis): column `j` takes the frame at its relative position; identical when the counts agree.
func columnActivity(_ frames: ArraySlice<Bool>, columns: Int) -> [Bool] {
    let frames = Array(frames)
    guard columns != frames.count else { return frames }
    return (0..<columns).map { column in
        let position = columns == 1 ? 0.5 : Double(column) / Double(columns - 1)
        return frames[min(frames.count - 1, Int((position * Double(frames.count - 1)).rounded()))]
    }
}

/// The columns of a constant `[rows, columns]` matrix where `keep` is true, as `[rows, kept]` (no tape).
func keptColumns(_ matrix: Tensor, where keep: [Bool]) -> Tensor {
    let (rows, columns) = (matrix.shape[0], matrix.shape[1])
    precondition(keep.count == columns, "keptColumns: \(keep.count) flags for \(columns) columns")
    let indices = keep.indices.filter { keep[$0] }
    let source = matrix.scalars
    var values = [Float](repeating: 0, count: rows * indices.count)
    for row in 0..<rows {
        for (offset, column) in indices.enumerated() { values[row * indices.count + offset] = source[row * columns + column] }
    }
    return Tensor(shape: [rows, indices.count], scalars: values)
}

/// Column weights that make `gramDistance(_:to:columnWeights:)` compare a Gram matrix over the columns where `keep`
/// is true only: `√(columns / kept)` there and 0 elsewhere, so `(x·w)(x·w)ᵀ / columns = Σ_kept xⱼxⱼᵀ / kept`.
func keptColumnWeights(_ keep: [Bool]) -> [Float] {
    let kept = keep.filter { $0 }.count
    let weight = kept > 0 ? Float(Double(keep.count) / Double(kept)).squareRoot() : 0
    return keep.map { $0 ? weight : 0 }
}

/// The mean level in dB of each row of `values` over the frames where `active` is true (every frame when it is `nil`
/// or selects none): `decibelsPerDecade · mean(log10(max(v, 1e-20)))`, floored at −200 dB. `decibelsPerDecade` is
/// 20 for amplitudes, `20 / p` for magnitudes raised to the power `p`.
func meanRowLevels(_ values: Spectrogram, active: [Bool]?, decibelsPerDecade: Float) -> [Float] {
    let frames = values.frameCount
    let kept = (0..<frames).filter { active?[$0] ?? true }
    let columns = kept.isEmpty ? Array(0..<frames) : kept
    return (0..<values.rowCount).map { row in
        var sum: Float = 0
        for frame in columns {
            let value: Float = max(values.values[row * frames + frame], 1e-20)
            sum += log10(value)
        }
        let mean: Float = decibelsPerDecade * sum / Float(columns.count)
        return max(mean, -200)
    }
}
