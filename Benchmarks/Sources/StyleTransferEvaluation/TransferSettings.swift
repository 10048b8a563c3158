import AudioDSP
import Backbones
import Foundation
import StyleTransfer
import Vocoders

/// Everything a transfer of the evaluation depends on: the library's configuration plus the backbone, the front end
/// and the vocoder, set from a preset (or the library's defaults) and then from command-line flags.
///
/// To offer a new setting, add one ``ConfigurationFlag`` to ``flags``: its name, its help line and what it sets.
struct TransferSettings {
    /// The backbones, by the names `demo transfer` uses.
    enum Backbone: String, CaseIterable {
        /// The study's `RandomCNN(.study(filterCount:))`.
        case randomCNN = "random-cnn"
        /// Ulyanov's wide `RandomCNN(.ulyanov(rowCount:filterCount:kernelWidth:))` over the front end's rows.
        case randomCNNWide = "random-cnn-wide"
        /// VGG19 with seeded random weights.
        case vgg19
        /// ResNet-50 with seeded random weights.
        case resnet50
        /// ViT-B/16 with seeded random weights.
        case vitB16 = "vit-b16"
        /// The trained `AudioBackbone` of `--backbone-weights` (default: the shipped one).
        case audio
    }

    /// The spectrogram a front end computes (its frequency axis and value scale).
    enum Representation: String, CaseIterable {
        /// STFT bins, `log1p` of the amplitude (the random-CNN work's, `StyleTransferConfiguration.log1pMagnitude`).
        case log1p
        /// STFT bins, amplitude in dB (librosa `amplitude_to_db`, amin 1e-5, floor `--top-db` below the peak, default 100;
        /// the library's default, `StyleTransferConfiguration.decibelMagnitude`).
        case db
        /// Mel bands from 0 Hz to Nyquist, `log1p` of the amplitude.
        case melLog1p = "mel-log1p"
        /// Mel bands from 0 Hz to Nyquist, power in dB (librosa `power_to_db`, amin 1e-10, top 80 dB).
        case melDB = "mel-db"
        /// Mel bands from 0 to 8 kHz, `log(max(amplitude, 1e-5))`: the speech vocoders' ``Vocoders/FrontEnd/default``.
        case melLog = "mel-log"
    }

    /// The library's configuration; its front end is replaced by ``frontEnd(from:)`` when a front-end flag is given.
    var configuration: StyleTransferConfiguration
    var backbone = Backbone.randomCNN
    /// Filters of the random CNN; `nil` means the library's choice (the presets' 32, Ulyanov's 4096).
    var filterCount: Int?
    /// Kernel width (frames) of the wide random CNN; `nil` means the presets' wide network's.
    var kernelWidth: Int?
    /// STFT size, hop and representation of the front end; `nil` keeps the configuration's.
    var fftSize: Int?
    var hopLength: Int?
    var representation: Representation?
    /// Mel bands of a mel representation. Default 80.
    var melBandCount = 80
    /// Floor of the dB representations, in dB below the clip's maximum (`nil`: only `amin`). Default 80.
    var topDecibels: Float? = 100
    /// The checkpoint of the `audio` backbone.
    var backboneWeights: URL?
    /// Content and style layers; `nil` keeps the backbone's recommended ones.
    var contentLayers: [String]?
    var styleLayers: [String]?
    /// The checkpoint of the accent converter (`nil`: the shipped one).
    var accentWeights: URL?
    /// Griffin-Lim iterations of the vocoder. Default 64, as `demo transfer`.
    var griffinLimIterations = 64

    /// A command-line setting: `--name value`.
    struct ConfigurationFlag: Sendable {
        let name: String
        /// What the value may be, and the default.
        let help: String
        let apply: @Sendable (inout TransferSettings, String) throws -> Void
    }

