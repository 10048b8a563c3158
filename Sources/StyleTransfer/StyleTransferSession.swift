import AudioDSP
import Backbones
import Foundation
import NeuralCore
import Vocoders

/// The study's pipeline: audio → spectrogram → Gatys-style optimisation through a frozen backbone → vocoder → audio.
///
/// ```swift
/// let session = try StyleTransferSession(preset: .gender)     // or featureExtractor:vocoder:configuration:
/// let result = try await session.run(content: speech, style: otherVoice) { report in print(report.totalLoss) }
/// ```
///
/// The session is configured once and may run many transfers (one at a time: backbones are not thread-safe). It
/// computes the style's Gram targets once per run, optimises the content spectrogram (in chunks of
/// ``StyleTransferConfiguration/chunkDuration`` crossfaded over ``StyleTransferConfiguration/chunkOverlap`` for long
/// content, so memory is bounded by the chunk, not the clip), and vocodes the result. Task cancellation stops within
/// one step and returns the best spectrogram so far; a NaN or infinite loss throws
/// ``StyleTransferError/diverged(step:chunk:)``.
public final class StyleTransferSession {
    /// The frozen backbone.
    public let featureExtractor: any FeatureExtractor
    /// The vocoder that turns the output spectrogram into audio; its front end is the configuration's.
    public let vocoder: any Vocoder
    /// The settings.
    public let configuration: StyleTransferConfiguration
    /// What ``StyleTransferConfiguration/accentConversion`` needs, loaded once; `nil` without a conversion.
    private let accentStage: AccentConversionStage?

    /// The session of one of the study's experiments, as measured: the preset's configuration
    /// (``StyleTransferConfiguration/preset(_:)``), the study's network ``StyleTransferPreset/architecture`` with
    /// weights from `seed`, and Griffin-Lim (``StyleTransferConfiguration/griffinLimIterations`` iterations) on the
    /// configuration's front end.
    ///
    /// ```swift
    /// let session = try StyleTransferSession(preset: .gender)
    /// let result = try await session.run(content: maleVoice, style: femaleVoice)
    /// ```
    public convenience init(preset: StyleTransferPreset, seed: UInt64 = 0) throws {
        var configuration = StyleTransferConfiguration.preset(preset)
        configuration.seed = seed
        try self.init(featureExtractor: RandomCNN(preset.architecture, seed: seed), configuration: configuration)
    }

    /// Checks that the pieces fit together.
    ///
    /// - Parameters:
    ///   - accentConverter: the converter for ``StyleTransferConfiguration/accentConversion``; `nil` (the default)
    ///     loads the shipped one (``Backbones/AccentConverter/bundled()``) when the configuration converts.
    ///   - vocoder: the vocoder; `nil` (the default) is Griffin-Lim with
    ///     ``StyleTransferConfiguration/griffinLimIterations`` iterations on the configuration's front end, from its
    ///     default start (the phase-gradient estimate).
    /// - Throws: ``StyleTransferError/invalidConfiguration(name:value:requirement:)``,
    ///   `AudioDSPError.frontEndMismatch` when the vocoder's front end (or an `AudioBackbone`'s, which reads only
    ///   the spectrogram it was trained on) is not the configuration's, and
    ///   `BackbonesError.unknownLayer` for a layer the backbone does not have, and Backbones' errors loading the
    ///   accent converter (or an accent it does not know).
    public init(featureExtractor: any FeatureExtractor, vocoder: (any Vocoder)? = nil,
                configuration: StyleTransferConfiguration = StyleTransferConfiguration(),
                accentConverter: AccentConverter? = nil) throws {
        try configuration.validate()
        let vocoder = try vocoder ?? GriffinLimVocoder(
            frontEnd: configuration.frontEnd, iterations: StyleTransferConfiguration.griffinLimIterations)
        try vocoder.frontEnd.requireMatch(configuration.frontEnd)
        if let trained = featureExtractor as? AudioBackbone {
            try trained.configuration.frontEnd.requireMatch(configuration.frontEnd)
        }
        for layer in configuration.contentLayers + configuration.styleLayers
        where !featureExtractor.layerNames.contains(layer.name) {
            throw BackbonesError.unknownLayer(layer.name, available: featureExtractor.layerNames)
        }
        guard featureExtractor.supportedGramAxes.contains(configuration.gramAxis) else {
            throw StyleTransferError.invalidConfiguration(
                name: "gramAxis", value: configuration.gramAxis.rawValue,
                requirement: .supportedBy(backbone: "\(type(of: featureExtractor))",
                                          values: featureExtractor.supportedGramAxes.map(\.rawValue)))
        }
        self.featureExtractor = featureExtractor
        self.vocoder = vocoder
        self.configuration = configuration
        accentStage = try configuration.accentConversion.map {
            try AccentConversionStage($0, converter: accentConverter)
        }
    }

