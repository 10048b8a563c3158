import NeuralCore

/// A frozen network whose intermediate activations describe a spectrogram: the backbone of style transfer.
///
/// A feature extractor names the layers it can capture (``layerNames``, in forward order), says how a spectrogram
/// becomes its input (``spectrogramInput``), and runs a forward pass that returns the requested activations and stops
/// after the last of them. Everything is recorded on the autodiff tape when called inside `valueWithGradient`, so a
/// loss on the returned activations has a gradient with respect to the input spectrogram; the weights are frozen and
/// cost no gradient work.
///
/// ```swift
/// let cnn = RandomCNN(seed: 0)                                   // the study's Conv2d(1, 32, (3, 1)) + LeakyReLU(0.2)
/// let x = cnn.modelInput(from: spectrogram, valueRange: -80...0)   // [1, 1, bins, frames]
/// let features = try cnn.features(of: x, layers: ["conv1"])        // ["conv1": [1, 32, bins − 2, frames]]
/// ```
public protocol FeatureExtractor: AnyObject {
    /// The capturable layers, in forward order (e.g. `conv1_1`, `relu1_1`, `pool1`, … for ``VGG19``).
    var layerNames: [String] { get }

    /// How a spectrogram `[bins, frames]` is turned into this network's input (see ``modelInput(from:valueRange:)``).
    var spectrogramInput: SpectrogramInput { get }

    /// The smallest model input (height, width) for which every layer has a non-empty output (the receptive field
    /// of the deepest layer, or the patch size).
    var minimumInputSize: (height: Int, width: Int) { get }

    /// Runs the network on a model input (NCHW, as produced by ``modelInput(from:valueRange:)`` or given raw) and
    /// returns the activation of every layer in `layers`, stopping after the last requested one.
    ///
    /// Convolutional activations are `[N, C, H, W]`; transformer token features `[N, tokens, embedding]`.
    ///
    /// - Throws: ``BackbonesError/unknownLayer(_:available:)`` for a name not in ``layerNames``,
    ///   ``BackbonesError/inputTooSmall(height:width:minimumHeight:minimumWidth:)`` below ``minimumInputSize``, and
    ///   ``BackbonesError/inputNotFourDimensional(shape:)`` or ``BackbonesError/inputChannels(expected:shape:)`` for a
    ///   wrongly shaped input, ``BackbonesError/noLayersRequested`` for an empty `layers`.
    func features(of modelInput: Tensor, layers: [String]) throws -> [String: Tensor]

    /// The Gram axes ``styleMatrix(of:layer:over:)`` supports: both for convolutional networks (the default),
    /// ``GramAxis/channels`` only for transformers, whose tokens have no time axis of their own.
    var supportedGramAxes: [GramAxis] { get }

    /// The `[rows, columns]` matrix whose Gram matrix `rows × rows` describes `feature`'s style (see ``GramAxis``):
    /// for a convolutional `[1, C, H, W]` activation `[C, H·W]` over ``GramAxis/channels`` and `[C·H, W]` over
    /// ``GramAxis/time`` (both plain reshapes of NCHW memory; the default implementation). Transformers override it
    /// (e.g. to drop the class token). `axis` must be one of ``supportedGramAxes``.
    func styleMatrix(of feature: Tensor, layer: String, over axis: GramAxis) -> Tensor

    /// The layers whose activations usually carry the content (see `RecommendedLayers.swift` for each network's).
    var recommendedContentLayers: [String] { get }

    /// The layers whose Gram matrices usually carry the style.
    var recommendedStyleLayers: [String] { get }
}

/// What a style Gram matrix correlates: which rows of an activation are compared, and over what.
public enum GramAxis: String, Sendable, Equatable, CaseIterable, Codable {
    /// Channels correlated over every position, `[C, H·W]` → a `C × C` Gram matrix: image style transfer (Gatys et
    /// al.). On a spectrogram it pools every frequency together, so it cannot say which band holds which energy.
    case channels
    /// Every (channel, frequency row) pair correlated over frames, `[C·H, W]` → a `C·H × C·H` Gram matrix: the
    /// random-CNN voice-transfer work's `gram_over_time_axis`, the study network's style statistic. It keeps the
    /// frequency axis, so matching it moves the energy of each band toward the style. For a network whose height is
    /// 1 (Ulyanov's, bins as channels) it equals ``channels``.
    case time
}

extension FeatureExtractor {
    /// Maps a spectrogram `[bins, frames]` to this network's input, differentiably (see ``SpectrogramInput``).
    ///
    /// - Parameters:
    ///   - spectrogram: `[bins, frames]` values in the session's representation (dB, log1p magnitude, …).
    ///   - valueRange: the range of that representation that maps to [0, 1] for image backbones (ignored by the
    ///     others); pass the content spectrogram's minimum…maximum so that every spectrogram of one session is
    ///     scaled the same way.
    public func modelInput(from spectrogram: Tensor, valueRange: ClosedRange<Float>) -> Tensor {
        spectrogramInput.modelInput(from: spectrogram, valueRange: valueRange)
    }

    public var supportedGramAxes: [GramAxis] { GramAxis.allCases }

    public func styleMatrix(of feature: Tensor, layer: String, over axis: GramAxis) -> Tensor {
        precondition(feature.rank == 4 && feature.shape[0] == 1, "styleMatrix: expected [1, C, H, W], got \(feature.shape)")
        let (channels, height, width) = (feature.shape[1], feature.shape[2], feature.shape[3])
        return switch axis {
        case .channels: feature.reshaped([channels, height * width])
        case .time: feature.reshaped([channels * height, width])
        }
    }

    /// Checks `layers` against ``layerNames`` and `modelInput`'s spatial size against ``minimumInputSize``;
    /// returns the index of the last requested layer in forward order (where a forward pass may stop).
    ///
    /// - Throws: ``BackbonesError/unknownLayer(_:available:)``, ``BackbonesError/noLayersRequested``,
    ///   ``BackbonesError/inputNotFourDimensional(shape:)``,
    ///   ``BackbonesError/inputTooSmall(height:width:minimumHeight:minimumWidth:)``.
    public func validateRequest(_ modelInput: Tensor, layers: [String]) throws -> Int {
        guard !layers.isEmpty else { throw BackbonesError.noLayersRequested }
        var last = 0
        for layer in layers {
            guard let index = layerNames.firstIndex(of: layer) else {
                throw BackbonesError.unknownLayer(layer, available: layerNames)
            }
            last = max(last, index)
        }
        guard modelInput.rank == 4 else {
            throw BackbonesError.inputNotFourDimensional(shape: modelInput.shape)
        }
        let (height, width) = (modelInput.shape[2], modelInput.shape[3])
        let minimum = minimumInputSize
        guard height >= minimum.height && width >= minimum.width else {
            throw BackbonesError.inputTooSmall(
                height: height, width: width, minimumHeight: minimum.height, minimumWidth: minimum.width)
        }
        return last
    }

    /// ``validateRequest(_:layers:)`` for an image network: the input must also have three channels.
    func validateImageRequest(_ modelInput: Tensor, layers: [String]) throws -> Int {
        let last = try validateRequest(modelInput, layers: layers)
        try requireChannels(3, of: modelInput)
        return last
    }

    /// Throws ``BackbonesError/inputChannels(expected:shape:)`` unless `modelInput` (NCHW) has `channels` channels.
    func requireChannels(_ channels: Int, of modelInput: Tensor) throws {
        guard modelInput.shape[1] == channels else {
            throw BackbonesError.inputChannels(expected: channels, shape: modelInput.shape)
        }
    }
}
