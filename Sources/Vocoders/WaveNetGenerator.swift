import AudioDSP
import CWaveNetKernels
import Dispatch
import Foundation
import NeuralCore
import Synchronization

/// Fast autoregressive generation from a trained ``WaveNet`` (the queue algorithm of Paine et al. 2016).
///
/// Each layer keeps a queue of its last `(kernelSize − 1) · dilation` inputs, so a sample costs one pass through
/// the layers — `O(layers)` small matrix–vector products — instead of a forward pass over the whole receptive
/// field. The work per sample:
///
/// - the conditioning of every layer, `W_cond · c_t + b`, is computed in blocks of 4096 samples with one matrix
///   product each (``NeuralCore/matmul(_:_:)`` on OpenBLAS), after upsampling only the frames the block needs;
/// - per layer, `z += W_tap · x` for each tap (current input and queued past inputs), the gate, and one combined
///   residual + skip product; then the two output layers and the draw (``WaveNetSampler``);
/// - every weight is repacked once, column-major in one contiguous array, so each product streams its matrix
///   through register-held accumulators (C kernels compiled for AVX-512, AVX2 and baseline x86-64, chosen at load
///   time); nothing is allocated per sample.
///
/// Several utterances are generated together as a batch: they are split over up to `threadCount` threads, and the
/// utterances of one thread advance in lockstep, layer by layer, so each layer's weights are reused from cache.
/// Utterance `i` draws its random numbers from `RandomGenerator(seed: seed &+ i)`, one per sample, so the result
/// does not depend on the thread count or on the other utterances.
///
/// `Sendable` and immutable: one generator can serve many threads.
public struct WaveNetGenerator: Sendable {
    /// The architecture.
    public let configuration: WaveNet.Configuration
    /// The analysis the conditioning mel must come from.
    public let frontEnd: FrontEnd

    /// `y += W · x` for a column-major `W` (`rows × columns`).
    @inline(__always)
    private func wavenetMultiplyAccumulate(
        _ w: UnsafePointer<Float>, rows: Int, columns: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>
    ) {
        wavenet_multiply_accumulate(w, Int32(rows), Int32(columns), x, y)
    }

    /// Samples per conditioning block.
    static let blockLength = 4096

    private let upsampleStages: [UpsampleStage]
    /// The guide's conditioning convolution `[conditionChannels, 1, kernelSize]`, for a guided model.
    private let guideWeight: Tensor?
    /// `[conditionChannels, layers · gateChannels]`: every layer's conditioning projection, transposed.
    private let conditionWeights: Tensor
    /// `layers · gateChannels`: every layer's dilated-convolution bias.
    private let conditionBias: [Float]
    /// All per-sample weights, column-major, at the offsets below.
    private let weights: [Float]
    private let layout: Layout

    /// One transposed-convolution stage of the upsampler.
    private struct UpsampleStage: Sendable {
        let weight: Tensor
        let bias: Tensor?
        let factor: Int
    }

    /// Offsets into ``weights``.
    private struct Layout: Sendable {
        var inputWeight = 0, inputBias = 0
        /// Per layer, per tap `j` (`0 ..< kernelSize`, tap `kernelSize − 1` is the current input).
        var taps: [[Int]] = []
        var residualSkip: [Int] = [], residualSkipBias: [Int] = []
        var output1Weight = 0, output1Bias = 0, output2Weight = 0, output2Bias = 0
    }

