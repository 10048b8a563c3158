import Foundation

/// Errors of a style transfer; each names the problem. Errors of the layers below (AudioDSP files, Backbones layers
/// and weights, Vocoders front ends) pass through unchanged.
public enum StyleTransferError: Error, Equatable, CustomStringConvertible {
    /// A setting is out of range.
    case invalidConfiguration(name: String, value: String, reason: String)
    /// The content or style audio cannot be used (`what` is "content" or "style", or a file path).
    case invalidInput(what: String, reason: String)
    /// The clip's spectrogram is smaller than the backbone needs (`frames` × `bins` against the minimum).
    case tooShort(what: String, bins: Int, frames: Int, minimumBins: Int, minimumFrames: Int)
    /// A loss became NaN or infinite: the optimisation diverged (lower the learning rate or the style weight).
    case diverged(step: Int, chunk: Int)
    /// `--shard i/n` or a similar partition argument is malformed.
    case invalidShard(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(name, value, reason):
            "invalid \(name) \(value): \(reason)"
        case let .invalidInput(what, reason):
            "\(what) \(reason)"
        case let .tooShort(what, bins, frames, minimumBins, minimumFrames):
            "\(what) is too short for the backbone: \(bins)×\(frames) (bins×frames) spectrogram, needs at least \(minimumBins)×\(minimumFrames)"
        case let .diverged(step, chunk):
            "the optimisation diverged (loss not finite) at step \(step) of chunk \(chunk); lower the learning rate or the style weight"
        case let .invalidShard(text):
            "invalid shard '\(text)': expected i/n with 1 ≤ i ≤ n"
        }
    }
}
