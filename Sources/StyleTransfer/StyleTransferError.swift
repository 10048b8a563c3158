import Foundation

/// Errors of a style transfer; each names the problem. Errors of the layers below (AudioDSP files, Backbones layers
/// and weights, Vocoders front ends) pass through unchanged.
public enum StyleTransferError: Error, Equatable, CustomStringConvertible {
    /// A setting (`name`, with the `value` given) breaks `requirement`.
    case invalidConfiguration(name: String, value: String, requirement: Requirement)
    /// The content or style audio cannot be used (`what` is "content" or "style", or a file path).
    case invalidInput(what: String, problem: InputProblem)
    /// The clip's spectrogram is smaller than the backbone needs (`frames` × `bins` against the minimum).
    case tooShort(what: String, bins: Int, frames: Int, minimumBins: Int, minimumFrames: Int)
    /// A loss became NaN or infinite: the optimisation diverged (lower the learning rate or the style weight).
    case diverged(step: Int, chunk: Int)
    /// ``TransferMeasures`` cannot measure a clip: `clip` is "content", "style" or "output".
    case unmeasurable(clip: String, problem: MeasurementProblem)

    /// What a setting of ``StyleTransferConfiguration`` must be; every number must also be finite.
    public enum Requirement: Sendable, Equatable, CustomStringConvertible {
        /// At least `minimum`.
        case atLeast(Double)
        /// Greater than `bound`.
        case above(Double)
        /// Within the closed range.
        case within(ClosedRange<Double>)
        /// At least `lower` and below `upper`.
        case atLeastAndBelow(Double, Double)
        /// Not empty (at least one content or style layer).
        case nonEmpty
        /// One of the values `backbone` supports.
        case supportedBy(backbone: String, values: [String])

        public var description: String {
            func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
            return switch self {
            case let .atLeast(minimum): "must be finite and ≥ \(number(minimum))"
            case let .above(bound): "must be finite and > \(number(bound))"
            case let .within(range): "must be between \(number(range.lowerBound)) and \(number(range.upperBound))"
            case let .atLeastAndBelow(lower, upper): "must be ≥ \(number(lower)) and below \(number(upper))"
            case .nonEmpty: "give at least one content or style layer"
            case let .supportedBy(backbone, values): "\(backbone) supports \(values)"
            }
        }
    }

    /// Why a session cannot use a content or style clip.
    public enum InputProblem: Sendable, Equatable, CustomStringConvertible {
        /// The clip has no samples.
        case empty
        /// The clip holds NaN or ±Inf samples.
        case nonFinite
        /// Every sample is zero.
        case silent
        /// ``PitchChange/Pitch/matchStyle`` found no voiced frame to take the clip's pitch from.
        case noVoicedFrame
        /// The style spectrogram has `binCount` rows where the content has `contentBinCount`.
        case binCount(Int, contentBinCount: Int)

        public var description: String {
            switch self {
            case .empty: "has no samples"
            case .nonFinite: "contains NaN or infinite samples"
            case .silent: "is silent (all samples are zero)"
            case .noVoicedFrame: "has no voiced frame to take the pitch of"
            case let .binCount(bins, contentBins): "has \(bins) bins, the content \(contentBins)"
            }
        }
    }

    /// Why ``TransferMeasures`` cannot measure a clip.
    public enum MeasurementProblem: Sendable, Equatable, CustomStringConvertible {
        /// The clip has no samples.
        case empty
        /// The clip holds NaN or ±Inf samples.
        case nonFinite
        /// The clip's peak, `peak` (full scale 1), is below ``TransferMeasures/silenceThreshold`` (1e-4, −80 dBFS),
        /// the judge's silence test.
        case silent(peak: Float)
        /// The style's band Gram matrix or mean MFCCs equal the content's, so no ratio toward the style exists.
        case indistinguishableFromContent
        /// STOI needs at least `minimumFrames` spectral frames (about 0.4 s of sound) after the content's silent
        /// frames are removed; `frames` remained.
        case tooShortForIntelligibility(frames: Int, minimumFrames: Int)

        public var description: String {
            switch self {
            case .empty: "is empty"
            case .nonFinite: "contains NaN or infinite samples"
            case let .silent(peak): "is silent (peak \(peak), below 1e-4)"
            case .indistinguishableFromContent: "cannot be told apart from the content (same band Gram or mean MFCC)"
            case let .tooShortForIntelligibility(frames, minimumFrames):
                "is too short for STOI: \(frames) frames of sound at 10 kHz after silence removal, \(minimumFrames) needed"
            }
        }
    }

    public var description: String {
        switch self {
        case let .invalidConfiguration(name, value, requirement):
            "invalid \(name) \(value): \(requirement)"
        case let .invalidInput(what, problem):
            "\(what) \(problem)"
        case let .tooShort(what, bins, frames, minimumBins, minimumFrames):
            "\(what) is too short for the backbone: \(bins)×\(frames) (bins×frames) spectrogram, needs at least \(minimumBins)×\(minimumFrames)"
        case let .diverged(step, chunk):
            "the optimisation diverged (loss not finite) at step \(step) of chunk \(chunk); lower the learning rate or the style weight"
        case let .unmeasurable(clip, problem):
            "cannot measure the transfer: the \(clip) \(problem)"
        }
    }
}
