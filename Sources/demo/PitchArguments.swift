import ArgumentParser
import StyleTransfer

/// `--pitch keep | match | SEMITONES`, parsed by the library's `PitchChange.Pitch(_:)`.
extension PitchChange.Pitch: ExpressibleByArgument {}

/// `--formants keep | match | FACTOR`, parsed by the library's `PitchChange.Formants(_:)`.
extension PitchChange.Formants: ExpressibleByArgument {}