    /// Transfers the style of `style` onto `content` and vocodes the result.
    ///
    /// Both clips are downmixed to mono and resampled to the front end's rate (so they may differ in length and
    /// rate). `progress` is called after every step's loss evaluation, on the calling task.
    ///
    /// - Throws: ``StyleTransferError/invalidInput(what:problem:)`` for silent or non-finite audio,
    ///   ``StyleTransferError/tooShort(what:bins:frames:minimumBins:minimumFrames:)``,
    ///   ``StyleTransferError/diverged(step:chunk:)``, and the vocoder's errors.
    public func run(content: Waveform, style: Waveform,
                    progress: (StepReport) -> Void = { _ in }) async throws -> StyleTransferResult {
        let contentClip = try prepared(content, what: "content"), styleClip = try prepared(style, what: "style")
        let contentFeatures = try analyzePrepared(contentClip, what: "content")
        let styleFeatures = try analyzePrepared(styleClip, what: "style")
        let accent = try accentStage.map { stage in
            let weights = try stage.targetAccent(style: styleClip, features: styleFeatures)
            return (clip: try stage.converted(contentClip, toward: weights),
                    weights: Dictionary(uniqueKeysWithValues: zip(stage.converter.configuration.accents, weights)))
        }
        let startClip = accent?.clip ?? contentClip
        let pitchChange = try configuration.pitchChange.isIdentity ? nil : configuration.pitchChange.resolved(
            content: startClip.samples, style: styleClip.samples, sampleRate: startClip.sampleRate)
        let startFeatures = try pitchChange.map { change in
            try analyzePrepared(shifted(startClip, by: change), what: "content")
        } ?? (accent == nil ? contentFeatures : analyzePrepared(startClip, what: "content"))
        let (output, history, cancelled) = try transfer(
            content: startFeatures.spectrogram, style: styleFeatures.spectrogram, progress: progress)
        let outputFeatures = try AcousticFeatures(
            spectrogram: output, frontEnd: configuration.frontEnd, sampleCount: contentFeatures.sampleCount)
        let waveform = try vocoder.synthesize(outputFeatures)
        return StyleTransferResult(waveform: waveform, output: outputFeatures, content: contentFeatures,
                                   targetAccent: accent?.weights, pitchChange: pitchChange,
                                   shiftedContent: startFeatures, style: styleFeatures, history: history,
                                   wasCancelled: cancelled)
    }

    /// The front end's spectrogram of a clip, after the checks ``run(content:style:progress:)`` documents.
    public func analyze(_ waveform: Waveform, what: String) throws -> AcousticFeatures {
        try analyzePrepared(prepared(waveform, what: what), what: what)
    }

    /// `clip` (mono at the front end's rate) shifted in pitch and formants by `change`, through a 1024-point phase
    /// vocoder with hop 256: on the development set's gender pairs its STOI against the content is 0.77, against
    /// 0.70 with librosa's default 2048 / 512 (the same voices shifted to the style's median F0, formants kept).
    private func shifted(_ clip: Waveform, by change: AppliedPitchChange) throws -> Waveform {
        let shifter = try PitchShift(fftSize: 1024, hopLength: 256, envelope: .scale(change.formantFactor))
        let samples = try shifter(clip.samples, sampleRate: clip.sampleRate, semitones: Double(change.semitones))
        return Waveform(samples: samples, sampleRate: clip.sampleRate)
    }

    /// The front end's spectrogram of a clip ``prepared(_:what:)`` made, checked against the backbone's minimum.
    private func analyzePrepared(_ clip: Waveform, what: String) throws -> AcousticFeatures {
        let features = try configuration.frontEnd.analyze(clip)
        try requireSize(features.spectrogram, what: what)
        return features
    }

