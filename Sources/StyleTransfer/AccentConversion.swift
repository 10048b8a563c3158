import AudioDSP
import Backbones
import Foundation
import NeuralCore

/// Whether, and toward which accent, the content is converted before everything else
/// (``StyleTransferConfiguration/accentConversion``), by an ``Backbones/AccentConverter``: a network trained on
/// parallel speech that moves each frame's spectral envelope toward the same sounds in another accent, keeping the
/// content's timing, pitch and phase.
public struct AccentConversion: Sendable, Equatable {
    /// The accent aimed at.
    public enum Target: Sendable, Equatable {
        /// The style clip's accent, as the shipped ``Backbones/AudioBackbone``'s accent head hears it: the
        /// converter aims at the head's probabilities (a clear call converts fully toward one accent, a doubtful one
        /// toward a blend).
        case style
        /// One of the converter's ``Backbones/AccentConverter/Configuration/accents`` (e.g. `en-gb-scotland`).
        case named(String)
    }

    /// The accent aimed at. Default ``Target/style``.
    public var target: Target
    /// The share of the predicted change applied, 0…2. Default 0.85 (on the development sets, 1 moves the accent a
    /// little further but takes intelligibility below STOI 0.8 on some pairs).
    public var strength: Float

    /// An accent conversion; every argument has the documented default.
    public init(target: Target = .style, strength: Float = 0.85) {
        self.target = target
        self.strength = strength
    }
}

extension AccentConversion.Target: LosslessStringConvertible {
    /// `style`, or an accent's name (e.g. `en-gb-scotland`): the command-line spelling. Empty is `nil`.
    public init?(_ description: String) {
        guard !description.isEmpty else { return nil }
        self = description == "style" ? .style : .named(description)
    }

    public var description: String {
        switch self {
        case .style: "style"
        case let .named(accent): accent
        }
    }
}

/// The converter and the accent classifier a session uses for ``StyleTransferConfiguration/accentConversion``.
struct AccentConversionStage {
    let conversion: AccentConversion
    let converter: AccentConverter
    /// The shipped backbone and, for each of the converter's accents, the class of its accent head with that name
    /// (``AccentConversion/Target/style`` only).
    private let classifier: (network: AudioBackbone, label: Int, classes: [Int?])?

    /// Loads what `conversion` needs: `converter` or the shipped one, and the shipped backbone when the target is the
    /// style's accent.
    ///
    /// - Throws: ``StyleTransferError/invalidConfiguration(name:value:requirement:)`` for a named accent the
    ///   converter does not know; Backbones' errors loading a checkpoint, or one without an accent head.
    init(_ conversion: AccentConversion, converter: AccentConverter?) throws {
        self.conversion = conversion
        self.converter = try converter ?? AccentConverter.bundled()
        let accents = self.converter.configuration.accents
        switch conversion.target {
        case let .named(accent):
            guard accents.contains(accent) else {
                throw StyleTransferError.invalidConfiguration(
                    name: "accentConversion.target", value: accent,
                    requirement: .supportedBy(backbone: "AccentConverter", values: accents))
            }
            classifier = nil
        case .style:
            let network = try AudioBackbone.bundled()
            guard let label = network.configuration.labels.firstIndex(where: { $0.name == "accent" }) else {
                throw BackbonesError.invalidCheckpoint(
                    path: AudioBackbone.bundledCheckpointName, problem: "the shipped backbone has no accent head")
            }
            let classes = network.configuration.labels[label].classes
            classifier = (network, label, accents.map { classes.firstIndex(of: $0) })
        }
    }

    /// The weight of each of the converter's accents that the conversion aims at for the style: its clip `style`
    /// (mono, at `features`' rate) and its spectrogram `features`, reused when the classifier reads the same front
    /// end.
    func targetAccent(style: Waveform, features: AcousticFeatures) throws -> [Float] {
        guard let classifier else {
            guard case let .named(accent) = conversion.target else { preconditionFailure("no classifier") }
            return try converter.accentWeights(accent)
        }
        let frontEnd = classifier.network.configuration.frontEnd
        let spectrogram =
            try features.frontEnd == frontEnd
            ? features.spectrogram
            : frontEnd.analyze(
                style.sampleRate == frontEnd.sampleRate ? style : style.resampled(to: frontEnd.sampleRate)
            ).spectrogram
        let heard = try classifier.network.classProbabilities(
            Tensor(shape: spectrogram.shape, scalars: spectrogram.values))[classifier.label].probabilities
        let weights = classifier.classes.map { $0.map { heard[$0] } ?? 0 }
        let total = weights.reduce(0, +)
        return total > 0 ? weights.map { $0 / total } : weights.map { _ in 1 / Float(weights.count) }
    }

    /// `content` converted toward `accent`.
    func converted(_ content: Waveform, toward accent: [Float]) throws -> Waveform {
        try converter.converted(content, toward: accent, strength: conversion.strength)
    }
}
