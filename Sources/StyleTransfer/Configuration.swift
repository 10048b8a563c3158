import AudioDSP
import Backbones
import NeuralCore
import Vocoders

/// A layer of the backbone and the weight of its term in a loss.
public struct WeightedLayer: Sendable, Equatable, Codable {
    /// The layer's name, one of ``Backbones/FeatureExtractor/layerNames``.
    public var name: String
    /// The weight of this layer's term (relative to the other layers of the same loss). Default 1.
    public var weight: Float

    /// A layer with a weight.
    public init(_ name: String, weight: Float = 1) {
        self.name = name
        self.weight = weight
    }
}

/// Every setting of a ``StyleTransferSession``: the defaults live here and nowhere else (the `demo` CLI reads them).
///
/// The defaults are the study's best pipeline as measured on the development set (`Docs/StyleTransfer.md`): the
/// random CNN's `relu1` for both content and style, its Gram matrix over time taken over active frames, on the dB
/// magnitude STFT ``decibelMagnitude`` (fftSize 1024, hop 256, 22 050 Hz: 513 bins), the content first given the
/// style's long-term spectrum (``envelopeMatch``), Adam with learning rate 0.3 dB per step for 100 steps from there.
/// See ``preset(_:)`` for the three experiments.
public struct StyleTransferConfiguration: Sendable, Equatable {
    /// The optimiser that updates the output spectrogram.
    public enum OptimizerChoice: Sendable, Equatable {
        /// Adam (PyTorch semantics) with this learning rate, in units of the representation per step.
        case adam(learningRate: Float)
        /// L-BFGS (PyTorch `optim.LBFGS`) with one iteration (at most `evaluationsPerStep` loss evaluations) per
        /// reported step, `historySize` correction pairs and optionally the strong-Wolfe line search.
        case lbfgs(historySize: Int, evaluationsPerStep: Int, strongWolfe: Bool)
    }

    /// Where the optimisation starts.
    public enum Initialization: Sendable, Equatable {
        /// The content spectrogram (the usual choice for audio: keeps the words from the first step).
        case content
        /// Gaussian noise of this standard deviation (in representation units) around the content's mean.
        case noise(standardDeviation: Float)
        /// The style spectrogram, tiled or cut to the content's length.
        case style
    }

