import ArgumentParser
import StyleTransfer

/// `--pitch keep | match | SEMITONES` (e.g. `12`, `-4.5`).
extension PitchChange.Pitch: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "keep": self = .keep
        case "match": self = .matchStyle
        default:
            guard let semitones = Float(argument), semitones.isFinite else { return nil }
            self = .semitones(semitones)
        }
    }
}

/// `--formants keep | match | FACTOR` (e.g. `1.15`).
extension PitchChange.Formants: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument {
        case "keep": self = .keep
        case "match": self = .matchStyle
        default:
            guard let factor = Float(argument), factor.isFinite, factor > 0 else { return nil }
            self = .scale(factor)
        }
    }
}
