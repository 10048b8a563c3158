// swift-tools-version: 6.0
//
// StyleTransfer for Swift: neural style transfer of audio spectrograms.
// Layers, bottom to top: AudioDSP and NeuralCore; Backbones and Vocoders; StyleTransfer; the `demo` CLI.

import PackageDescription

let package = Package(
    name: "StyleTransfer",
    products: [
        .library(name: "AudioDSP", targets: ["AudioDSP"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "Backbones", targets: ["Backbones"]),
        .library(name: "Vocoders", targets: ["Vocoders"]),
        .library(name: "StyleTransfer", targets: ["StyleTransfer"]),
        .executable(name: "demo", targets: ["demo"]),
    ],
    dependencies: [
        // Only the CLI depends on another Swift package.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Public API

        .target(
            name: "AudioDSP",
            dependencies: ["CFFTW", "CSndFile", "CSampleRate", "CPNG", "ParallelRanges", "FileSupport"]
        ),
        .target(
            name: "NeuralCore",
            dependencies: ["COpenBLAS", "CMalloc", "ParallelRanges", "FileSupport"]
        ),
        .target(
            name: "Backbones",
            dependencies: ["AudioDSP", "NeuralCore"],
            resources: [
                .copy("Resources/audio-backbone.safetensors"), .copy("Resources/accent-converter.safetensors"),
            ]
        ),
        .target(
            name: "Vocoders",
            dependencies: ["AudioDSP", "NeuralCore", "CWaveNetKernels"],
            resources: [.copy("Resources/wavenet-espeak-small.safetensors")]
        ),
        .target(
            name: "StyleTransfer",
            dependencies: ["AudioDSP", "NeuralCore", "Backbones", "Vocoders", "ParallelRanges"]
        ),
        .executableTarget(
            name: "demo",
            dependencies: [
                "AudioDSP", "NeuralCore", "Backbones", "Vocoders", "StyleTransfer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Native libraries (internal; no stable API)

        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSampleRate", pkgConfig: "samplerate", providers: [.apt(["libsamplerate0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        // glibc's malloc tuning (`mallopt`), which Glibc's Swift module does not export.
        .systemLibrary(name: "CMalloc"),
        // The concurrent loop over disjoint ranges that AudioDSP and NeuralCore share, and their one thread count.
        .target(name: "ParallelRanges"),
        // The one atomic file writer (temporary file and rename) that AudioDSP and NeuralCore wrap in their errors.
        .target(name: "FileSupport"),
        // WaveNet's per-sample kernels, compiled for AVX-512 / AVX2 / baseline and picked at load time.
        .target(name: "CWaveNetKernels"),

        // MARK: - Tests

        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "AudioDSPTests",
            dependencies: ["AudioDSP", "TestSupport"]
        ),
        .testTarget(
            name: "NeuralCoreTests",
            dependencies: ["NeuralCore", "TestSupport"]
        ),
        .testTarget(
            name: "BackbonesTests",
            dependencies: ["Backbones", "AudioDSP", "TestSupport"]
        ),
        .testTarget(
            name: "VocodersTests",
            dependencies: ["Vocoders", "TestSupport"]
        ),
        .testTarget(
            name: "StyleTransferTests",
            dependencies: ["StyleTransfer", "Backbones", "Vocoders", "AudioDSP", "NeuralCore", "TestSupport"]
        ),
        // Every Swift snippet of the README, Docs/ and the DocC catalogs, type-checked against the built modules.
        .testTarget(
            name: "DocumentationTests",
            dependencies: ["AudioDSP", "NeuralCore", "Backbones", "Vocoders", "StyleTransfer"]
        ),
        // The CLI, run as a built executable (and its argument types tested directly).
        .testTarget(
            name: "DemoTests",
            dependencies: ["demo", "AudioDSP", "Backbones", "NeuralCore", "TestSupport"]
        ),
    ]
)
