import AudioDSP
import Backbones
import NeuralCore
import StyleTransfer
import TestSupport
import Vocoders
import XCTest

/// The session on bundled clips, shortened (and the study's network narrowed to 8 filters) so the debug-build tests
/// stay quick.
final class StyleTransferSessionTests: XCTestCase {
    private static let narrowCNN = RandomCNN.Architecture.study(filterCount: 8)

    private func clip(_ name: String, seconds: Double) throws -> Waveform {
        let full = try AudioFile.read(Samples.url(name), sampleRate: 22_050)
        return Waveform(samples: Array(full.samples.prefix(Int(seconds * 22_050))), sampleRate: 22_050)
    }

    private func session(_ configuration: StyleTransferConfiguration, cnn: RandomCNN = RandomCNN(narrowCNN, seed: 0)) throws
        -> StyleTransferSession
    {
        try StyleTransferSession(
            featureExtractor: cnn,
            vocoder: GriffinLimVocoder(frontEnd: configuration.frontEnd, iterations: 4),
            configuration: configuration)
    }

    func testLossesDecreaseAndTheStyleStatisticsMoveTowardTheStyle() async throws {
        let content = try clip("speech_male_us.wav", seconds: 1.2), style = try clip("speech_female_us.wav", seconds: 1.5)
        let configuration = StyleTransferConfiguration(styleWeight: 1e3, steps: 30)
        let session = try session(configuration)
        let result = try await session.run(content: content, style: style)
        XCTAssertEqual(result.history.count, 30)
        XCTAssertEqual(result.waveform.sampleCount, content.sampleCount)
        XCTAssertEqual(result.waveform.sampleRate, 22_050)
        let first = result.history.first!, last = result.history.last!
        XCTAssertLessThan(last.totalLoss, 0.5 * first.totalLoss)
        XCTAssertEqual(first.contentLoss, 0)  // starts at the content
        let before = try session.losses(of: result.content.spectrogram, content: result.content.spectrogram,
                                        style: result.style.spectrogram)
        let after = try session.losses(of: result.output.spectrogram, content: result.content.spectrogram,
                                       style: result.style.spectrogram)
        XCTAssertLessThan(after.style, 0.3 * before.style, "style loss \(before.style) → \(after.style)")
        XCTAssertLessThan(after.content, 0.2 * before.style, "content loss \(after.content) vs style drop")
        XCTAssertGreaterThan(after.content, 0)
    }

    func testLBFGSWithStrongWolfeLowersTheLoss() throws {
        let content = try clip("speech_male_us.wav", seconds: 0.5), style = try clip("speech_female_us.wav", seconds: 0.5)
        let configuration = StyleTransferConfiguration(
            optimizer: .lbfgs(historySize: 10, evaluationsPerStep: 5, strongWolfe: true), steps: 4)
        let session = try session(configuration)
        let c = try session.analyze(content, what: "content").spectrogram
        let s = try session.analyze(style, what: "style").spectrogram
        let result = try session.transfer(content: c, style: s)
        XCTAssertEqual(result.history.map(\.step), [1, 2, 3, 4])
        XCTAssertLessThan(result.history.last!.totalLoss, 0.5 * result.history.first!.totalLoss)
        let after = try session.losses(of: result.output, content: c, style: s)
        XCTAssertLessThan(after.total, result.history.last!.totalLoss)
    }

    func testTheSameSeedGivesTheSameOutput() throws {
        let content = try clip("speech_male_us.wav", seconds: 0.5), style = try clip("violin.wav", seconds: 0.5)
        var configuration = StyleTransferConfiguration(steps: 4, initialization: .noise(standardDeviation: 0.1), seed: 3)
        let first = try session(configuration)
        let c = try first.analyze(content, what: "content").spectrogram, s = try first.analyze(style, what: "style").spectrogram
        let a = try first.transfer(content: c, style: s).output
        let b = try session(configuration).transfer(content: c, style: s).output
        XCTAssertEqual(a, b)
        configuration.seed = 4
        XCTAssertNotEqual(try session(configuration).transfer(content: c, style: s).output, a)
    }