    /// Repacks the weights of `model` (which can then change or go away).
    public init(model: WaveNet) {
        configuration = model.configuration
        frontEnd = model.frontEnd
        upsampleStages = model.upsample.map { UpsampleStage(weight: $0.weight, bias: $0.bias, factor: $0.stride) }
        guideWeight = model.guide?.weight
        let c = configuration, gate = c.gateChannels, layerCount = c.layerCount
        var projection = [Float](repeating: 0, count: c.conditionChannels * layerCount * gate)
        var bias = [Float](repeating: 0, count: layerCount * gate)
        for (l, layer) in model.layers.enumerated() {
            let w = layer.condition.weight.scalars  // [gate, conditionChannels, 1]
            for o in 0..<gate {
                for i in 0..<c.conditionChannels { projection[i * layerCount * gate + l * gate + o] = w[o * c.conditionChannels + i] }
            }
            let b = layer.dilated.bias?.scalars ?? [Float](repeating: 0, count: gate)
            bias.replaceSubrange((l * gate)..<((l + 1) * gate), with: b)
        }
        conditionWeights = Tensor(shape: [c.conditionChannels, layerCount * gate], scalars: projection)
        conditionBias = bias

        var packed: [Float] = []
        var layout = Layout()
        func append(_ values: [Float]) -> Int {
            defer { packed += values }
            return packed.count
        }
        /// PyTorch conv weight `[O, I, k]`, tap `j` → column-major `[I][O]`.
        func columnMajor(_ weight: Tensor, tap: Int) -> [Float] {
            let (o, i, k) = (weight.shape[0], weight.shape[1], weight.shape[2]), w = weight.scalars
            var out = [Float](repeating: 0, count: o * i)
            for row in 0..<o { for column in 0..<i { out[column * o + row] = w[(row * i + column) * k + tap] } }
            return out
        }
        func biasOf(_ conv: Conv1d) -> [Float] { conv.bias?.scalars ?? [Float](repeating: 0, count: conv.outputChannels) }
        layout.inputWeight = append(columnMajor(model.input.weight, tap: 0))
        layout.inputBias = append(biasOf(model.input))
        let half = gate / 2, rows = c.residualChannels + c.skipChannels
        for layer in model.layers {
            layout.taps.append((0..<c.kernelSize).map { append(columnMajor(layer.dilated.weight, tap: $0)) })
            let residual = columnMajor(layer.residual.weight, tap: 0), skip = columnMajor(layer.skip.weight, tap: 0)
            var combined = [Float](repeating: 0, count: rows * half)
            for column in 0..<half {
                for row in 0..<c.residualChannels {
                    combined[column * rows + row] = residual[column * c.residualChannels + row]
                }
                for row in 0..<c.skipChannels {
                    combined[column * rows + c.residualChannels + row] = skip[column * c.skipChannels + row]
                }
            }
            layout.residualSkip.append(append(combined))
            layout.residualSkipBias.append(append(biasOf(layer.residual) + biasOf(layer.skip)))
        }
        layout.output1Weight = append(columnMajor(model.output1.weight, tap: 0))
        layout.output1Bias = append(biasOf(model.output1))
        layout.output2Weight = append(columnMajor(model.output2.weight, tap: 0))
        layout.output2Bias = append(biasOf(model.output2))
        weights = packed
        self.layout = layout
    }

    /// Generates audio for several utterances at once.
    ///
    /// - Parameters:
    ///   - features: one ``AudioDSP/AcousticFeatures`` per utterance, each from ``frontEnd``; an utterance is
    ///     `sampleCount` samples long when set, else `hopLength · (frames − 1)`.
    ///   - guides: for a guided model, the guide of each utterance, at least as long as it; `nil` (the default)
    ///     for ``guides(for:)``, the Griffin-Lim guide of its features.
    ///   - sampler: how each class is chosen (``WaveNetSampler``). Default: draws at temperature 1.
    ///   - seed: utterance `i` samples with `RandomGenerator(seed: seed &+ i)`. Default 0.
    ///   - threadCount: threads to spread the utterances over, ≥ 1. Default ``NeuralCoreThreads/threadCount``.
    ///   - progress: called with (samples generated, total samples) every 4096 samples of an utterance, from the
    ///     generating threads (one call at a time).
    /// - Returns: one mono waveform per utterance at `frontEnd.sampleRate`, in `[−1, 1]`: the decoded classes, or
    ///   for a guided model the guide plus the decoded corrections.
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` for features of another front
    ///   end, and ``VocodersError/invalidParameter(name:value:reason:)`` for a bad thread count or guides that do
    ///   not match the model and the features.
    public func generate(
        _ features: [AcousticFeatures], guides: [[Float]]? = nil, sampler: WaveNetSampler = .standard,
        seed: UInt64 = 0, threadCount: Int = NeuralCoreThreads.threadCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> [Waveform] {
        for item in features { try frontEnd.requireMatch(item.frontEnd) }
        let lengths = features.map(length(of:))
        let guides = try guides ?? self.guides(for: features)
        let classes = try generateClasses(features.map(\.spectrogram), sampleCounts: lengths, guides: guides,
                                          sampler: sampler, seed: seed, threadCount: threadCount,
                                          progress: progress)
        let codec = try MuLaw(mu: configuration.mu)
        return try classes.enumerated().map { index, classes in
            var samples = try codec.decode(classes)
            if !guides.isEmpty {
                for t in samples.indices { samples[t] = min(1, max(-1, samples[t] + guides[index][t])) }
            }
            return Waveform(samples: samples, sampleRate: frontEnd.sampleRate)
        }
    }

    /// The guide waveform of each utterance (``WaveNet/Guide``), as long as the utterance; empty for a model without
    /// a guide.
    ///
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` for features of another front
    ///   end, and AudioDSP's errors for empty or non-finite features.
    public func guides(for features: [AcousticFeatures]) throws -> [[Float]] {
        guard let guide = configuration.guide else { return [] }
        let vocoder = try guide.vocoder(frontEnd: frontEnd)
        return try features.map { item in
            let length = length(of: item)
            let samples = try vocoder.synthesize(item).samples
            return Array((samples + [Float](repeating: 0, count: max(0, length - samples.count)))[..<length])
        }
    }

