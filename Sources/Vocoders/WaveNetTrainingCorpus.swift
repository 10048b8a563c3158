import AudioDSP
import Foundation
import NeuralCore

/// The clips of a training folder, analysed once: each clip's µ-law classes, its mel frames and (for a guided
/// model) its guide waveform, with random crops drawn from them.
struct WaveNetTrainingCorpus {
    /// One analysed clip.
    struct Clip {
        /// µ-law class of every sample: of the sample itself, or for a guided model of the correction from the guide
        /// to the training target (``WaveNet/Guide/target(for:guide:frontEnd:)``).
        let classes: [Int]
        /// `[melBands, frames]` features on the front end's scale.
        let mel: Spectrogram
        /// The guide waveform (``WaveNet/Guide/vocoder(frontEnd:)`` of `mel`), empty without a guide.
        let guide: [Float]
    }

    /// A batch of crops: conditioning frames, network inputs and targets.
    struct Batch {
        /// `[N, melBands, cropFrames + 2 · margin]`.
        let mel: Tensor
        /// `[N, inputChannels, cropLength]`: the input value of each target's previous sample, and for a guided
        /// model the guide's sample at the target.
        let previous: Tensor
        /// For a guided model, the guide `[N, 1, cropLength + kernelSize − 1]` around each crop; else `nil`.
        let guide: Tensor?
        /// `N · cropLength` target classes, crop by crop.
        let targets: [Int]
    }

    /// Mel frames added on both sides of a crop so the upsampler sees every frame that reaches it (its reach is
    /// below 3 frames for any stack of stride-s, kernel-2s stages).
    static let marginFrames = 3

    /// The audio file extensions the trainer reads.
    static let audioExtensions: Set<String> = ["wav", "flac", "ogg", "aif", "aiff"]

    let clips: [Clip]
    let cropLength: Int
    let hopLength: Int
    /// Clip indices with room for a crop, and the number of crop positions of each.
    private let positions: [(clip: Int, count: Int)]
    private let totalPositions: Int

    /// Reads every audio file of `folder` (sorted by name), resampled to the front end's rate and downmixed.
    ///
    /// - Throws: ``VocodersError/noTrainingAudio(folder:reason:)`` when the folder cannot be listed, holds no audio
    ///   file, or no clip is long enough for one crop; AudioDSP's errors for an unreadable file.
    init(folder: URL, frontEnd: FrontEnd, mu: MuLaw, guide: WaveNet.Guide?, cropLength: Int) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw VocodersError.noTrainingAudio(folder: folder.path, reason: "not a readable folder")
        }
        let files = names.filter { Self.audioExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !files.isEmpty else {
            throw VocodersError.noTrainingAudio(
                folder: folder.path, reason: "no \(Self.audioExtensions.sorted().joined(separator: "/")) files")
        }
        let guideVocoder = try guide?.vocoder(frontEnd: frontEnd)
        clips = try files.map { name in
            let waveform = try AudioFile.read(folder.appendingPathComponent(name), sampleRate: frontEnd.sampleRate)
            let samples = waveform.samples.map { min(1, max(-1, $0)) }
            let features = try frontEnd.analyze(Waveform(samples: samples, sampleRate: frontEnd.sampleRate))
            guard let guide, let guideVocoder else {
                return Clip(classes: try mu.encode(samples), mel: features.spectrogram, guide: [])
            }
            let guideSamples = try guideVocoder.synthesize(features).samples
            let target = try guide.target(for: samples, guide: guideSamples, frontEnd: frontEnd)
            let correction = zip(target, guideSamples).map { min(1, max(-1, $0 - $1)) }
            return Clip(classes: try mu.encode(correction), mel: features.spectrogram, guide: guideSamples)
        }
        self.cropLength = cropLength
        hopLength = frontEnd.hopLength
        let needed = cropLength / hopLength + 2 * Self.marginFrames
        positions = clips.enumerated().compactMap { index, clip in
            clip.mel.frameCount >= needed ? (index, clip.mel.frameCount - needed + 1) : nil
        }
        totalPositions = positions.reduce(0) { $0 + $1.count }
        guard totalPositions > 0 else {
            throw VocodersError.noTrainingAudio(
                folder: folder.path,
                reason: "no clip is long enough for one crop of \(cropLength) samples plus \(Self.marginFrames) frames each side")
        }
    }

    /// Total seconds of audio read.
    func seconds(sampleRate: Int) -> Double {
        Double(clips.reduce(0) { $0 + $1.classes.count }) / Double(sampleRate)
    }

    /// `count` crops drawn uniformly over every valid crop position of every clip (frame-aligned starts).
    ///
    /// A crop starting at frame `j` takes samples `j·hop ..< j·hop + cropLength` as targets, the samples before
    /// them as inputs, and frames `j − margin ..< j + cropFrames + margin` as conditioning. A guided model's inputs
    /// get ``WaveNet/Guide/inputNoise``.
    func batch(count: Int, model: WaveNet, generator: inout RandomGenerator) -> Batch {
        let cropFrames = cropLength / hopLength, margin = Self.marginFrames
        let melBands = clips[0].mel.rowCount, frames = cropFrames + 2 * margin
        let guided = model.configuration.guide
        var mel = [Float](), previous = [Float](), guide = [Float](), targets = [Int]()
        mel.reserveCapacity(count * melBands * frames)
        previous.reserveCapacity(count * cropLength)
        targets.reserveCapacity(count * cropLength)
        for _ in 0..<count {
            var position = Int(generator.next() % UInt64(totalPositions))
            var entry = 0
            while position >= positions[entry].count {
                position -= positions[entry].count
                entry += 1
            }
            let clip = clips[positions[entry].clip]
            let firstFrame = position  // = j − margin
            for band in 0..<melBands {
                let row = band * clip.mel.frameCount + firstFrame
                mel += clip.mel.values[row ..< row + frames]
            }
            let start = (firstFrame + margin) * hopLength
            previous += clip.classes[(start - 1) ..< (start + cropLength - 1)].map(model.configuration.inputValue(ofClass:))
            targets += clip.classes[start ..< (start + cropLength)]
            if let guided {
                if guided.inputNoise > 0 {
                    let noise = Tensor.randomNormal(shape: [cropLength], standardDeviation: guided.inputNoise,
                                                    generator: &generator).scalars
                    let first = previous.count - cropLength
                    for (offset, value) in noise.enumerated() { previous[first + offset] += value }
                }
                previous += clip.guide[start ..< (start + cropLength)]
                guide += guided.window(of: clip.guide, around: start ..< (start + cropLength))
            }
        }
        let inputs = model.configuration.inputChannels
        return Batch(mel: Tensor(shape: [count, melBands, frames], scalars: mel),
                     previous: Tensor(shape: [count, inputs, cropLength], scalars: previous),
                     guide: guided.map { Tensor(shape: [count, 1, cropLength + $0.kernelSize - 1], scalars: guide) },
                     targets: targets)
    }
}
