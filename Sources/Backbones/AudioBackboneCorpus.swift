import AudioDSP
import Foundation
import NeuralCore

extension AudioBackbone {
    /// A labelled corpus for ``train(on:configuration:checkpoint:resume:timeLimit:progress:)``, as written by
    /// `Scripts/make_backbone_corpus.py`: a folder with `manifest.json`,
    ///
    /// ```json
    /// {"labels": {"speaker": [...], "gender": [...], "accent": [...], "instrument": [...]},
    ///  "clips": [{"path": "clips/x.wav", "split": "train" | "validation",
    ///             "speaker": "espeak-ng:en-us+f3" | null, ...}]}
    /// ```
    ///
    /// Every clip is read, resampled to the front end's rate and analysed once; its bands (the network's first layer,
    /// un-normalised dB) are kept in memory (64 bands × 86 frames/s × 4 bytes ≈ 22 kB per second of audio).
    public struct Corpus: Sendable {
        /// One analysed clip.
        public struct Clip: Sendable {
            /// The band values `[bandCount, frameCount]`, row-major, in dB (before the network's normalisation).
            public let bands: [Float]
            /// The smallest band value: what pads a crop past the clip's end.
            public let floor: Float
            /// Frames of the clip.
            public let frameCount: Int
            /// The class index of each of ``Corpus/labels`` (in that order), `nil` where the clip has no such label.
            public let classes: [Int?]
            /// `true` for a validation clip.
            public let isValidation: Bool
            /// The clip's path relative to the corpus folder.
            public let path: String
        }

        /// The labels, in the manifest's key order `speaker, gender, accent, instrument` (those present).
        public let labels: [LabelSet]
        /// Every clip, in manifest order.
        public let clips: [Clip]
        /// Bands of every clip.
        public let bandCount: Int

        /// The order in which known label names become heads; other names follow, sorted.
        static let labelOrder = ["speaker", "gender", "accent", "instrument"]

        /// Reads `folder/manifest.json` and analyses every clip with `frontEnd`, pooled into `bandCount` bands as
        /// ``AudioBackbone/bands(of:)`` pools them (before its normalisation).
        ///
        /// - Throws: ``BackbonesError/invalidCorpus(path:problem:)`` for a missing or undecodable manifest, a clip
        ///   whose label value is not in the label list, or no training or no validation clip;
        ///   ``BackbonesError/invalidConfiguration(name:value:reason:)`` for a band count outside
        ///   `8...frontEnd.rowCount`; AudioDSP's errors for an unreadable clip.
        public init(folder: URL, frontEnd: FrontEnd, bandCount: Int) throws {
            let (manifestURL, manifest) = try CorpusManifest.read(folder: folder)
            let names =
                Self.labelOrder.filter { manifest.labels[$0] != nil }
                + manifest.labels.keys.filter { !Self.labelOrder.contains($0) }.sorted()
            labels = names.map { LabelSet(name: $0, classes: manifest.labels[$0]!) }
            self.bandCount = bandCount
            try Configuration(frontEnd: frontEnd, bandCount: bandCount).validate()
            let pooling = try AudioBackbone.bandPooling(frontEnd: frontEnd, bandCount: bandCount)
            let labels = self.labels
            clips = try manifest.clips.map { entry in
                guard let path = entry["path"] ?? nil else {
                    throw BackbonesError.invalidCorpus(path: manifestURL.path, problem: "a clip has no path")
                }
                let classes = try labels.map { label -> Int? in
                    guard let value = entry[label.name] ?? nil else { return nil }
                    guard let index = label.classes.firstIndex(of: value) else {
                        throw BackbonesError.invalidCorpus(
                            path: manifestURL.path,
                            problem: "\(path): \(label.name) '\(value)' is not in the label list")
                    }
                    return index
                }
                let waveform = try AudioFile.read(folder.appendingPathComponent(path), sampleRate: frontEnd.sampleRate)
                let spectrogram = try frontEnd.analyze(waveform).spectrogram
                let bands = matmul(pooling, Tensor(shape: spectrogram.shape, scalars: spectrogram.values)).scalars
                return Clip(
                    bands: bands, floor: bands.min() ?? 0, frameCount: spectrogram.frameCount, classes: classes,
                    isValidation: (entry["split"] ?? nil) == "validation", path: path)
            }
            for (split, validation) in [("training", false), ("validation", true)]
            where !clips.contains(where: { $0.isValidation == validation }) {
                throw BackbonesError.invalidCorpus(path: manifestURL.path, problem: "no \(split) clip")
            }
        }

        /// The mean and standard deviation of the band values of the training clips (the network's input
        /// normalisation).
        public var trainingBandStatistics: (mean: Float, standardDeviation: Float) {
            var sum = 0.0, squares = 0.0, count = 0
            for clip in clips where !clip.isValidation {
                for value in clip.bands { sum += Double(value); squares += Double(value) * Double(value) }
                count += clip.bands.count
            }
            let mean = sum / Double(max(count, 1))
            return (Float(mean), Float(max(squares / Double(max(count, 1)) - mean * mean, 1e-12).squareRoot()))
        }

        /// `frames` consecutive band frames of `clip` from `start`, `[bandCount · frames]` row-major; frames past the
        /// clip's end repeat its ``Clip/floor``.
        func crop(_ clip: Clip, start: Int, frames: Int) -> [Float] {
            var values = [Float](repeating: clip.floor, count: bandCount * frames)
            let available = max(0, min(frames, clip.frameCount - start))
            for band in 0..<bandCount where available > 0 {
                for frame in 0..<available {
                    values[band * frames + frame] = clip.bands[band * clip.frameCount + start + frame]
                }
            }
            return values
        }
    }
}

/// A corpus folder's `manifest.json`, as `Scripts/make_backbone_corpus.py` writes it: the label lists and one
/// dictionary of string (or null) values per clip.
struct CorpusManifest: Decodable {
    let labels: [String: [String]]
    let clips: [[String: String?]]

    /// Reads `folder/manifest.json`.
    ///
    /// - Throws: ``BackbonesError/invalidCorpus(path:problem:)`` for a missing or undecodable manifest.
    static func read(folder: URL) throws -> (url: URL, manifest: CorpusManifest) {
        let url = folder.appendingPathComponent("manifest.json")
        do {
            return (url, try JSONDecoder().decode(CorpusManifest.self, from: Data(contentsOf: url)))
        } catch {
            throw BackbonesError.invalidCorpus(path: url.path, problem: "cannot read the manifest: \(error)")
        }
    }
}