    /// An utterance's length in samples: its `sampleCount` when set, else `hopLength · (frames − 1)` (at least 1).
    private func length(of features: AcousticFeatures) -> Int {
        features.sampleCount ?? max(1, frontEnd.hopLength * (features.spectrogram.frameCount - 1))
    }

    /// Generates the µ-law classes of several utterances at once
    /// (``generate(_:guides:sampler:seed:threadCount:progress:)`` without the decoding).
    ///
    /// - Parameters:
    ///   - mels: `[melBands, frames]` per utterance, on the front end's value scale.
    ///   - sampleCounts: samples to generate per utterance, `1 ... frames · hopLength`.
    ///   - guides: for a guided model, each utterance's guide waveform (``guides(for:)``), at least `sampleCounts`
    ///     long; otherwise empty (the default).
    /// - Returns: the classes of each utterance: of its samples, or for a guided model of its corrections to the guide.
    /// - Throws: ``AudioDSP/AudioDSPError/frontEndMismatch(field:expected:actual:)`` (field `melBandCount`) for a
    ///   mel of another height; ``VocodersError/invalidParameter(name:value:reason:)`` for mismatched counts, a bad
    ///   sample count, missing, short or non-finite guides, or a thread count.
    public func generateClasses(
        _ mels: [Spectrogram], sampleCounts: [Int], guides: [[Float]] = [], sampler: WaveNetSampler = .standard,
        seed: UInt64 = 0,
        threadCount: Int = NeuralCoreThreads.threadCount, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> [[Int]] {
        guard threadCount >= 1 else {
            throw VocodersError.invalidParameter(name: "threadCount", value: "\(threadCount)", reason: "must be ≥ 1")
        }
        guard mels.count == sampleCounts.count else {
            throw VocodersError.invalidParameter(name: "sampleCounts", value: "\(sampleCounts.count) counts",
                                                 reason: "there are \(mels.count) mels")
        }
        for (mel, count) in zip(mels, sampleCounts) {
            guard mel.rowCount == frontEnd.rowCount else {
                throw AudioDSPError.frontEndMismatch(field: .melBandCount, expected: "\(frontEnd.rowCount)",
                                                     actual: "\(mel.rowCount)")
            }
            guard count >= 1, count <= mel.frameCount * frontEnd.hopLength else {
                throw VocodersError.invalidParameter(
                    name: "sampleCounts", value: "\(count)",
                    reason: "must be in 1...\(mel.frameCount * frontEnd.hopLength) for \(mel.frameCount) frames")
            }
        }
        let guided = configuration.guide != nil
        guard guides.count == (guided ? mels.count : 0), zip(guides, sampleCounts).allSatisfy({ $0.count >= $1 }) else {
            throw VocodersError.invalidParameter(
                name: "guides", value: "\(guides.count) guides",
                reason: guided ? "the model is guided: one guide per utterance, as long as its sample count"
                    : "the model has no guide")
        }
        if let index = guides.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) {
            throw VocodersError.invalidParameter(name: "guides", value: "guide \(index)", reason: "must be finite")
        }
        let results = ResultSlots(count: mels.count)
        let reporter = ProgressReporter(total: sampleCounts.reduce(0, +), callback: progress)
        let workers = min(threadCount, mels.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let indices = Array(stride(from: worker, to: mels.count, by: workers))
            let lanes = indices.map { index in
                Lane(mel: mels[index], guide: guided ? guides[index] : [], sampleCount: sampleCounts[index],
                     seed: seed &+ UInt64(index), generator: self)
            }
            run(lanes, sampler: sampler, reporter: reporter)
            for (index, lane) in zip(indices, lanes) { results.store(lane.classes, at: index) }
        }
        return results.values
    }

