import Backbones

extension StyleTransferConfiguration {
    /// The configuration with `extractor`'s ``Backbones/FeatureExtractor/recommendedContentLayers`` and
    /// ``Backbones/FeatureExtractor/recommendedStyleLayers`` (weights 1), and the first of its
    /// ``Backbones/FeatureExtractor/supportedGramAxes`` when it cannot take ``gramAxis`` (a ViT takes channels only);
    /// everything else unchanged.
    public func withRecommendedLayers(for extractor: any FeatureExtractor) -> StyleTransferConfiguration {
        let (content, style) = (extractor.recommendedContentLayers, extractor.recommendedStyleLayers)
        var configuration = self
        configuration.contentLayers = content.map { WeightedLayer($0) }
        configuration.styleLayers = style.map { WeightedLayer($0) }
        if !extractor.supportedGramAxes.contains(gramAxis), let axis = extractor.supportedGramAxes.first {
            configuration.gramAxis = axis
        }
        return configuration
    }
}