    /// `waveform` downmixed to mono and resampled to the front end's rate, after the checks
    /// ``run(content:style:progress:)`` documents.
    private func prepared(_ waveform: Waveform, what: String) throws -> Waveform {
        let mono = waveform.channelCount == 1 ? waveform : waveform.downmixed()
        let samples = mono.samples
        guard !samples.isEmpty else { throw StyleTransferError.invalidInput(what: what, problem: .empty) }
        guard samples.allSatisfy(\.isFinite) else {
            throw StyleTransferError.invalidInput(what: what, problem: .nonFinite)
        }
        guard samples.contains(where: { $0 != 0 }) else {
            throw StyleTransferError.invalidInput(what: what, problem: .silent)
        }
        let rate = configuration.frontEnd.sampleRate
        return mono.sampleRate == rate ? mono : try mono.resampled(to: rate)
    }

    /// Optimises a spectrogram in the configuration's front end: the spectrogram-level core of
    /// ``run(content:style:progress:)`` (no analysis, no vocoder).
    ///
    /// - Returns: the output `[bins, content frames]`, one report per step, and whether the task was cancelled.
    public func transfer(
        content: Spectrogram, style: Spectrogram, progress: (StepReport) -> Void = { _ in }
    ) throws -> (output: Spectrogram, history: [StepReport], wasCancelled: Bool) {
        try requireSize(content, what: "content")
        try requireSize(style, what: "style")
        guard content.rowCount == style.rowCount else {
            throw StyleTransferError.invalidInput(
                what: "style", problem: .binCount(style.rowCount, contentBinCount: content.rowCount))
        }
        let start = ContinuousClock.now
        let statistics = styleStatistics(content: content, style: style)
        let content = equalized(content, statistics: statistics)
        let range = valueRange(content)
        let plan = ChunkPlan(frameCount: content.frameCount, chunkFrames: frames(configuration.chunkDuration),
                             overlapFrames: frames(configuration.chunkOverlap))
        let optimizes = configuration.steps > 0
        let targets = optimizes ? try gramTargets(statistics.style, active: statistics.styleActivity,
                                                  layers: configuration.styleLayers.map(\.name),
                                                  chunkFrames: plan.chunkFrames, valueRange: range) : [:]
        var blend = ChunkBlend(binCount: content.rowCount, frameCount: content.frameCount)
        var history: [StepReport] = []
        var cancelled = false
        for (index, chunk) in plan.chunks.enumerated() {
            let contentChunk = tensor(content, frames: chunk)
            var optimized = contentChunk
            if optimizes && !cancelled {
                let problem = try ChunkProblem(
                    session: self, content: contentChunk, styleGrams: targets, valueRange: range,
                    activity: statistics.contentActivity?[chunk])
                let initial = initialSpectrogram(content: contentChunk, style: style, chunk: chunk, index: index)
                let outcome = try problem.optimize(from: initial, chunk: index + 1) { step, losses in
                    let report = StepReport(
                        chunk: index + 1, chunkCount: plan.chunks.count, step: step, stepCount: configuration.steps,
                        contentLoss: losses.content, styleLoss: losses.style, totalVariationLoss: losses.totalVariation,
                        totalLoss: losses.total, elapsed: (ContinuousClock.now - start) / .seconds(1))
                    history.append(report)
                    progress(report)
                }
                optimized = outcome.best
                cancelled = outcome.cancelled
            }
            blend.add(optimized, at: chunk, fadeIn: plan.overlap(before: index), fadeOut: plan.overlap(after: index))
        }
        return (blend.result(), history, cancelled)
    }

    /// The weighted content and style losses of `spectrogram` against a content and a style (all `[bins, frames]`
    /// in the configuration's front end), as the optimisation counts them (against the content after
    /// ``StyleTransferConfiguration/envelopeMatch``): how far a result moved toward the style and away from the
    /// content.
    ///
    /// Whole clips are measured, in pieces of at most ``StyleTransferConfiguration/chunkDuration`` (content errors
    /// summed and Gram matrices accumulated over the pieces), so memory stays bounded for long clips. The value
    /// range is the content's, as in ``transfer(content:style:progress:)``.
    public func losses(of spectrogram: Spectrogram, content: Spectrogram, style: Spectrogram) throws -> LossBreakdown {
        try losses(of: [spectrogram], content: content, style: style)[0]
    }

