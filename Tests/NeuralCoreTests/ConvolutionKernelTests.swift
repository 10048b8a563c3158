import NeuralCore
import XCTest

/// `conv2d` picks a kernel by geometry (direct loops for tiny patches, one product for 1×1 kernels without padding,
/// Winograd tiles for 3×3 kernels at stride 1 and dilation 1 over at least 48 output tiles, overlap-save for wide
/// 1×k kernels over ≥ 32 channels, shifted products for other stride-1 kernels with ≥ 16 channels, tiled im2col
/// otherwise). Each geometry below lands on one of them — including several row tiles and the tile boundaries — and
/// is compared, forward and both gradients, with a plain sum in `Double`.
final class ConvolutionKernelTests: XCTestCase {
    struct Case {
        let input: [Int], weight: [Int]
        var stride = (1, 1), padding = (0, 0), dilation = (1, 1), groups = 1
    }

    /// The reference convolution and its vector-Jacobian product for the output gradient `probe`.
    func reference(_ x: Tensor, _ w: Tensor, _ probe: Tensor, _ k: Case) -> (y: [Double], dx: [Double], dw: [Double]) {
        let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let (oh, ow) = (probe.shape[2], probe.shape[3]), og = o / k.groups
        var y = [Double](repeating: 0, count: probe.scalarCount)
        var dx = [Double](repeating: 0, count: x.scalarCount), dw = [Double](repeating: 0, count: w.scalarCount)
        let xs = x.scalars, ws = w.scalars, gs = probe.scalars
        for b in 0..<n { for oc in 0..<o { for yy in 0..<oh { for xx in 0..<ow {
            let out = ((b * o + oc) * oh + yy) * ow + xx
            for ci in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let r = yy * k.stride.0 - k.padding.0 + i * k.dilation.0, col = xx * k.stride.1 - k.padding.1 + j * k.dilation.1
                guard r >= 0 && r < h && col >= 0 && col < wd else { continue }
                let xi = ((b * c + (oc / og) * cg + ci) * h + r) * wd + col, wi = ((oc * cg + ci) * kh + i) * kw + j
                y[out] += Double(xs[xi]) * Double(ws[wi])
                dx[xi] += Double(gs[out]) * Double(ws[wi])
                dw[wi] += Double(gs[out]) * Double(xs[xi])
            } } }
        } } } }
        return (y, dx, dw)
    }

    func check(_ k: Case, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let x = randomTensor(k.input, seed: seed), w = randomTensor(k.weight, seed: seed + 1)
        let conv = { (xs: [Tensor]) in
            conv2d(xs[0], weight: xs[1], stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups)
        }
        let y = conv([x, w])
        let probe = randomTensor(y.shape, seed: seed + 2)
        let (_, grads) = valueWithGradient(at: [x, w]) { xs in (conv(xs) * probe).sum() }
        let expected = reference(x, w, probe, k)
        for (name, ours, theirs) in [("y", y.scalars, expected.y), ("dx", grads[0].scalars, expected.dx),
                                     ("dw", grads[1].scalars, expected.dw)] {
            XCTAssertEqual(ours.count, theirs.count, name, file: file, line: line)
            let scale = max(1, theirs.map(abs).max() ?? 0)
            if let bad = ours.indices.first(where: { abs(Double(ours[$0]) - theirs[$0]) > 1e-5 * scale }) {
                XCTFail("\(name)[\(bad)]: \(ours[bad]) vs \(theirs[bad])", file: file, line: line)
            }
        }
    }

    func testDirectKernelForTinyPatches() {
        check(Case(input: [2, 1, 37, 29], weight: [5, 1, 3, 1]), seed: 60)  // the study's 1-channel (3,1) kernel
        check(Case(input: [1, 2, 11, 13], weight: [3, 2, 2, 2], stride: (2, 3), padding: (1, 2), dilation: (2, 1)), seed: 63)
        check(Case(input: [1, 4, 9, 8], weight: [4, 2, 1, 3], padding: (0, 1), groups: 2), seed: 66)
    }

    func testPointwiseKernelAtStrideOneAndTwo() {
        // ResNet's bottleneck 1×1 (widening and narrowing), its strided shortcut, an odd size and groups.
        check(Case(input: [2, 24, 9, 14], weight: [40, 24, 1, 1]), seed: 90)
        check(Case(input: [1, 40, 11, 13], weight: [12, 40, 1, 1], stride: (2, 2)), seed: 93)
        check(Case(input: [1, 18, 7, 10], weight: [9, 6, 1, 1], stride: (3, 2), dilation: (2, 2), groups: 3), seed: 96)
    }

    func testShiftedProductKernelAcrossRowTiles() {
        // Padded width 64: 64 rows per tile, so 73 output rows make two tiles (the second one partial).
        check(Case(input: [1, 16, 73, 60], weight: [8, 16, 3, 3], padding: (1, 2), dilation: (1, 2)), seed: 70)
        check(Case(input: [2, 32, 9, 7], weight: [6, 16, 2, 3], padding: (2, 0), dilation: (2, 1), groups: 2), seed: 73)
    }

    func testWinogradKernelAcrossBlocksAndEdges() {
        // 3×3, stride 1: 75 tile columns (rows padded to 80), 6 tile rows per block, so 20 tile
        // rows make four blocks, the last partial; odd output sizes leave half tiles at the bottom and right edges.
        check(Case(input: [1, 16, 40, 150], weight: [16, 16, 3, 3], padding: (1, 1)), seed: 90)
        check(Case(input: [2, 24, 13, 17], weight: [20, 24, 3, 3], padding: (0, 2)), seed: 93)
        // Padding 3: the input gradient runs at padding −1 (a crop).
        check(Case(input: [1, 16, 13, 11], weight: [16, 16, 3, 3], padding: (3, 2)), seed: 96)
        check(Case(input: [1, 32, 16, 24], weight: [16, 16, 3, 3], padding: (1, 0), groups: 2), seed: 99)
        check(Case(input: [1, 3, 24, 20], weight: [5, 3, 3, 3], padding: (1, 1)), seed: 102)  // VGG's first layer, scaled down
        // Fewer than 48 output tiles: shifted products instead (the kernel transform would not pay).
        check(Case(input: [1, 16, 6, 9], weight: [16, 16, 3, 3], padding: (1, 1)), seed: 105)
    }

    func testOverlapSaveKernelAcrossBlocksAndEdges() {
        // 1×11 over 390 outputs: 32-sample blocks of 22 outputs, 18 blocks per row, the last one partial.
        check(Case(input: [1, 32, 1, 400], weight: [40, 32, 1, 11]), seed: 110)
        // Three rows each convolved on its own, padding along the width, two images, two groups of 32 channels.
        check(Case(input: [2, 64, 3, 300], weight: [64, 32, 1, 7], padding: (0, 3), groups: 2), seed: 113)
        // A 25-tap kernel (64-sample blocks), padding 12 on both sides, an odd channel count.
        check(Case(input: [1, 33, 1, 500], weight: [32, 33, 1, 25], padding: (0, 12)), seed: 116)
    }

    /// A transformed kernel of 2.2 M scalars (2·17 bins × 32 × 2048), above the huge-page threshold: spot checks of
    /// the output and the input gradient against direct sums (a full reference would take minutes in debug builds).
    func testOverlapSaveKernelWithHugePageWorkspace() {
        let (c, o, k, width) = (32, 2048, 11, 400)
        let x = randomTensor([1, c, width], seed: 120), w = randomTensor([o, c, k], seed: 121)
        let y = conv1d(x, weight: w, padding: 5)
        let probe = randomTensor(y.shape, seed: 122)
        let (_, grads) = valueWithGradient(at: [x]) { xs in (conv1d(xs[0], weight: w, padding: 5) * probe).sum() }
        let (xs, ws, ps, ys, dxs) = (x.scalars, w.scalars, probe.scalars, y.scalars, grads[0].scalars)
        // Tolerances relative to each array's largest magnitude, as in `check` (single sums cancel to near zero).
        let (yScale, dxScale) = (Double(ys.map(abs).max()!), Double(dxs.map(abs).max()!))
        var generator = RandomGenerator(seed: 123)
        for _ in 0..<40 {
            let (oc, t) = (Int(generator.next() % UInt64(o)), Int(generator.next() % UInt64(width)))
            var sum = 0.0
            for ci in 0..<c { for j in 0..<k where (0..<width).contains(t + j - 5) {
                sum += Double(ws[(oc * c + ci) * k + j]) * Double(xs[ci * width + t + j - 5])
            } }
            XCTAssertEqual(Double(ys[oc * width + t]), sum, accuracy: 1e-5 * yScale, "y[\(oc), \(t)]")
            let ci = oc % c
            var gradient = 0.0
            for oo in 0..<o { for j in 0..<k where (0..<width).contains(t - j + 5) {
                gradient += Double(ps[oo * width + t - j + 5]) * Double(ws[(oo * c + ci) * k + j])
            } }
            XCTAssertEqual(Double(dxs[ci * width + t]), gradient, accuracy: 1e-5 * dxScale, "dx[\(ci), \(t)]")
        }
    }

    func testIm2colKernelAcrossRowTiles() {
        // 27-scalar patches at stride 1, dilated (so not Winograd), 116 output columns: 35 rows per tile, three tiles.
        check(Case(input: [1, 3, 80, 120], weight: [4, 3, 3, 3], dilation: (1, 2)), seed: 80)
        check(Case(input: [2, 20, 13, 11], weight: [5, 20, 3, 2], stride: (2, 1), padding: (1, 1), dilation: (1, 2)), seed: 83)
    }
}
