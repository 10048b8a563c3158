import Backbones

/// Models shared by several tests: building VGG19 draws 143 million random weights (most of them the classifier).
enum SharedModels {
    nonisolated(unsafe) static let vgg19 = VGG19(seed: 1)
    nonisolated(unsafe) static let resNet50 = ResNet50(seed: 1)
    nonisolated(unsafe) static let vitB16 = VisionTransformer(seed: 1)
    /// The one-block transformer of the fixtures: torchvision `VisionTransformer(224, 16, 1, 4, 64, 256, 10)`.
    static let smallViT = VisionTransformer.Configuration(
        imageSize: 224, patchSize: 16, layerCount: 1, headCount: 4, hiddenDimension: 64, mlpDimension: 256, classCount: 10)
}
