import Foundation

/// Conversions between power or amplitude spectrograms and decibels, with librosa's semantics
/// (`power_to_db`, `amplitude_to_db`, `db_to_power`, `db_to_amplitude`).
public enum Decibels {
    /// The 0 dB reference (librosa `ref`).
    public enum Reference: Sendable, Equatable {
        /// A fixed value (librosa `ref=x`; its absolute value is used). `.value(1)` is librosa's default.
        case value(Float)
        /// The spectrogram's largest value, so the loudest cell is 0 dB (librosa `ref=np.max`).
        case maximum
    }

    /// `10·log10(max(amin, S)) − 10·log10(max(amin, ref))`, then floored at `max − topDB` (librosa `power_to_db`).
    ///
    /// - Parameters:
    ///   - spectrogram: a power spectrogram (any shape; negative values are treated as `amin`).
    ///   - reference: 0 dB. Default `.value(1)`.
    ///   - amin: the smallest power considered, > 0. Default 1e-10 (librosa's).
    ///   - topDB: the dynamic range kept below the peak, in dB, or `nil` for no floor. Default 80 (librosa's).
    public static func powerToDecibels(_ spectrogram: Spectrogram, reference: Reference = .value(1),
                                       amin: Float = 1e-10, topDB: Float? = 80) -> Spectrogram {
        precondition(amin > 0, "amin must be positive")
        let referenceValue: Float = switch reference {
        case let .value(value): abs(value)
        case .maximum: spectrogram.values.max() ?? 0
        }
        let offset = 10 * log10f(max(amin, referenceValue))
        var result = spectrogram
        for index in result.values.indices {
            result.values[index] = 10 * log10f(max(amin, result.values[index])) - offset
        }
        if let topDB, let peak = result.values.max() {
            precondition(topDB >= 0, "topDB must be non-negative")
            let floor = peak - topDB
            for index in result.values.indices { result.values[index] = max(result.values[index], floor) }
        }
        return result
    }

    /// `20·log10(max(amin, |S|) / ref)`, floored at `max − topDB` (librosa `amplitude_to_db`, which is
    /// `power_to_db(|S|², ref=ref², amin=amin², top_db)`).
    ///
    /// - Parameters:
    ///   - spectrogram: an amplitude (magnitude) spectrogram; absolute values are used.
    ///   - reference: 0 dB. Default `.value(1)`; `.maximum` is the largest `|S|`.
    ///   - amin: the smallest amplitude considered, > 0. Default 1e-5 (librosa's).
    ///   - topDB: dynamic range in dB, or `nil`. Default 80.
    public static func amplitudeToDecibels(_ spectrogram: Spectrogram, reference: Reference = .value(1),
                                           amin: Float = 1e-5, topDB: Float? = 80) -> Spectrogram {
        var power = spectrogram
        for index in power.values.indices { power.values[index] = power.values[index] * power.values[index] }
        let referenceValue: Float = switch reference {
        case let .value(value): abs(value)
        case .maximum: spectrogram.values.map(abs).max() ?? 0
        }
        return powerToDecibels(power, reference: .value(referenceValue * referenceValue), amin: amin * amin,
                               topDB: topDB)
    }

    /// `reference · 10^(dB/10)` (librosa `db_to_power`), the inverse of ``powerToDecibels(_:reference:amin:topDB:)``
    /// for values above its floors. `reference` defaults to 1.
    public static func decibelsToPower(_ decibels: Spectrogram, reference: Float = 1) -> Spectrogram {
        var result = decibels
        for index in result.values.indices { result.values[index] = reference * powf(10, 0.1 * result.values[index]) }
        return result
    }

    /// `reference · 10^(dB/20)` (librosa `db_to_amplitude`), the inverse of
    /// ``amplitudeToDecibels(_:reference:amin:topDB:)`` for values above its floors. `reference` defaults to 1.
    public static func decibelsToAmplitude(_ decibels: Spectrogram, reference: Float = 1) -> Spectrogram {
        var result = decibels
        for index in result.values.indices { result.values[index] = reference * powf(10, 0.05 * result.values[index]) }
        return result
    }
}