    /// The analysis of content, style and output, and therefore the front end the vocoder must have. Default
    /// ``decibelMagnitude``.
    public var frontEnd: FrontEnd
    /// Layers whose activations carry the content, with weights. Default `relu1` (the random CNN).
    public var contentLayers: [WeightedLayer]
    /// Layers whose Gram matrices carry the style, with weights. Default `relu1` (the random CNN).
    public var styleLayers: [WeightedLayer]
    /// What the style's Gram matrices correlate. Default ``Backbones/GramAxis/time`` (every filter × frequency row
    /// over frames: the study network's statistic, which moves each band toward the style); transformers support
    /// ``Backbones/GramAxis/channels`` only.
    public var gramAxis: GramAxis
    /// Loudness range, in dB below the loudest frame, of the frames that style statistics describe; `nil` takes
    /// every frame (the study). With a range, the style's Gram targets come from its active frames only and the
    /// output's Gram matrices from the frames where the content is active, so the style describes the voice or
    /// instrument, not its pauses, and the content's pauses stay pauses. Default 40 dB (the judge's rule).
    public var activeFrameRange: Float?
    /// Whether the style is brought to the content's loudness (the mean energy of active frames) before its
    /// statistics are taken, so a style recorded louder or softer describes the same timbre. Default `true`.
    public var matchesStyleLoudness: Bool
    /// Whether, and how far, the content's long-term spectrum is moved toward the style's before the optimisation (a
    /// fixed equaliser that the optimisation's start and its content loss both use, so the content term does not
    /// pull the levels back); `nil` leaves the content as it is. Default ``EnvelopeMatch/init(fraction:smoothingRows:)``
    /// (all the way, smoothed over 9 rows): on the development set it took the gender band-Gram ratio from 0.35 to
    /// 0.24 and the instrument trade-off from 0.49 / STOI 0.65 to 0.37 / 0.71.
    public var envelopeMatch: EnvelopeMatch?
    /// Whether the content is first converted toward another accent (``AccentConversion``, before the pitch change);
    /// `nil` leaves it as it is. Default `nil`; the accent preset converts toward the style's accent.
    public var accentConversion: AccentConversion?
    /// What happens to the content's pitch and formants before the optimisation (and before the envelope match).
    /// Default ``PitchChange/init(pitch:formants:)``: nothing.
    public var pitchChange: PitchChange
    /// Weight α of the content loss. Default 1.
    public var contentWeight: Float
    /// Weight β of the style loss. Default 0.03 (see ``preset(_:)`` for measured choices; the dB representation's
    /// Gram entries are large, so small weights already let the style dominate).
    public var styleWeight: Float
    /// Weight of the total-variation loss on the output spectrogram (0 disables it). Default 0.
    public var totalVariationWeight: Float
    /// The optimiser. Default Adam, learning rate 0.3 (dB per step).
    public var optimizer: OptimizerChoice
    /// Optimisation steps per chunk, ≥ 0; with 0 the output is the content after the accent conversion, pitch change
    /// and envelope match, unoptimised. Default 100.
    public var steps: Int
    /// The starting point. Default ``Initialization/content``.
    public var initialization: Initialization
    /// Seed of every random choice (noise initialisation). Default 0.
    public var seed: UInt64
    /// Longest content, in seconds, optimised in one piece; longer content is cut into chunks of this length that
    /// overlap by ``chunkOverlap`` and are crossfaded. Default 10 s.
    public var chunkDuration: Double
    /// Overlap of neighbouring chunks, in seconds (< ``chunkDuration``). Default 1 s.
    public var chunkOverlap: Double

    /// A configuration; every argument has the documented default.
    public init(
        frontEnd: FrontEnd = StyleTransferConfiguration.decibelMagnitude,
        contentLayers: [WeightedLayer] = [WeightedLayer("relu1")],
        styleLayers: [WeightedLayer] = [WeightedLayer("relu1")], gramAxis: GramAxis = .time,
        activeFrameRange: Float? = 40, matchesStyleLoudness: Bool = true, envelopeMatch: EnvelopeMatch? = EnvelopeMatch(),
        accentConversion: AccentConversion? = nil, pitchChange: PitchChange = PitchChange(),
        contentWeight: Float = 1, styleWeight: Float = 0.03, totalVariationWeight: Float = 0,
        optimizer: OptimizerChoice = .adam(learningRate: 0.3), steps: Int = 100,
        initialization: Initialization = .content, seed: UInt64 = 0,
        chunkDuration: Double = 10, chunkOverlap: Double = 1
    ) {
        self.frontEnd = frontEnd
        self.contentLayers = contentLayers
        self.styleLayers = styleLayers
        self.gramAxis = gramAxis
        self.activeFrameRange = activeFrameRange
        self.matchesStyleLoudness = matchesStyleLoudness
        self.envelopeMatch = envelopeMatch
        self.accentConversion = accentConversion
        self.pitchChange = pitchChange
        self.contentWeight = contentWeight
        self.styleWeight = styleWeight
        self.totalVariationWeight = totalVariationWeight
        self.optimizer = optimizer
        self.steps = steps
        self.initialization = initialization
        self.seed = seed
        self.chunkDuration = chunkDuration
        self.chunkOverlap = chunkOverlap
    }