    func testCancellationStopsWithinOneStepAndKeepsTheBestSoFar() async throws {
        let content = try clip("speech_male_us.wav", seconds: 0.5), style = try clip("flute.wav", seconds: 0.5)
        let task = Task { () throws -> StyleTransferResult in
            let configuration = StyleTransferConfiguration(steps: 50)
            let session = try StyleTransferSession(
                featureExtractor: RandomCNN(.study(filterCount: 8), seed: 0),
                vocoder: GriffinLimVocoder(frontEnd: configuration.frontEnd, iterations: 2), configuration: configuration)
            return try await session.run(content: content, style: style) { report in
                if report.step == 3 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        let result = try await task.value
        XCTAssertTrue(result.wasCancelled)
        XCTAssertEqual(result.history.count, 3)
        XCTAssertEqual(result.output.spectrogram.frameCount, result.content.spectrogram.frameCount)
        XCTAssertNotEqual(result.output.spectrogram, result.content.spectrogram)
    }

    func testChunkedTransferMatchesTheWholeAwayFromSeamsWithoutSteps() throws {
        // Content with the same statistics everywhere (34 hops of speech five times: every 68-frame window has the
        // same Gram matrices), so that each chunk optimises the whole clip's problem.
        let period = Array(try clip("speech_male_us.wav", seconds: 0.5).samples[1024..<(1024 + 34 * 256)])
        let content = Waveform(samples: Array((0..<5).map { _ in period }.joined()), sampleRate: 22_050)
        let style = try clip("speech_female_us.wav", seconds: 1.0)
        let whole = StyleTransferConfiguration(steps: 10)
        var chunked = whole
        chunked.chunkDuration = 68 * 256 / 22_050
        chunked.chunkOverlap = 16 * 256 / 22_050
        let session = try session(whole)
        let c = try session.analyze(content, what: "content").spectrogram
        let s = try session.analyze(style, what: "style").spectrogram
        let reference = try session.transfer(content: c, style: s).output
        let pieces = try self.session(chunked).transfer(content: c, style: s)
        XCTAssertEqual(pieces.history.first!.chunkCount, 3)
        let output = pieces.output
        // 171 frames in 68-frame chunks at 0, 52 and 103 (overlaps 52..<68 and 103..<120). The runs differ only
        // through the clip's two edge frames (zero-padded by the centred STFT), which the whole run's Gram includes.
        func meanDifference(_ a: Spectrogram, _ b: Spectrogram, frames: [Int]) -> Float {
            var total: Float = 0
            for bin in 0..<a.rowCount { for frame in frames { total += abs(a[row: bin, frame: frame] - b[row: bin, frame: frame]) } }
            return total / Float(a.rowCount * frames.count)
        }
        let interior = Array(5..<45) + Array(75..<98) + Array(127..<165)
        let change = meanDifference(reference, c, frames: interior)
        let difference = meanDifference(output, reference, frames: interior)
        XCTAssertLessThan(difference, 0.5 * change, "chunked vs whole \(difference), change \(change)")
        // No step at the seams: a frame-to-frame jump at a seam equals the jump one period (34 frames) away,
        // where the same content lies inside a single chunk.
        func jump(_ spectrogram: Spectrogram, at frame: Int) -> Float {
            (0..<spectrogram.rowCount).map { abs(spectrogram[row: $0, frame: frame] - spectrogram[row: $0, frame: frame - 1]) }
                .reduce(0, +) / Float(spectrogram.rowCount)
        }
        for (seam, inside) in [(52, 86), (68, 34), (103, 137), (120, 86)] {
            XCTAssertLessThan(abs(jump(output, at: seam) - jump(output, at: inside)), 0.25 * change, "seam at \(seam)")
        }
    }

    /// With an active-frame range, frames where the content is quiet carry no style statistics: they keep the
    /// content exactly (the study's network does not mix frames), while taking every frame fills them.
    func testTheContentsPausesStayPausesWithAnActiveFrameRange() throws {
        let speech = try clip("speech_male_us.wav", seconds: 0.6).samples
        let pause = (0..<(12 * 256)).map { Float(sin(Double($0))) * 1e-5 }
        let content = Waveform(samples: Array(speech[..<6000]) + pause + Array(speech[6000...]), sampleRate: 22_050)
        let style = try clip("speech_female_us.wav", seconds: 0.8)
        var configuration = StyleTransferConfiguration(envelopeMatch: nil, styleWeight: 1e4, steps: 8)
        let pauseFrames = (6000 / 256 + 3)..<((6000 + 12 * 256) / 256 - 2)
        func pauseChange(_ configuration: StyleTransferConfiguration) throws -> Float {
            let session = try session(configuration)
            let c = try session.analyze(content, what: "content").spectrogram
            let output = try session.transfer(content: c, style: try session.analyze(style, what: "style").spectrogram).output
            var change: Float = 0
            for bin in 0..<c.rowCount { for frame in pauseFrames { change = max(change, abs(output[row: bin, frame: frame] - c[row: bin, frame: frame])) } }
            return change
        }
        XCTAssertEqual(try pauseChange(configuration), 0)
        configuration.activeFrameRange = nil
        XCTAssertGreaterThan(try pauseChange(configuration), 0.01)
    }

    /// The style's loudness does not matter when it is matched to the content's: a style ten times softer gives
    /// the same output (within 0.01 dB: its quietest cells meet the `amin` floor first); without matching it does not.
    func testAStyleAtAnotherLevelGivesTheSameOutputWhenLoudnessIsMatched() throws {
        let content = try clip("speech_male_us.wav", seconds: 0.5), style = try clip("violin.wav", seconds: 0.6)
        let softer = Waveform(samples: style.samples.map { $0 * 0.1 }, sampleRate: style.sampleRate)
        func outputs(_ configuration: StyleTransferConfiguration) throws -> (Spectrogram, Spectrogram) {
            let session = try session(configuration)
            let c = try session.analyze(content, what: "content").spectrogram
            return (try session.transfer(content: c, style: try session.analyze(style, what: "style").spectrogram).output,
                    try session.transfer(content: c, style: try session.analyze(softer, what: "style").spectrogram).output)
        }
        var configuration = StyleTransferConfiguration(styleWeight: 1e4, steps: 5)
        let (loud, soft) = try outputs(configuration)
        XCTAssertLessThan(zip(loud.values, soft.values).map { abs($0 - $1) }.max()!, 0.01)
        configuration.matchesStyleLoudness = false
        let (unmatchedLoud, unmatchedSoft) = try outputs(configuration)
        XCTAssertGreaterThan(zip(unmatchedLoud.values, unmatchedSoft.values).map { abs($0 - $1) }.max()!, 1)
    }

    /// With a full, unsmoothed envelope match and no style term, the output is the equalised content: each row's mean
    /// level becomes the style's (loudness-matched) one, while each frame keeps its shape; a half match goes half way,
    /// and the default smoothing flattens the offsets.
    func testAnEnvelopeMatchGivesTheContentTheStylesMeanLevels() throws {
        let content = try clip("speech_male_us.wav", seconds: 1.0), style = try clip("violin.wav", seconds: 1.2)
        func meanLevels(_ spectrogram: Spectrogram) -> [Float] {
            (0..<spectrogram.rowCount).map { bin in
                (0..<spectrogram.frameCount).map { spectrogram[row: bin, frame: $0] }.reduce(0, +)
                    / Float(spectrogram.frameCount)
            }
        }
        func transferred(_ match: EnvelopeMatch) throws -> (output: Spectrogram, content: Spectrogram, style: Spectrogram) {
            let configuration = StyleTransferConfiguration(activeFrameRange: nil, envelopeMatch: match, styleWeight: 0, steps: 3)
            let session = try session(configuration)
            let c = try session.analyze(content, what: "content").spectrogram
            let s = try session.analyze(style, what: "style").spectrogram
            return (try session.transfer(content: c, style: s).output, c, s)
        }
        let full = try transferred(EnvelopeMatch(smoothingRows: 1))
        let (output, original, styleLevels) = (meanLevels(full.output), meanLevels(full.content), meanLevels(full.style))
        // Rows the floor clipped anywhere are left out: their means are not a sum of offsets. The style is brought
        // to the content's loudness first, so its levels are compared up to one constant.
        let floor = full.output.values.min()!
        let unfloored = output.indices.filter { bin in
            (0..<full.output.frameCount).allSatisfy { full.output[row: bin, frame: $0] > floor }
        }
        XCTAssertGreaterThan(unfloored.count, 50)
        let shift = unfloored.map { output[$0] - styleLevels[$0] }.reduce(0, +) / Float(unfloored.count)
        XCTAssertLessThan(unfloored.map { abs(output[$0] - styleLevels[$0] - shift) }.max()!, 0.05)
        let half = meanLevels(try transferred(EnvelopeMatch(fraction: 0.5, smoothingRows: 1)).output)
        for bin in unfloored { XCTAssertEqual(half[bin] - original[bin], (output[bin] - original[bin]) / 2, accuracy: 0.05) }
        let smooth = meanLevels(try transferred(EnvelopeMatch()).output)
        func roughness(_ levels: [Float]) -> Float {
            unfloored.dropFirst().map { abs((levels[$0] - original[$0]) - (levels[$0 - 1] - original[$0 - 1])) }.reduce(0, +)
        }
        XCTAssertLessThan(roughness(smooth), 0.5 * roughness(output))
        XCTAssertThrowsError(try session(StyleTransferConfiguration(envelopeMatch: EnvelopeMatch(fraction: 3)))) {
            XCTAssertEqual($0 as? StyleTransferError, .invalidConfiguration(
                name: "envelopeMatch.fraction", value: "3.0", requirement: .within(0...2)))
        }
    }

    /// A pitch change moves the output's F0: `.matchStyle` shifts a male voice up by the difference of the two
    /// voices' median F0 and ends within a semitone of the style's, its formants move up with `.matchStyle`, and an
    /// explicit shift moves by its semitones.
    func testAPitchChangeMovesTheOutputsMedianFrequency() async throws {
        let content = try clip("speech_male_us.wav", seconds: 1.5), style = try clip("speech_female_us.wav", seconds: 1.5)
        let tracker = try PitchTracker(minimumFrequency: 60, maximumFrequency: 1000)
        func median(_ waveform: Waveform) throws -> Float {
            let track = try tracker(waveform.samples)
            let voiced = zip(track.frequencies, track.voicedFlags).filter(\.1).map(\.0).sorted()
            return voiced[voiced.count / 2]
        }
        func semitones(_ from: Float, _ to: Float) -> Float { 12 * log2(to / from) }
        func transfer(_ change: PitchChange, style: Waveform) async throws -> StyleTransferResult {
            let configuration = StyleTransferConfiguration(envelopeMatch: nil, pitchChange: change, styleWeight: 0, steps: 1)
            return try await session(configuration).run(content: content, style: style)
        }
        let (contentF0, styleF0) = (try median(content), try median(style))
        XCTAssertGreaterThan(semitones(contentF0, styleF0), 4)

        let matched = try await transfer(PitchChange(pitch: .matchStyle, formants: .matchStyle), style: style)
        let applied = try XCTUnwrap(matched.pitchChange)
        XCTAssertEqual(applied.semitones, semitones(applied.contentMedianFrequency!, applied.styleMedianFrequency!), accuracy: 1e-4)
        XCTAssertEqual(applied.semitones, semitones(contentF0, styleF0), accuracy: 0.5)
        XCTAssertEqual(semitones(try median(matched.waveform), styleF0), 0, accuracy: 1)
        XCTAssertGreaterThan(applied.formantFactor, 1.02)
        XCTAssertLessThanOrEqual(applied.formantFactor, 1.33)

        let down = try await transfer(PitchChange(pitch: .semitones(-5)), style: style)
        XCTAssertEqual(down.pitchChange?.semitones, -5)
        XCTAssertEqual(down.pitchChange?.formantFactor, 1)
        XCTAssertNil(down.pitchChange?.contentMedianFrequency)
        XCTAssertNil(down.pitchChange?.styleMedianFrequency)
        XCTAssertEqual(semitones(contentF0, try median(down.waveform)), -5, accuracy: 1)
        let unchanged = try await transfer(PitchChange(), style: style)
        XCTAssertNil(unchanged.pitchChange)

        XCTAssertThrowsError(try session(StyleTransferConfiguration(pitchChange: PitchChange(pitch: .semitones(30))))) {
            XCTAssertEqual($0 as? StyleTransferError, .invalidConfiguration(
                name: "pitchChange semitones", value: "30.0", requirement: .within(-24...24)))
        }
    }

    /// The accent preset's conversion: the shipped backbone hears the Scottish style clip's accent, the converter
    /// moves the content toward it, and with 0 steps the output is the converted content itself.
    func testTheAccentConversionAimsAtTheStylesAccent() async throws {
        let content = try clip("speech_male_us.wav", seconds: 2), style = try clip("speech_male_scottish.wav", seconds: 3)
        let configuration = StyleTransferConfiguration.preset(.accent)
        XCTAssertEqual(configuration.steps, 0)
        let result = try await session(configuration).run(content: content, style: style)
        let aimedAt = try XCTUnwrap(result.targetAccent)
        XCTAssertEqual(aimedAt.values.reduce(0, +), 1, accuracy: 1e-4)
        XCTAssertEqual(aimedAt.max { $0.value < $1.value }?.key, "en-gb-scotland")
        XCTAssertTrue(result.history.isEmpty)
        XCTAssertEqual(result.output.spectrogram, result.shiftedContent.spectrogram)
        let expected = try AccentConverter.bundled().converted(
            content, toward: AccentConverter.bundled().configuration.accents.map { aimedAt[$0]! },
            strength: configuration.accentConversion!.strength)
        XCTAssertEqual(result.shiftedContent.spectrogram, try configuration.frontEnd.analyze(expected).spectrogram)
        XCTAssertNotEqual(result.shiftedContent.spectrogram, result.content.spectrogram)

        var named = configuration
        named.accentConversion = AccentConversion(target: .named("en-us"))
        let toUS = try await session(named).run(content: content, style: style)
        XCTAssertEqual(toUS.targetAccent?["en-us"], 1)
    }

    func testDivergenceThrowsANamedError() async throws {
        let content = try clip("speech_male_us.wav", seconds: 0.3), style = try clip("piano.wav", seconds: 0.3)
        let session = try session(StyleTransferConfiguration(optimizer: .adam(learningRate: 1e30), steps: 5))
        do {
            _ = try await session.run(content: content, style: style)
            XCTFail("expected divergence")
        } catch let error as StyleTransferError {
            guard case .diverged(_, chunk: 1) = error else { return XCTFail("\(error)") }
        }
    }

    func testBadInputsThrowNamedErrors() async throws {
        let speech = try clip("speech_male_us.wav", seconds: 0.3)
        let session = try session(StyleTransferConfiguration(steps: 1))
        let silent = Waveform(samples: [Float](repeating: 0, count: 4000), sampleRate: 22_050)
        var nan = speech.samples
        nan[100] = .nan
        for (content, style, expected) in [
            (silent, speech, StyleTransferError.invalidInput(what: "content", problem: .silent)),
            (speech, Waveform(samples: nan, sampleRate: 22_050),
             .invalidInput(what: "style", problem: .nonFinite)),
        ] {
            do {
                _ = try await session.run(content: content, style: style)
                XCTFail("expected \(expected)")
            } catch { XCTAssertEqual(error as? StyleTransferError, expected) }
        }
        let wide = try self.session(StyleTransferConfiguration(steps: 1),
                                    cnn: RandomCNN(.ulyanov(rowCount: 513, filterCount: 8), seed: 0))
        do {
            _ = try await wide.run(content: Waveform(samples: Array(speech.samples.prefix(1000)), sampleRate: 22_050),
                                   style: speech)
            XCTFail("expected too short")
        } catch {
            XCTAssertEqual(error as? StyleTransferError,
                           .tooShort(what: "content", bins: 513, frames: 4, minimumBins: 1, minimumFrames: 11))
        }
        XCTAssertThrowsError(try StyleTransferSession(
            featureExtractor: RandomCNN(seed: 0), vocoder: GriffinLimVocoder(iterations: 1))) { error in
            guard case .frontEndMismatch = error as? AudioDSPError else { return XCTFail("\(error)") }
        }
        // A trained audio backbone reads only its own front end's spectrogram.
        let trained = try AudioBackbone(configuration: .init(bandCount: 16, channels: [2], timeDilations: [1]))
        XCTAssertThrowsError(try StyleTransferSession(
            featureExtractor: trained,
            configuration: StyleTransferConfiguration(frontEnd: StyleTransferConfiguration.log1pMagnitude))) { error in
            guard case .frontEndMismatch(field: .valueScale, _, _) = error as? AudioDSPError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try self.session(StyleTransferConfiguration(styleLayers: [WeightedLayer("conv4_2")]))) {
            XCTAssertEqual($0 as? BackbonesError, .unknownLayer("conv4_2", available: ["conv1", "relu1"]))
        }
        XCTAssertThrowsError(try self.session(StyleTransferConfiguration(steps: -1))) {
            XCTAssertEqual($0 as? StyleTransferError,
                           .invalidConfiguration(name: "steps", value: "-1", requirement: .atLeast(0)))
        }
        XCTAssertThrowsError(try self.session(StyleTransferConfiguration(accentConversion: .init(strength: 3)))) {
            XCTAssertEqual($0 as? StyleTransferError,
                           .invalidConfiguration(name: "accentConversion.strength", value: "3.0",
                                                 requirement: .within(0...2)))
        }
        XCTAssertThrowsError(
            try self.session(StyleTransferConfiguration(accentConversion: .init(target: .named("en-mars"))))
        ) {
            guard case .invalidConfiguration(name: "accentConversion.target", value: "en-mars", _)? =
                $0 as? StyleTransferError else { return XCTFail("\($0)") }
        }
        let tinyViT = VisionTransformer(configuration: .init(
            imageSize: 32, patchSize: 16, layerCount: 1, headCount: 1, hiddenDimension: 8, mlpDimension: 8, classCount: 2))
        let overTime = StyleTransferConfiguration(contentLayers: [], styleLayers: [WeightedLayer("block_1")])
        XCTAssertThrowsError(try StyleTransferSession(
            featureExtractor: tinyViT, vocoder: GriffinLimVocoder(frontEnd: overTime.frontEnd, iterations: 1),
            configuration: overTime)) {
            XCTAssertEqual($0 as? StyleTransferError, .invalidConfiguration(
                name: "gramAxis", value: "time", requirement: .supportedBy(backbone: "VisionTransformer", values: ["channels"])))
        }
        XCTAssertEqual(overTime.withRecommendedLayers(for: tinyViT).gramAxis, .channels)
        XCTAssertEqual(overTime.withRecommendedLayers(for: RandomCNN(seed: 0)).gramAxis, .time)
    }
}
