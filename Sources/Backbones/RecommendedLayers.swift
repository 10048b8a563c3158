// Each network's usual content and style layers, the ones the study's comparison and `Docs/StyleTransfer.md` use.

extension RandomCNN {
    /// `relu1`, its only activation.
    public var recommendedContentLayers: [String] { ["relu1"] }
    /// `relu1`.
    public var recommendedStyleLayers: [String] { ["relu1"] }
}

extension VGG19 {
    /// `relu4_2` (Gatys et al.).
    public var recommendedContentLayers: [String] { ["relu4_2"] }
    /// `relu1_1 … relu5_1` (Gatys et al.).
    public var recommendedStyleLayers: [String] { ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"] }
}

extension ResNet50 {
    /// `layer2`.
    public var recommendedContentLayers: [String] { ["layer2"] }
    /// `stem, layer1 … layer4`.
    public var recommendedStyleLayers: [String] { ["stem", "layer1", "layer2", "layer3", "layer4"] }
}

extension VisionTransformer {
    /// `block_6`.
    public var recommendedContentLayers: [String] { ["block_6"] }
    /// `block_3, 6, 9, 12` (patch tokens).
    public var recommendedStyleLayers: [String] { ["block_3", "block_6", "block_9", "block_12"] }
}

extension AudioBackbone {
    /// `relu1`, the full-resolution bands (the words stay where they are); a transformer's `patches`.
    public var recommendedContentLayers: [String] { [configuration.transformer == nil ? "relu1" : "patches"] }
    /// `relu1 … reluK`; a transformer's `block1 … blockL`.
    public var recommendedStyleLayers: [String] {
        layerNames.filter { $0.hasPrefix(configuration.transformer == nil ? "relu" : "block") }
    }
}
