import Foundation

/// Every error thrown by AudioDSP: each case names the problem and the input it came from.
///
/// The `demo` CLI prints `description` as one line and exits non-zero.
public enum AudioDSPError: Error, Equatable, CustomStringConvertible {
    /// A parameter is outside its valid range (`name` is the Swift label, e.g. `hopLength`).
    case invalidParameter(name: String, value: String, reason: String)
    /// The file does not exist or cannot be opened.
    case fileNotFound(path: String)
    /// The file exists but is not audio, an image or an array this library can read.
    case unreadableFile(path: String, reason: String)
    /// The file is not a spectrogram image ``SpectrogramImage`` can read back.
    case notASpectrogramImage(path: String, problem: SpectrogramImageProblem)
    /// The input holds no samples (a zero-length file, a 0-frame WAV, an empty array).
    case emptyInput(what: String)
    /// The input is entirely zero, so nothing can be normalised or reconstructed from it.
    case silentInput(what: String)
    /// The input holds NaN or ±Inf values.
    case nonFiniteInput(what: String)
    /// The input is too short for an analysis: it gives `frames` analysis frames where `minimumFrames` are needed
    /// (for STOI, frames that remain after removing the clean signal's silent ones).
    case tooShort(what: String, frames: Int, minimumFrames: Int)
    /// An array or image does not have the shape or metadata an operation requires.
    case shapeMismatch(what: String, expected: String, actual: String)
    /// A spectrogram (or audio) comes from another analysis than the ``FrontEnd`` an operation expects: `field` is
    /// the first field (in ``FrontEnd/Field`` order) that differs, with the expected value and the input's value
    /// (as ``FrontEnd/value(of:)`` writes them).
    case frontEndMismatch(field: FrontEnd.Field, expected: String, actual: String)
    /// Writing an output file failed; nothing was left at the destination.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, reason): "invalid \(name) = \(value): \(reason)"
        case let .fileNotFound(path): "file not found: \(path)"
        case let .unreadableFile(path, reason): "cannot read \(path): \(reason)"
        case let .notASpectrogramImage(path, problem): "cannot read \(path): \(problem)"
        case let .emptyInput(what): "\(what) is empty"
        case let .silentInput(what): "\(what) is silent (all samples are zero)"
        case let .nonFiniteInput(what): "\(what) contains NaN or infinite values"
        case let .tooShort(what, frames, minimumFrames):
            "\(what) is too short: \(frames) analysis frames, at least \(minimumFrames) needed"
        case let .shapeMismatch(what, expected, actual): "\(what) has shape \(actual), expected \(expected)"
        case let .frontEndMismatch(field, expected, actual):
            "the spectrogram was made with another front end: \(field.rawValue) is \(actual), expected \(expected)"
        case let .writeFailed(path, reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Why a file is not a spectrogram image (``AudioDSPError/notASpectrogramImage(path:problem:)``).
public enum SpectrogramImageProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file does not start with the PNG signature.
    case notPNG
    /// A PNG without this library's `spectrogram:*` text chunks (an image from elsewhere).
    case noMetadata
    /// The `spectrogram:` metadata entry `key` is missing, unreadable or of another format version.
    case damagedMetadata(key: String)
    /// The pixels are neither 16-bit gray nor colour-mapped RGB as the metadata says.
    case pixelFormatMismatch

    public var description: String {
        switch self {
        case .notPNG: "not a PNG file"
        case .noMetadata: "PNG has no spectrogram metadata (spectrogram:* tEXt)"
        case let .damagedMetadata(key): "spectrogram metadata spectrogram:\(key) is missing or invalid"
        case .pixelFormatMismatch: "pixel format does not match its metadata (16-bit gray or colour-mapped RGB)"
        }
    }
}