    /// ``losses(of:content:style:)`` of several spectrograms (e.g. the content itself and the output) against one
    /// content and style; the style's Gram targets are computed once.
    public func losses(of spectrograms: [Spectrogram], content: Spectrogram, style: Spectrogram) throws -> [LossBreakdown] {
        precondition(spectrograms.allSatisfy { $0.shape == content.shape }, "losses: output and content shapes differ")
        let statistics = styleStatistics(content: content, style: style)
        let content = equalized(content, statistics: statistics)
        let range = valueRange(content), chunkFrames = frames(configuration.chunkDuration)
        let styleNames = configuration.styleLayers.map(\.name), contentNames = configuration.contentLayers.map(\.name)
        let target = try gramTargets(statistics.style, active: statistics.styleActivity, layers: styleNames,
                                     chunkFrames: chunkFrames, valueRange: range)
        return try spectrograms.map { spectrogram in
            let grams = try gramTargets(spectrogram, active: statistics.contentActivity, layers: styleNames,
                                        chunkFrames: chunkFrames, valueRange: range)
            var errors: [String: (sum: Double, count: Int)] = [:]
            if !contentNames.isEmpty {
                for piece in ChunkPlan.partition(frameCount: content.frameCount, chunkFrames: chunkFrames) {
                    let output = try featureExtractor.features(
                        of: featureExtractor.modelInput(from: tensor(spectrogram, frames: piece), valueRange: range),
                        layers: contentNames)
                    let reference = try featureExtractor.features(
                        of: featureExtractor.modelInput(from: tensor(content, frames: piece), valueRange: range),
                        layers: contentNames)
                    for layer in contentNames {
                        let difference = output[layer]! - reference[layer]!
                        errors[layer, default: (0, 0)].sum += Double(difference.squared().sum().item)
                        errors[layer, default: (0, 0)].count += difference.scalarCount
                    }
                }
            }
            var contentLoss: Float = 0, styleLoss: Float = 0
            for layer in configuration.contentLayers {
                contentLoss += layer.weight * Float(errors[layer.name]!.sum / Double(errors[layer.name]!.count))
            }
            for layer in configuration.styleLayers {
                styleLoss += layer.weight * StyleLosses.styleLoss(grams[layer.name]!, target: target[layer.name]!)
            }
            return LossBreakdown(content: configuration.contentWeight * contentLoss,
                                 style: configuration.styleWeight * styleLoss, totalVariation: 0)
        }
    }

    // MARK: - Pieces

    /// Frames of `seconds` of audio at the front end's rate and hop (at least 1).
    private func frames(_ seconds: Double) -> Int {
        max(1, Int((seconds * Double(configuration.frontEnd.sampleRate) / Double(configuration.frontEnd.hopLength)).rounded()))
    }

    /// The range that image backbones map to [0, 1]: the content's minimum…maximum.
    private func valueRange(_ content: Spectrogram) -> ClosedRange<Float> { SpectrogramInput.valueRange(of: content.values) }

    /// Throws when a spectrogram is smaller than the backbone's minimum input.
    private func requireSize(_ spectrogram: Spectrogram, what: String) throws {
        let minimum = featureExtractor.minimumInputSize
        let (height, minimumBins): (Int, Int) = switch featureExtractor.spectrogramInput {
        case .singleChannel, .image: (spectrogram.rowCount, minimum.height)
        case .binsAsChannels: (1, 1)
        }
        guard height >= minimumBins && spectrogram.frameCount >= minimum.width else {
            throw StyleTransferError.tooShort(
                what: what, bins: spectrogram.rowCount, frames: spectrogram.frameCount, minimumBins: minimumBins,
                minimumFrames: minimum.width)
        }
    }

    /// The style as its statistics are taken (at the content's loudness when
    /// ``StyleTransferConfiguration/matchesStyleLoudness``), and which frames of content and style count
    /// (``StyleTransferConfiguration/activeFrameRange``; `nil` when every frame does).
    private func styleStatistics(content: Spectrogram, style: Spectrogram)
        -> (style: Spectrogram, contentActivity: [Bool]?, styleActivity: [Bool]?)
    {
        let frontEnd = configuration.frontEnd, range = configuration.activeFrameRange
        let contentActivity = FrameActivity(content, frontEnd: frontEnd, rangeDecibels: range ?? .infinity)
        // Activity is relative to the loudest frame, so the loudness match (one gain for every frame) keeps it.
        let styleActivity = FrameActivity(style, frontEnd: frontEnd, rangeDecibels: range ?? .infinity)
        let matched = configuration.matchesStyleLoudness
            ? styleActivity.matchingLoudness(of: style, to: contentActivity.activeEnergy, frontEnd: frontEnd) : style
        return range == nil ? (matched, nil, nil) : (matched, contentActivity.isActive, styleActivity.isActive)
    }

