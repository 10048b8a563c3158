import Backbones

extension StyleTransferConfiguration {
    /// The configuration with the usual content and style layers of `extractor` (weights 1), and the first of its
    /// ``Backbones/FeatureExtractor/supportedGramAxes`` when it cannot take ``gramAxis`` (a ViT takes channels only);
    /// everything else unchanged:
    /// - ``Backbones/RandomCNN``: `relu1` for both (the defaults);
    /// - ``Backbones/VGG19``: content `relu4_2`, style `relu1_1 … relu5_1` (Gatys et al.);
    /// - ``Backbones/ResNet50``: content `layer2`, style `stem, layer1 … layer4`;
    /// - ``Backbones/VisionTransformer``: content `block_6`, style `block_3, 6, 9, 12` (patch tokens).
    public func withRecommendedLayers(for extractor: any FeatureExtractor) -> StyleTransferConfiguration {
        let (content, style): ([String], [String]) = switch extractor {
        case is VGG19: (["relu4_2"], ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"])
        case is ResNet50: (["layer2"], ["stem", "layer1", "layer2", "layer3", "layer4"])
        case is VisionTransformer: (["block_6"], ["block_3", "block_6", "block_9", "block_12"])
        default: (contentLayers.map(\.name), styleLayers.map(\.name))
        }
        var configuration = self
        configuration.contentLayers = content.map { WeightedLayer($0) }
        configuration.styleLayers = style.map { WeightedLayer($0) }
        if !extractor.supportedGramAxes.contains(gramAxis), let axis = extractor.supportedGramAxes.first {
            configuration.gramAxis = axis
        }
        return configuration
    }
}