    /// Advances `lanes` sample by sample until each has its length.
    private func run(_ lanes: [Lane], sampler: WaveNetSampler, reporter: ProgressReporter) {
        let c = configuration, gate = c.gateChannels, half = gate / 2, residual = c.residualChannels
        let skipCount = c.skipChannels, rows = residual + skipCount, classCount = c.classCount
        let layerStride = c.layerCount * gate, kernel = c.kernelSize, dilations = c.dilations
        let residualScale = Float(0.5).squareRoot(), skipScale = (1 / Float(c.layerCount)).squareRoot()
        let longest = lanes.map(\.sampleCount).max() ?? 0
        weights.withUnsafeBufferPointer { wBuffer in
            let w = wBuffer.baseAddress!
            for t in 0..<longest {
                for lane in lanes where t < lane.sampleCount {
                    if t % Self.blockLength == 0 {
                        lane.condition = conditionBlock(of: lane.mel, guide: lane.guide, start: t)
                    }
                    let input = c.inputValue(ofClass: lane.previousClass)
                    for i in 0..<residual { lane.x[i] = w[layout.inputWeight + i] * input + w[layout.inputBias + i] }
                    if !lane.guide.isEmpty {
                        let guide = lane.guide[t]
                        for i in 0..<residual { lane.x[i] += w[layout.inputWeight + residual + i] * guide }
                    }
                    lane.skip.update(repeating: 0, count: skipCount)
                }
                for l in 0..<c.layerCount {
                    let dilation = dilations[l], queueLength = (kernel - 1) * dilation
                    let taps = layout.taps[l]
                    for lane in lanes where t < lane.sampleCount {
                        lane.condition.withUnsafeBufferPointer { condition in
                            lane.z.update(from: condition.baseAddress! + (t % Self.blockLength) * layerStride + l * gate,
                                          count: gate)
                        }
                        wavenetMultiplyAccumulate(w + taps[kernel - 1], rows: gate, columns: residual, lane.x,
                                                          into: lane.z)
                        let queue = lane.queues[l]
                        for m in 1..<kernel {
                            let slot = ((t - m * dilation) % queueLength + queueLength) % queueLength
                            wavenetMultiplyAccumulate(w + taps[kernel - 1 - m], rows: gate, columns: residual,
                                                              queue + slot * residual, into: lane.z)
                        }
                        (queue + (t % queueLength) * residual).update(from: lane.x, count: residual)
                        wavenet_gate(lane.z, Int32(half), lane.a)
                        lane.rs.update(from: w + layout.residualSkipBias[l], count: rows)
                        wavenetMultiplyAccumulate(w + layout.residualSkip[l], rows: rows, columns: half, lane.a,
                                                          into: lane.rs)
                        for i in 0..<residual { lane.x[i] = (lane.x[i] + lane.rs[i]) * residualScale }
                        for i in 0..<skipCount { lane.skip[i] += lane.rs[residual + i] }
                    }
                }
                for lane in lanes where t < lane.sampleCount {
                    for i in 0..<skipCount { lane.skip[i] = max(0, lane.skip[i] * skipScale) }
                    lane.hidden.update(from: w + layout.output1Bias, count: skipCount)
                    wavenetMultiplyAccumulate(w + layout.output1Weight, rows: skipCount, columns: skipCount,
                                                      lane.skip, into: lane.hidden)
                    for i in 0..<skipCount { lane.hidden[i] = max(0, lane.hidden[i]) }
                    lane.logits.update(from: w + layout.output2Bias, count: classCount)
                    wavenetMultiplyAccumulate(w + layout.output2Weight, rows: classCount, columns: skipCount,
                                                      lane.hidden, into: lane.logits)
                    let drawn = sampler.draw(logits: lane.logits, count: classCount, scratch: lane.scratch,
                                             generator: &lane.generator)
                    lane.classes.append(drawn)
                    lane.previousClass = drawn
                    if (t + 1) % Self.blockLength == 0 || t + 1 == lane.sampleCount {
                        reporter.add((t % Self.blockLength) + 1)
                    }
                }
            }
        }
    }