    /// The content moved toward the style's long-term spectrum by ``StyleTransferConfiguration/envelopeMatch``
    /// (the content itself when it is `nil`).
    private func equalized(
        _ content: Spectrogram, statistics: (style: Spectrogram, contentActivity: [Bool]?, styleActivity: [Bool]?)
    ) -> Spectrogram {
        guard let envelopeMatch = configuration.envelopeMatch else { return content }
        let match = SpectralEnvelopeMatch(
            content: content, style: statistics.style, contentActive: statistics.contentActivity,
            styleActive: statistics.styleActivity, frontEnd: configuration.frontEnd,
            match: envelopeMatch)
        return match.applied(to: content, frontEnd: configuration.frontEnd)
    }

    /// The Gram target of `spectrogram` for each of `layers`, from its style matrices piece by piece, so a long clip
    /// never holds all its activations at once (the style's targets, and measurements). With `active`, only the
    /// columns of active frames enter (all of them when a layer has none active).
    private func gramTargets(
        _ spectrogram: Spectrogram, active: [Bool]?, layers: [String], chunkFrames: Int, valueRange: ClosedRange<Float>
    ) throws -> [String: GramTarget] {
        guard !layers.isEmpty else { return [:] }
        // Every column of a layer is kept aside only until one of its pieces has an active column.
        var pieces: [String: [Tensor]] = [:], fallback: [String: [Tensor]] = [:]
        for chunk in ChunkPlan.partition(frameCount: spectrogram.frameCount, chunkFrames: chunkFrames) {
            let input = featureExtractor.modelInput(from: tensor(spectrogram, frames: chunk), valueRange: valueRange)
            let features = try featureExtractor.features(of: input, layers: layers)
            for layer in layers {
                let matrix = featureExtractor.styleMatrix(of: features[layer]!, layer: layer, over: configuration.gramAxis)
                guard let active else {
                    pieces[layer, default: []].append(matrix)
                    continue
                }
                let kept = keptColumns(matrix, where: columnActivity(active[chunk], columns: matrix.shape[1]))
                if kept.shape[1] > 0 {
                    pieces[layer, default: []].append(kept)
                    fallback[layer] = nil
                } else if pieces[layer] == nil {
                    fallback[layer, default: []].append(matrix)
                }
            }
        }
        return Dictionary(uniqueKeysWithValues: Set(layers).map { ($0, GramTarget(pieces: pieces[$0] ?? fallback[$0]!)) })
    }

    /// The starting point of one chunk's optimisation.
    private func initialSpectrogram(content: Tensor, style: Spectrogram, chunk: Range<Int>, index: Int) -> Tensor {
        switch configuration.initialization {
        case .content:
            return content
        case let .noise(deviation):
            var generator = RandomGenerator(seed: configuration.seed &+ UInt64(index))
            let noise = Tensor.randomNormal(shape: content.shape, standardDeviation: deviation, generator: &generator)
            return noise + content.mean().item
        case .style:
            var values = [Float](repeating: 0, count: content.scalarCount)
            let (bins, frames) = (content.shape[0], content.shape[1])
            for bin in 0..<bins {
                for frame in 0..<frames {
                    values[bin * frames + frame] = style[row: bin, frame: (chunk.lowerBound + frame) % style.frameCount]
                }
            }
            return Tensor(shape: content.shape, scalars: values)
        }
    }
}

/// Frames `frames` of a spectrogram as a `[bins, count]` tensor.
func tensor(_ spectrogram: Spectrogram, frames: Range<Int>) -> Tensor {
    let (bins, total) = (spectrogram.rowCount, spectrogram.frameCount)
    var values = [Float](repeating: 0, count: bins * frames.count)
    spectrogram.values.withUnsafeBufferPointer { source in
        values.withUnsafeMutableBufferPointer { target in
            for bin in 0..<bins {
                for (offset, frame) in frames.enumerated() {
                    target[bin * frames.count + offset] = source[bin * total + frame]
                }
            }
        }
    }
    return Tensor(shape: [bins, frames.count], scalars: values)
}