    /// The flags that choose a configuration; every one takes a value.
    static let flags: [ConfigurationFlag] = [
        .init(name: "--backbone", help: "\(choices(Backbone.self)) (default random-cnn, the presets')") {
            $0.backbone = try choice($1)
        },
        .init(name: "--backbone-weights", help: "checkpoint of --backbone audio (demo train-backbone; default the shipped one)") {
            $0.backboneWeights = URL(fileURLWithPath: $1)
        },
        .init(name: "--content-layers", help: "comma-separated layer names, or none (default: the backbone's recommended)") {
            $0.contentLayers = $1 == "none" ? [] : $1.split(separator: ",").map(String.init)
        },
        .init(name: "--style-layers", help: "comma-separated layer names (default: the backbone's recommended)") {
            $0.styleLayers = $1.split(separator: ",").map(String.init)
        },
        .init(name: "--filters", help: "filters of random-cnn (default the presets', 32) or random-cnn-wide (default Ulyanov's 4096)") {
            $0.filterCount = try positive($1)
        },
        .init(name: "--kernel-width", help: "frames of random-cnn-wide's kernel (default Ulyanov's 11)") {
            $0.kernelWidth = try positive($1)
        },
        .init(name: "--gram-axis", help: "\(choices(GramAxis.self)) (default the preset's, time)") {
            $0.configuration.gramAxis = try choice($1)
        },
        .init(name: "--active-range", help: "dB below the loudest frame that style statistics describe, or all (default the preset's, 40)") {
            $0.configuration.activeFrameRange = $1 == "all" ? nil : try number($1)
        },
        .init(name: "--match-loudness", help: "yes | no: bring the style to the content's loudness first (default the preset's, yes)") {
            guard let value = ["yes": true, "no": false][$1] else { throw InvalidValue(expected: "yes or no") }
            $0.configuration.matchesStyleLoudness = value
        },
        .init(name: "--match-envelope", help: "FRACTION[:ROWS] of the style's long-term spectrum given to the content first, smoothed over ROWS rows, or no (default the preset's)") {
            guard $1 != "no" else { return $0.configuration.envelopeMatch = nil }
            let parts = $1.split(separator: ":", maxSplits: 1).map(String.init)
            $0.configuration.envelopeMatch = EnvelopeMatch(
                fraction: try number(parts[0]), smoothingRows: parts.count > 1 ? try positive(parts[1]) : 1)
        },
        .init(name: "--accent", help: "style | ACCENT | no: convert the content toward the style's accent (heard by the shipped backbone) or a named one first (default the preset's)") {
            guard $1 != "no" else { return $0.configuration.accentConversion = nil }
            guard let target = AccentConversion.Target($1) else { throw InvalidValue(expected: "style, an accent or no") }
            var conversion = $0.configuration.accentConversion ?? AccentConversion()
            conversion.target = target
            $0.configuration.accentConversion = conversion
        },
        .init(name: "--accent-strength", help: "share 0...2 of the accent converter's predicted change (default the preset's, else AccentConversion's 0.85; implies --accent style unless given)") {
            var conversion = $0.configuration.accentConversion ?? AccentConversion()
            conversion.strength = try number($1)
            $0.configuration.accentConversion = conversion
        },
        .init(name: "--accent-weights", help: "checkpoint of the accent converter (demo train-accent; default the shipped one)") {
            $0.accentWeights = URL(fileURLWithPath: $1)
        },
        .init(name: "--pitch", help: "keep | match | SEMITONES: the content's pitch change first (default the preset's)") {
            guard let pitch = PitchChange.Pitch($1) else { throw InvalidValue(expected: "keep, match or semitones") }
            $0.configuration.pitchChange.pitch = pitch
        },
        .init(name: "--formants", help: "keep | match | FACTOR: the content's formant change with it (default the preset's)") {
            guard let formants = PitchChange.Formants($1) else { throw InvalidValue(expected: "keep, match or a factor > 0") }
            $0.configuration.pitchChange.formants = formants
        },
        .init(name: "--style-weight", help: "style weight β (default the preset's)") {
            $0.configuration.styleWeight = try number($1)
        },
        .init(name: "--content-weight", help: "content weight α (default the preset's)") {
            $0.configuration.contentWeight = try number($1)
        },
        .init(name: "--tv-weight", help: "total-variation weight (default the preset's)") {
            $0.configuration.totalVariationWeight = try number($1)
        },
        .init(name: "--optimizer", help: "adam:RATE or lbfgs[:EVALUATIONS per step, 5] (default the preset's)") {
            $0.configuration.optimizer = try optimizer($1)
        },
        .init(name: "--steps", help: "optimisation steps, 0 for none (default the preset's)") {
            guard let steps = Int($1), steps >= 0 else { throw InvalidValue(expected: "an integer ≥ 0") }
            $0.configuration.steps = steps
        },
        .init(name: "--init", help: "content, style or noise:STANDARD_DEVIATION (default the preset's)") {
            $0.configuration.initialization = try initialization($1)
        },
        .init(name: "--seed", help: "seed of the backbone, the initialisation and the vocoder's phase (default 0)") {
            guard let seed = UInt64($1) else { throw InvalidValue(expected: "a non-negative integer") }
            $0.configuration.seed = seed
        },
        .init(name: "--fft-size", help: "STFT size of the front end (default the preset's, 1024)") {
            $0.fftSize = try positive($1)
        },
        .init(name: "--hop", help: "STFT hop of the front end (default the preset's, 256)") {
            $0.hopLength = try positive($1)
        },
        .init(name: "--representation", help: "\(choices(Representation.self)) (default the preset's, db)") {
            $0.representation = try choice($1)
        },
        .init(name: "--top-db", help: "floor of the db and mel-db representations below the maximum, or none (default the presets', 100; implies --representation db unless given)") {
            $0.topDecibels = $1 == "none" ? nil : try number($1)
            if $0.representation == nil { $0.representation = .db }
        },
        .init(name: "--mel-bands", help: "bands of a mel representation (default 80)") {
            $0.melBandCount = try positive($1)
        },
        .init(name: "--iterations", help: "Griffin-Lim iterations of the vocoder (default 64)") {
            $0.griffinLimIterations = try positive($1)
        },
    ]

