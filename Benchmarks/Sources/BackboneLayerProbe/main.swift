// Which layers carry accent, gender, speaker and timbre: a linear probe (multinomial logistic regression on
// time-pooled activations) per layer of a trained AudioBackbone (convolutional or transformer: `bands`, every `reluK`,
// or `patches` and every `blockK`) and of the study's random CNN, trained on the
// corpus's training clips and scored on its validation clips (held-out sentences and melodies).
//
// usage: BackboneLayerProbe --corpus DIR --checkpoint FILE [--training-clips N] [--seed S]
//
// Features of a layer `[1, C, H, frames]`: the rows averaged into 8 frequency regions, then the mean and the
// standard deviation over frames of each (channel, region): 16·C numbers per clip, standardised over the training
// clips. The probe: Adam (lr 0.01, L2 1e-4), 300 full-batch steps, one probe per label on the clips with that label.

import AudioDSP
import Backbones
import Foundation
import NeuralCore

struct ProbeError: Error, CustomStringConvertible {
    let description: String
}

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    return arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}

/// `[C, H, frames]` activation → mean and standard deviation over frames of each channel's 8 frequency regions.
func pooled(_ activation: Tensor, regions: Int = 8) -> [Float] {
    let (channels, height, frames) = (activation.shape[1], activation.shape[2], activation.shape[3])
    let values = activation.scalars
    var features: [Float] = []
    features.reserveCapacity(channels * regions * 2)
    for channel in 0..<channels {
        for region in 0..<regions {
            let rows = (height * region / regions)..<max(height * (region + 1) / regions, height * region / regions + 1)
            var mean = 0.0, square = 0.0
            for frame in 0..<frames {
                var sum = 0.0
                for row in rows { sum += Double(values[(channel * height + row) * frames + frame]) }
                let value = sum / Double(rows.count)
                mean += value
                square += value * value
            }
            mean /= Double(frames)
            features += [Float(mean), Float(max(square / Double(frames) - mean * mean, 0).squareRoot())]
        }
    }
    return features
}

/// Validation accuracy of a logistic-regression probe trained on `train` rows.
func probe(train: [[Float]], trainClasses: [Int], test: [[Float]], testClasses: [Int], classCount: Int) throws -> Double
{
    let dimension = train[0].count
    var mean = [Float](repeating: 0, count: dimension), deviation = mean
    for row in train { for j in 0..<dimension { mean[j] += row[j] / Float(train.count) } }
    for row in train {
        for j in 0..<dimension { deviation[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / Float(train.count) }
    }
    deviation = deviation.map { max($0.squareRoot(), 1e-6) }
    func matrix(_ rows: [[Float]]) -> Tensor {
        Tensor(
            shape: [rows.count, dimension],
            scalars: rows.flatMap { row in (0..<dimension).map { (row[$0] - mean[$0]) / deviation[$0] } })
    }
    let (x, xTest) = (matrix(train), matrix(test))
    let layer = Linear(inputFeatures: dimension, outputFeatures: classCount, seed: 0)
    let optimizer = try Adam(learningRate: 0.01, weightDecay: 1e-4)
    for _ in 0..<300 {
        let (_, gradients) = valueWithGradient(of: layer) { layer in crossEntropy(layer(x), targets: trainClasses) }
        optimizer.update(layer, gradients: gradients)
    }
    let logits = layer(xTest).scalars
    var correct = 0
    for (row, target) in testClasses.enumerated() {
        let scores = logits[(row * classCount)..<((row + 1) * classCount)]
        if scores.firstIndex(of: scores.max()!)! - row * classCount == target { correct += 1 }
    }
    return Double(correct) / Double(testClasses.count)
}

do {
    guard let corpusPath = argument("--corpus"), let checkpointPath = argument("--checkpoint") else {
        throw ProbeError(description: "usage: BackboneLayerProbe --corpus DIR --checkpoint FILE [--training-clips N]")
    }
    let trainingClips = Int(argument("--training-clips") ?? "1200") ?? 1200
    let folder = URL(fileURLWithPath: corpusPath)
    let audio = try AudioBackbone(contentsOf: URL(fileURLWithPath: checkpointPath))
    let frontEnd = audio.configuration.frontEnd
    let corpus = try AudioBackbone.Corpus(folder: folder, frontEnd: frontEnd, bandCount: audio.configuration.bandCount)
    let study = RandomCNN(.study(filterCount: 32), seed: 0)
    let training = corpus.clips.filter { !$0.isValidation }
    let chosen =
        (0..<min(trainingClips, training.count)).map {
            training[$0 * training.count / min(trainingClips, training.count)]
        }
        + corpus.clips.filter(\.isValidation)
    let layers = audio.layerNames.filter { !$0.hasPrefix("conv") }  // bands and every activation
    let names = layers.map { "trained \($0)" } + ["random-cnn relu1 (32 filters)"]
    var features = [[[Float]]](repeating: [], count: names.count)
    let start = Date()
    for clip in chosen {
        let waveform = try AudioFile.read(folder.appendingPathComponent(clip.path), sampleRate: frontEnd.sampleRate)
        let spectrogram = try frontEnd.analyze(waveform).spectrogram
        let input = Tensor(shape: [1, 1, spectrogram.rowCount, spectrogram.frameCount], scalars: spectrogram.values)
        let activations = try audio.features(of: input, layers: layers)
        for (index, layer) in layers.enumerated() { features[index].append(pooled(activations[layer]!)) }
        features[layers.count].append(pooled(try study.features(of: input, layers: ["relu1"])["relu1"]!))
    }
    print(String(format: "features of %d clips in %.0f s", chosen.count, Date().timeIntervalSince(start)))
    let labels = corpus.labels
    print("| layer | " + labels.map(\.name).joined(separator: " | ") + " |")
    print("|---|" + labels.map { _ in "---|" }.joined())
    for (index, name) in names.enumerated() {
        var cells: [String] = []
        for (labelIndex, label) in labels.enumerated() {
            var train: [[Float]] = [], trainClasses: [Int] = [], test: [[Float]] = [], testClasses: [Int] = []
            for (clip, row) in zip(chosen, features[index]) {
                guard let target = clip.classes[labelIndex] else { continue }
                if clip.isValidation {
                    test.append(row); testClasses.append(target)
                } else {
                    train.append(row); trainClasses.append(target)
                }
            }
            let accuracy = try probe(
                train: train, trainClasses: trainClasses, test: test, testClasses: testClasses,
                classCount: label.classes.count)
            cells.append(String(format: "%.3f", accuracy))
        }
        print("| \(name) | " + cells.joined(separator: " | ") + " |")
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