    /// The presets' representation (``AudioDSP/FrontEnd/decibelMagnitude``): the amplitude in dB,
    /// `20·log10(max(|STFT|, 1e-5))` floored 100 dB below the clip's maximum (librosa `amplitude_to_db(S, ref=1.0,
    /// amin=1e-5, top_db=100.0)`), 22 050 Hz, fftSize 1024, hop 256, Hann, centred with zeros (513 bins). Statistics of dB values weigh every level a listener hears (and the
    /// judge's band Gram is taken on log-mel dB); those of `log1p(|S|)` are dominated by the loudest bins. On the
    /// development set it took the gender band-Gram ratio from 0.74 (log1p) to 0.30 with STOI 0.83. The floor is
    /// 100 dB rather than librosa's default 80 so that a band a voice leaves empty (a 16 kHz recording above 8 kHz)
    /// stays far below the rest: 80 dB down, the empty band's floor, summed over the many bins of a high mel band,
    /// is as loud as a quiet voiced band.
    public static let decibelMagnitude = FrontEnd.decibelMagnitude

    /// The random-CNN work's representation: `log1p(|STFT|)`, 22 050 Hz, fftSize 1024, hop 256, Hann, centred
    /// with zeros (513 bins).
    public static let log1pMagnitude: FrontEnd = {
        do {
            return try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, frequencyAxis: .linear, valueScale: .log1p)
        } catch {
            preconditionFailure("the log1p front end is valid: \(error)")
        }
    }()

    /// Checks the settings that do not depend on the backbone.
    ///
    /// - Throws: ``StyleTransferError/invalidConfiguration(name:value:requirement:)`` naming the first bad setting.
    public func validate() throws {
        func check(_ name: String, _ number: Double, shown: String, _ requirement: StyleTransferError.Requirement) throws {
            let holds = switch requirement {
            case let .atLeast(minimum): number >= minimum
            case let .above(bound): number > bound
            case let .within(range): range.contains(number)
            case let .atLeastAndBelow(lower, upper): number >= lower && number < upper
            case .nonEmpty, .supportedBy: true
            }
            guard number.isFinite && holds else {
                throw StyleTransferError.invalidConfiguration(name: name, value: shown, requirement: requirement)
            }
        }
        func require(_ name: String, _ value: some BinaryFloatingPoint, _ requirement: StyleTransferError.Requirement) throws {
            try check(name, Double(value), shown: "\(value)", requirement)
        }
        func requireCount(_ name: String, _ value: Int, _ requirement: StyleTransferError.Requirement) throws {
            try check(name, Double(value), shown: "\(value)", requirement)
        }
        try requireCount("steps", steps, .atLeast(0))
        guard !contentLayers.isEmpty || !styleLayers.isEmpty else {
            throw StyleTransferError.invalidConfiguration(name: "layers", value: "none", requirement: .nonEmpty)
        }
        for (name, value) in [("contentWeight", contentWeight), ("styleWeight", styleWeight),
                              ("totalVariationWeight", totalVariationWeight)] {
            try require(name, value, .atLeast(0))
        }
        for layer in contentLayers + styleLayers { try require("weight of \(layer.name)", layer.weight, .atLeast(0)) }
        switch optimizer {
        case let .adam(learningRate):
            try require("learningRate", learningRate, .above(0))
        case let .lbfgs(historySize, evaluations, _):
            try requireCount("historySize", historySize, .atLeast(1))
            try requireCount("evaluationsPerStep", evaluations, .atLeast(1))
        }
        if let match = envelopeMatch {
            try require("envelopeMatch.fraction", match.fraction, .within(0...2))
            try requireCount("envelopeMatch.smoothingRows", match.smoothingRows, .atLeast(1))
        }
        if let conversion = accentConversion {
            try require("accentConversion.strength", conversion.strength, .within(0...2))
        }
        if case let .semitones(value) = pitchChange.pitch { try require("pitchChange semitones", value, .within(-24...24)) }
        if case let .scale(factor) = pitchChange.formants {
            try require("pitchChange formant factor", factor, .within(0.5...2))
        }
        if let range = activeFrameRange { try require("activeFrameRange", range, .above(0)) }
        if case let .noise(deviation) = initialization { try require("noise standard deviation", deviation, .atLeast(0)) }
        try require("chunkDuration", chunkDuration, .above(0))
        try require("chunkOverlap", chunkOverlap, .atLeastAndBelow(0, chunkDuration))
    }
}