    /// The settings of `preset`, or the library's default configuration when `nil`.
    init(preset: StyleTransferPreset?) {
        configuration = preset.map { StyleTransferConfiguration.preset($0) } ?? StyleTransferConfiguration()
    }

    /// Applies `flags` in order.
    ///
    /// - Throws: ``EvaluationError/invalidFlag(_:value:reason:)`` for an unknown flag or a bad value.
    mutating func apply(_ flags: [(name: String, value: String)]) throws {
        for (name, value) in flags {
            guard let flag = Self.flags.first(where: { $0.name == name }) else {
                throw EvaluationError.invalidFlag(name, value: value, reason: "unknown flag (see --help)")
            }
            do {
                try flag.apply(&self, value)
            } catch let error as InvalidValue {
                throw EvaluationError.invalidFlag(name, value: value, reason: "expected \(error.expected)")
            }
        }
    }

    /// The session these settings describe: front end, backbone (with its recommended layers), Griffin-Lim vocoder.
    func session() throws -> StyleTransferSession {
        var configuration = configuration
        configuration.frontEnd = try frontEnd(from: configuration.frontEnd)
        let extractor = try featureExtractor(rowCount: configuration.frontEnd.rowCount, seed: configuration.seed)
        let vocoder = try GriffinLimVocoder(frontEnd: configuration.frontEnd, iterations: griffinLimIterations)
        configuration = configuration.withRecommendedLayers(for: extractor)
        if let contentLayers { configuration.contentLayers = contentLayers.map { WeightedLayer($0) } }
        if let styleLayers { configuration.styleLayers = styleLayers.map { WeightedLayer($0) } }
        return try StyleTransferSession(
            featureExtractor: extractor, vocoder: vocoder, configuration: configuration,
            accentConverter: accentWeights.map(AccentConverter.init(contentsOf:)))
    }

    /// One line naming every setting that differs between transfers.
    ///
    /// - Throws: `VocodersError.invalidParameter` for a front end the flags made invalid.
    func summary() throws -> String {
        let frontEnd = try frontEnd(from: configuration.frontEnd)
        return "\(backboneDescription(rowCount: frontEnd.rowCount)); accent \(configuration.accentConversion.map { "\($0.target) × \($0.strength)" } ?? "no"); envelope match \(configuration.envelopeMatch.map { "\($0.fraction) over \($0.smoothingRows) rows" } ?? "no"), pitch \(configuration.pitchChange.pitch), formants \(configuration.pitchChange.formants), "
            + "style weight \(configuration.styleWeight), "
            + "content weight \(configuration.contentWeight), tv weight \(configuration.totalVariationWeight); "
            + "\(configuration.optimizer), \(configuration.steps) steps, init \(configuration.initialization), "
            + "seed \(configuration.seed); fft \(frontEnd.fftSize), hop \(frontEnd.hopLength), "
            + "\(frontEnd.value(of: .frequencyAxis)) rows \(frontEnd.rowCount), \(frontEnd.valueScale); "
            + "Griffin-Lim \(griffinLimIterations)"
    }

    // MARK: - Pieces

    /// `base` with the STFT size, hop and representation flags applied (itself when none was given).
    private func frontEnd(from base: FrontEnd) throws -> FrontEnd {
        guard fftSize != nil || hopLength != nil || representation != nil else { return base }
        let fftSize = fftSize ?? base.fftSize, hopLength = hopLength ?? base.hopLength
        let nyquist = Float(base.sampleRate) / 2
        let (axis, scale, power): (FrontEnd.FrequencyAxis, FrontEnd.ValueScale, Float) = switch representation {
        case nil: (base.frequencyAxis, base.valueScale, base.magnitudePower)
        case .log1p: (.linear, .log1p, 1)
        case .db: (.linear, .decibels(amin: 1e-5, topDB: topDecibels), 1)
        case .melLog1p: (.mel(.init(count: melBandCount, maximumFrequency: nyquist)), .log1p, 1)
        case .melDB: (.mel(.init(count: melBandCount, maximumFrequency: nyquist)), .decibels(amin: 1e-10, topDB: topDecibels), 2)
        case .melLog: (.mel(.init(count: melBandCount, maximumFrequency: 8000)), .logClamp(minimum: 1e-5), 1)
        }
        return try FrontEnd(sampleRate: base.sampleRate, fftSize: fftSize, hopLength: hopLength, window: base.window,
                            center: base.center, padMode: base.padMode, magnitudePower: power, frequencyAxis: axis,
                            valueScale: scale)
    }

