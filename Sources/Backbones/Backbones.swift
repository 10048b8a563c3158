/// Neural-network backbones (random CNN, VGG19, ResNet50, ViT-B/16) behind the `FeatureExtractor` protocol; filled by issue 4.
