// swift-tools-version: 6.0
//
// Benchmark programs, kept out of the library's package so that it never pulls benchmark code.
// Each folder under Sources/ but PeerSupport is one executable: most run the same work through this package and through the
// peer's script in Peers/ (librosa, PyTorch), alternating rounds, and print medians and ratios;
// StyleTransferEvaluation judges transfers over the development set (Scripts/make_dev_set.py) with
// ../shared/eval/judge.py. Run with `swift run -c release --package-path Benchmarks <Name>`. SwiftPM caches this
// manifest by its text, so a new program folder is seen after an edit of this file or
// `rm -rf ~/.cache/org.swift.swiftpm/manifests`.

import Foundation
import PackageDescription

let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Sources")
let names = ((try? FileManager.default.contentsOfDirectory(atPath: sources.path)) ?? [])
    .filter { !$0.hasPrefix(".") }
    .sorted()

/// Code the programs share (where the peers' Python is); every other folder is a program.
let support = "PeerSupport"

let package = Package(
    name: "Benchmarks",
    dependencies: [.package(name: "StyleTransfer", path: "..")],
    targets: [.target(name: support)] + names.filter { $0 != support }.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                .target(name: support),
                .product(name: "AudioDSP", package: "StyleTransfer"),
                .product(name: "NeuralCore", package: "StyleTransfer"),
                .product(name: "Backbones", package: "StyleTransfer"),
                .product(name: "Vocoders", package: "StyleTransfer"),
                .product(name: "StyleTransfer", package: "StyleTransfer"),
            ]
        )
    }
)