    /// The network of a random-CNN backbone: the presets' study network, or Ulyanov's over `rowCount` rows, with
    /// the library's sizes unless `--filters` / `--kernel-width` were given.
    private func architecture(rowCount: Int) -> RandomCNN.Architecture? {
        switch backbone {
        case .randomCNN:
            guard let filterCount else { return StyleTransferPreset.gender.architecture }
            return .study(filterCount: filterCount)
        case .randomCNNWide:
            guard case let .ulyanov(_, filters, width) = RandomCNN.Architecture.ulyanov(rowCount: rowCount) else {
                preconditionFailure("the wide network is Ulyanov's")
            }
            return .ulyanov(rowCount: rowCount, filterCount: filterCount ?? filters, kernelWidth: kernelWidth ?? width)
        case .vgg19, .resnet50, .vitB16, .audio: return nil
        }
    }

    private func featureExtractor(rowCount: Int, seed: UInt64) throws -> any FeatureExtractor {
        switch backbone {
        case .audio: try backboneWeights.map { try AudioBackbone(contentsOf: $0) } ?? AudioBackbone.bundled()
        case .randomCNN, .randomCNNWide: RandomCNN(architecture(rowCount: rowCount)!, seed: seed)
        case .vgg19: VGG19(seed: seed)
        case .resnet50: ResNet50(seed: seed)
        case .vitB16: VisionTransformer(seed: seed)
        }
    }

    private func backboneDescription(rowCount: Int) -> String {
        switch architecture(rowCount: rowCount) {
        case let .study(filterCount): "random-cnn (\(filterCount) filters)"
        case let .ulyanov(_, filterCount, width): "random-cnn-wide (\(filterCount) filters, kernel \(width))"
        case nil where backbone == .audio: "audio (\(backboneWeights?.lastPathComponent ?? "shipped"), content \(contentLayers.map { "\($0)" } ?? "recommended"), style \(styleLayers.map { "\($0)" } ?? "recommended"))"
        case nil: "\(backbone.rawValue) (random weights)"
        }
    }
}

/// A flag value that does not parse; ``TransferSettings/apply(_:)`` names the flag.
struct InvalidValue: Error {
    let expected: String
}

func choices<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) -> String where Choice.RawValue == String {
    Choice.allCases.map(\.rawValue).joined(separator: " | ")
}

private func choice<Choice: RawRepresentable & CaseIterable>(_ text: String) throws -> Choice
where Choice.RawValue == String {
    guard let value = Choice(rawValue: text) else { throw InvalidValue(expected: "one of \(choices(Choice.self))") }
    return value
}

func positive(_ text: String) throws -> Int {
    guard let value = Int(text), value >= 1 else { throw InvalidValue(expected: "a positive integer") }
    return value
}

private func number(_ text: String) throws -> Float {
    guard let value = Float(text), value.isFinite, value >= 0 else { throw InvalidValue(expected: "a number ≥ 0") }
    return value
}

/// `adam:RATE`, or `lbfgs[:EVALUATIONS]`: L-BFGS as `demo transfer --lbfgs` runs it (history 20, strong-Wolfe line
/// search), with at most EVALUATIONS (default 5) loss evaluations per step.
private func optimizer(_ text: String) throws -> StyleTransferConfiguration.OptimizerChoice {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    switch (parts.first, parts.count) {
    case ("adam", 2):
        if let rate = Float(parts[1]), rate > 0, rate.isFinite { return .adam(learningRate: rate) }
    case ("lbfgs", 1):
        return .lbfgs(historySize: 20, evaluationsPerStep: 5, strongWolfe: true)
    case ("lbfgs", 2):
        if let evaluations = Int(parts[1]), evaluations >= 1 {
            return .lbfgs(historySize: 20, evaluationsPerStep: evaluations, strongWolfe: true)
        }
    default:
        break
    }
    throw InvalidValue(expected: "adam:LEARNING_RATE (e.g. adam:0.02), lbfgs or lbfgs:EVALUATIONS_PER_STEP")
}

private func initialization(_ text: String) throws -> StyleTransferConfiguration.Initialization {
    switch text {
    case "content": return .content
    case "style": return .style
    default:
        if text.hasPrefix("noise:"), let deviation = Float(text.dropFirst(6)), deviation >= 0, deviation.isFinite {
            return .noise(standardDeviation: deviation)
        }
        throw InvalidValue(expected: "content, style or noise:STANDARD_DEVIATION")
    }
}