    /// The conditioning projections (plus dilated biases) of samples `start ..< start + blockLength`,
    /// `[blockLength, layers · gateChannels]` row-major (fewer rows at the end of the mel).
    ///
    /// Upsamples only the frames within ``WaveNetTrainingCorpus/marginFrames`` of the block: the frames beyond
    /// contribute exactly zero there. For a guided model, adds the guide's convolution over the block (zeros beyond
    /// the utterance).
    private func conditionBlock(of mel: Tensor, guide: [Float], start: Int) -> [Float] {
        let hop = frontEnd.hopLength, frames = mel.shape[2], margin = WaveNetTrainingCorpus.marginFrames
        let firstFrame = max(0, start / hop - margin)
        let endFrame = min(frames, (start + Self.blockLength) / hop + margin + 1)
        let window = mel.sliced(alongAxis: 2, range: firstFrame..<endFrame)
        let upsampled = WaveNet.upsampled(window, stages: upsampleStages.map { ($0.weight, $0.bias, $0.factor) })
        let offset = start - firstFrame * hop
        let length = min(Self.blockLength, frames * hop - start)
        var conditioning = upsampled.sliced(alongAxis: 2, range: offset..<(offset + length))
        if let guideWeight, let settings = configuration.guide {
            let window = settings.window(of: guide, around: start..<(start + length))
            conditioning = conditioning
                + conv1d(Tensor(shape: [1, 1, window.count], scalars: window), weight: guideWeight)
        }
        let block = conditioning.reshaped([configuration.conditionChannels, length]).transposed
        var values = matmul(block, conditionWeights).scalars
        let width = conditionBias.count
        for row in 0..<length { for j in 0..<width { values[row * width + j] += conditionBias[j] } }
        return values
    }

    /// One utterance's generation state: the residual stream, scratch vectors and the layer queues, allocated
    /// once; the conditioning block; the classes so far and the random generator.
    private final class Lane {
        let mel: Tensor
        /// The guide waveform, empty for a model without one.
        let guide: [Float]
        let sampleCount: Int
        let x, z, a, rs, skip, hidden, logits, scratch: UnsafeMutablePointer<Float>
        let queues: [UnsafeMutablePointer<Float>]
        private let queueSizes: [Int]
        var condition: [Float] = []
        var classes: [Int]
        var previousClass: Int
        var generator: RandomGenerator

        init(mel: Spectrogram, guide: [Float], sampleCount: Int, seed: UInt64, generator owner: WaveNetGenerator) {
            let c = owner.configuration
            self.mel = Tensor(shape: [1, mel.rowCount, mel.frameCount], scalars: mel.values)
            self.guide = guide
            self.sampleCount = sampleCount
            func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
                let pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
                pointer.initialize(repeating: 0, count: count)
                return pointer
            }
            x = zeros(c.residualChannels)
            z = zeros(c.gateChannels)
            a = zeros(c.gateChannels / 2)
            rs = zeros(c.residualChannels + c.skipChannels)
            skip = zeros(c.skipChannels)
            hidden = zeros(c.skipChannels)
            logits = zeros(c.classCount)
            scratch = zeros(c.classCount)
            queueSizes = c.dilations.map { (c.kernelSize - 1) * $0 * c.residualChannels }
            queues = queueSizes.map(zeros)
            classes = []
            classes.reserveCapacity(sampleCount)
            previousClass = c.silenceClass
            generator = RandomGenerator(seed: seed)
        }

        deinit {
            for pointer in [x, z, a, rs, skip, hidden, logits, scratch] + queues { pointer.deallocate() }
        }
    }

    /// Per-utterance results written by the worker threads, each slot by exactly one thread.
    private final class ResultSlots: @unchecked Sendable {
        private let lock = Mutex(())
        private(set) var values: [[Int]]
        init(count: Int) { values = Array(repeating: [], count: count) }
        func store(_ classes: [Int], at index: Int) { lock.withLock { _ in values[index] = classes } }
    }

    /// Counts generated samples across threads and calls the user's callback, one call at a time.
    private final class ProgressReporter: Sendable {
        private let done = Mutex(0)
        private let total: Int
        private let callback: (@Sendable (Int, Int) -> Void)?
        init(total: Int, callback: (@Sendable (Int, Int) -> Void)?) { (self.total, self.callback) = (total, callback) }
        func add(_ count: Int) {
            guard let callback else { return }
            done.withLock { done in
                done += count
                callback(done, total)
            }
        }
    }
}
