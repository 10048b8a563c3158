import AudioDSP
import Foundation

/// What happens to the content's pitch and formants before the optimisation
/// (``StyleTransferConfiguration/pitchChange``): the content is shifted by ``AudioDSP/PitchShift`` and the
/// optimisation starts from, and its content loss compares with, the shifted content, so the content term does not
/// pull the pitch back. Gram statistics move harmonic positions only loosely; a voice that should sound like another
/// gender needs its pitch (about an octave) and formants (10–20 %) moved explicitly.
public struct PitchChange: Sendable, Equatable {
    /// The pitch of the output.
    public enum Pitch: Sendable, Equatable {
        /// The content's pitch.
        case keep
        /// Shifted by the difference of the content's and the style's median F0 over voiced frames, in semitones
        /// (``AudioDSP/PitchTracker``, 60–1000 Hz).
        case matchStyle
        /// Shifted by this many semitones (up when positive).
        case semitones(Float)
    }

    /// The spectral envelope (formants) of the output.
    public enum Formants: Sendable, Equatable {
        /// The content's envelope stays where it was under the shifted harmonics.
        case keep
        /// The content's envelope warped in frequency by the factor that best aligns its mean over active frames
        /// with the style's (``FormantScale``), between 0.75 and 1.33.
        case matchStyle
        /// The content's envelope warped in frequency by this factor (> 0): 1.15 moves a formant at 1000 Hz to
        /// 1150 Hz.
        case scale(Float)
    }

    /// The pitch. Default ``Pitch/keep``.
    public var pitch: Pitch
    /// The formants. Default ``Formants/keep``.
    public var formants: Formants

    /// A change; every argument has the documented default (no change at all).
    public init(pitch: Pitch = .keep, formants: Formants = .keep) {
        self.pitch = pitch
        self.formants = formants
    }

    /// Whether the content is left as it is.
    public var isIdentity: Bool { pitch == .keep && formants == .keep }
}

extension PitchChange.Pitch: LosslessStringConvertible {
    /// `keep`, `match` or a finite number of semitones (e.g. `12`, `-4.5`): the command-line spelling.
    public init?(_ description: String) {
        switch description {
        case "keep": self = .keep
        case "match": self = .matchStyle
        default:
            guard let semitones = Float(description), semitones.isFinite else { return nil }
            self = .semitones(semitones)
        }
    }

    public var description: String {
        switch self {
        case .keep: "keep"
        case .matchStyle: "match"
        case let .semitones(value): "\(value)"
        }
    }
}

extension PitchChange.Formants: LosslessStringConvertible {
    /// `keep`, `match` or a positive frequency factor (e.g. `1.15`): the command-line spelling.
    public init?(_ description: String) {
        switch description {
        case "keep": self = .keep
        case "match": self = .matchStyle
        default:
            guard let factor = Float(description), factor.isFinite, factor > 0 else { return nil }
            self = .scale(factor)
        }
    }

    public var description: String {
        switch self {
        case .keep: "keep"
        case .matchStyle: "match"
        case let .scale(factor): "\(factor)"
        }
    }
}

/// The amounts a ``PitchChange`` resolved to for one content and style.
public struct AppliedPitchChange: Sendable, Equatable {
    /// The pitch shift, in semitones.
    public var semitones: Float
    /// The frequency factor of the formants.
    public var formantFactor: Float
    /// The content's median F0 over voiced frames, in Hz, when ``PitchChange/Pitch/matchStyle`` measured it.
    public var contentMedianFrequency: Float?
    /// The style's median F0 over voiced frames, in Hz, when ``PitchChange/Pitch/matchStyle`` measured it.
    public var styleMedianFrequency: Float?

    /// The amounts; the median frequencies only when they were measured.
    public init(semitones: Float, formantFactor: Float, contentMedianFrequency: Float? = nil,
                styleMedianFrequency: Float? = nil) {
        self.semitones = semitones
        self.formantFactor = formantFactor
        self.contentMedianFrequency = contentMedianFrequency
        self.styleMedianFrequency = styleMedianFrequency
    }
}

extension PitchChange {
    /// The F0 range of ``Pitch/matchStyle``, in Hz: the judge's (`../shared/eval/judge.py`, Praat 60–1000 Hz).
    static let frequencyRange: ClosedRange<Double> = 60...1000

    /// The amounts for `content` and `style` (mono, at `sampleRate`).
    ///
    /// - Throws: ``StyleTransferError/invalidInput(what:problem:)`` when ``Pitch/matchStyle`` finds no voiced frame
    ///   in a clip, and AudioDSP's errors.
    func resolved(content: [Float], style: [Float], sampleRate: Int) throws -> AppliedPitchChange {
        var applied = AppliedPitchChange(semitones: 0, formantFactor: 1)
        switch pitch {
        case .keep: break
        case let .semitones(value): applied.semitones = value
        case .matchStyle:
            let tracker = try PitchTracker(minimumFrequency: Self.frequencyRange.lowerBound,
                                           maximumFrequency: Self.frequencyRange.upperBound, sampleRate: sampleRate)
            let contentMedian = try Self.medianVoicedFrequency(content, tracker: tracker, what: "content")
            let styleMedian = try Self.medianVoicedFrequency(style, tracker: tracker, what: "style")
            applied.semitones = 12 * log2(styleMedian / contentMedian)
            (applied.contentMedianFrequency, applied.styleMedianFrequency) = (contentMedian, styleMedian)
        }
        switch formants {
        case .keep: break
        case let .scale(factor): applied.formantFactor = factor
        case .matchStyle: applied.formantFactor = try FormantScale(content: content, style: style, sampleRate: sampleRate).factor
        }
        return applied
    }

    /// The median F0 of the voiced frames of `samples`, in Hz.
    static func medianVoicedFrequency(_ samples: [Float], tracker: PitchTracker, what: String) throws -> Float {
        guard let median = try tracker(samples).medianVoicedFrequency else {
            throw StyleTransferError.invalidInput(what: what, problem: .noVoicedFrame)
        }
        return median
    }
}
