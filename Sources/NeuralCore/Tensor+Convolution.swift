/// 2-D cross-correlation (PyTorch `F.conv2d`): `x` is `[N, C, H, W]`, `weight` `[O, C/groups, kH, kW]`, `bias`
/// `[O]` or `nil`; the result is `[N, O, H', W']` with `H' = ⌊(H + 2·padding.0 − dilation.0·(kH−1) − 1)/stride.0⌋ + 1`
/// (likewise `W'`). Zero padding.
///
/// Per image and group, one of six kernels runs (same sums, different speed): direct row loops for patches of at
/// most 8 scalars (`C/groups·kH·kW`, e.g. a 1-channel (3,1) kernel, with no column buffer); one matrix product on
/// the input as it is for 1×1 kernels without padding (gathered first at strides above 1); Winograd F(2×2, 3×3) for
/// 3×3 kernels at stride 1 and dilation 1 over at least 48 output tiles of 2×2 (4/9 of the multiply-adds, forward
/// and input gradient; the kernel transform does not pay on fewer); overlap-save in the
/// frequency domain for wide `1 × k` kernels at stride 1 and dilation 1 with at least 32 channels on both sides
/// (one product per DFT bin of short blocks: for `k = 11`, 3.1 multiply-adds per output and channel pair instead of
/// 11, plus the transforms; the transformed kernel is kept until the backward pass); for other stride-1
/// kernels with at least 16 input channels per group and at most four times as many output channels, `cblas_sgemm`
/// on shifted views of the padded input (one product per kernel row forward, per kernel tap for the gradients; no
/// im2col matrix); otherwise im2col + `cblas_sgemm` over tiles of output rows (a column buffer of about 4096
/// positions). Large loops are split over ``NeuralCoreThreads``. The kernels round differently (the shifted kernel
/// adds each kernel row's product into the Float32 output, kH roundings per output, where im2col sums a whole patch
/// in one product; Winograd adds and subtracts inputs before its products), so results differ in the last bits
/// between geometries.
public func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
    dilation: (Int, Int) = (1, 1), groups: Int = 1
) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4, "conv2d: input \(x.shape), weight \(weight.shape)")
    let (n, c, o) = (x.shape[0], x.shape[1], weight.shape[0])
    precondition(c % groups == 0 && o % groups == 0 && weight.shape[1] == c / groups, "conv2d: channels/groups mismatch")
    let geometry = ConvolutionGeometry(
        channels: c / groups, height: x.shape[2], width: x.shape[3], kernelHeight: weight.shape[2],
        kernelWidth: weight.shape[3], stride: stride, padding: padding, dilation: dilation)
    let (oh, ow) = (geometry.outHeight, geometry.outWidth)
    precondition(oh > 0 && ow > 0, "conv2d: kernel larger than padded input")
    let og = o / groups, spatial = oh * ow, k = geometry.patchSize
    let inImage = c * x.shape[2] * x.shape[3], inGroup = geometry.channels * x.shape[2] * x.shape[3]
    let kernelType = ConvolutionAlgorithm.choose(for: geometry, outputChannels: og).kernelType
    // One kernel per group, made once and used by the forward pass and both gradients (a kernel may transform the
    // weight when it is made). Kernels keep a pointer into `weight`'s storage: an array buffer that neither moves nor
    // changes while `weight`, which the backward closure captures, holds it; every use runs while it is pinned again.
    let kernels = weight.withUnsafeBufferPointer { pw in
        (0..<groups).map { g in kernelType.init(geometry: geometry, outputChannels: og, weight: pw.baseAddress! + g * og * k) }
    }
    /// Runs `body(kernel, image, group)` for every image and group with the group's kernel.
    func forEachImageAndGroup(_ body: (any ConvolutionKernel, Int, Int) -> Void) {
        weight.withUnsafeBufferPointer { _ in
            for g in 0..<groups {
                for b in 0..<n { body(kernels[g], b, g) }
            }
        }
    }
    precondition(bias == nil || bias!.shape == [o], "conv2d: bias shape \(bias!.shape) ≠ [\(o)]")
    let out = uninitializedScalars(n * o * spatial) { po in
        x.withUnsafeBufferPointer { px in
            forEachImageAndGroup { kernel, b, g in
                kernel.forward(px.baseAddress! + b * inImage + g * inGroup, po + (b * o + g * og) * spatial)
            }
        }
        if let bias { addChannelBias(bias, to: po, planes: n * o, planeSize: spatial) }
    }
    let result = Tensor(shape: [n, o, oh, ow], scalars: out)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(result, inputs: inputs) { grad, needs in
        let dx = needs[0] ? uninitializedScalars(x.scalarCount) { pdx in
            grad.withUnsafeBufferPointer { pg in
                forEachImageAndGroup { kernel, b, g in
                    kernel.inputGradient(pg.baseAddress! + (b * o + g * og) * spatial, pdx + b * inImage + g * inGroup)
                }
            }
        } : []
        var dw = [Float](repeating: 0, count: needs[1] ? weight.scalarCount : 0)
        if needs[1] {
            x.withUnsafeBufferPointer { px in
                grad.withUnsafeBufferPointer { pg in
                    dw.withUnsafeMutableBufferPointer { pdw in
                        forEachImageAndGroup { kernel, b, g in
                            kernel.accumulateWeightGradient(
                                pg.baseAddress! + (b * o + g * og) * spatial, input: px.baseAddress! + b * inImage + g * inGroup,
                                pdw.baseAddress! + g * og * k)
                        }
                    }
                }
            }
        }
        var grads: [Tensor?] = [
            needs[0] ? Tensor(shape: x.shape, scalars: dx) : nil,
            needs[1] ? Tensor(shape: weight.shape, scalars: dw) : nil,
        ]
        if inputs.count == 3 { grads.append(needs[2] ? grad.sum(alongAxes: [0, 2, 3]) : nil) }
        return grads
    }
}

/// 1-D cross-correlation (PyTorch `F.conv1d`): `x` is `[N, C, L]`, `weight` `[O, C/groups, k]`, `bias` `[O]` or
/// `nil`; the result is `[N, O, L']`, `L' = ⌊(L + 2·padding − dilation·(k−1) − 1)/stride⌋ + 1`. Computed as a
/// `conv2d` over height 1.
public func conv1d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
    groups: Int = 1
) -> Tensor {
    precondition(x.rank == 3 && weight.rank == 3, "conv1d: input \(x.shape), weight \(weight.shape)")
    let y = conv2d(
        x.reshaped([x.shape[0], x.shape[1], 1, x.shape[2]]),
        weight: weight.reshaped([weight.shape[0], weight.shape[1], 1, weight.shape[2]]), bias: bias,
        stride: (1, stride), padding: (0, padding), dilation: (1, dilation), groups: groups)
    return y.reshaped([y.shape[0], y.shape[1], y.shape[3]])
}

/// Causal 1-D convolution: the input is padded with `dilation·(k−1)` zeros on the left only, so output `t` sees
/// inputs `≤ t` and the length is kept (WaveNet's convolution; PyTorch `F.conv1d(F.pad(x, (d·(k−1), 0)), w)`).
public func causalConv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, dilation: Int = 1) -> Tensor {
    let left = dilation * (weight.shape[2] - 1)
    return conv1d(x.padded([(0, 0), (0, 0), (left, 0)]), weight: weight, bias: bias, dilation: dilation)
}

/// 1-D transposed convolution (PyTorch `F.conv_transpose1d`), the adjoint of `conv1d` with respect to its input:
/// `x` is `[N, C, L]`, `weight` `[C, O/groups, k]` (PyTorch's transposed layout), `bias` `[O]` or `nil`; the result
/// is `[N, O, L']` with `L' = (L−1)·stride − 2·padding + dilation·(k−1) + outputPadding + 1`. Each input frame
/// scatters `weight`'s taps into the output (sgemm into columns, then col2im), so upsampling by `stride` costs one
/// matrix product per image and group.
public func convTranspose1d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
    dilation: Int = 1, groups: Int = 1
) -> Tensor {
    precondition(x.rank == 3 && weight.rank == 3, "convTranspose1d: input \(x.shape), weight \(weight.shape)")
    let (n, c, length, kernel) = (x.shape[0], x.shape[1], x.shape[2], weight.shape[2])
    precondition(c % groups == 0 && weight.shape[0] == c, "convTranspose1d: channels/groups mismatch")
    precondition(outputPadding >= 0 && (outputPadding < stride || outputPadding < dilation),
                 "convTranspose1d: outputPadding must be smaller than stride or dilation")
    let og = weight.shape[1], o = og * groups, cg = c / groups
    let outLength = (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
    precondition(outLength > 0, "convTranspose1d: empty output")
    // The geometry of the forward convolution whose input-adjoint this is: its "image" is our output.
    let geometry = ConvolutionGeometry(
        channels: og, height: 1, width: outLength, kernelHeight: 1, kernelWidth: kernel, stride: (1, stride),
        padding: (0, padding), dilation: (1, dilation))
    precondition(geometry.outWidth == length, "convTranspose1d: inconsistent geometry")
    let k = geometry.patchSize
    var out = [Float](repeating: 0, count: n * o * outLength)
    var cols = [Float](repeating: 0, count: k * length)
    x.withUnsafeBufferPointer { px in
        weight.withUnsafeBufferPointer { pw in
            out.withUnsafeMutableBufferPointer { po in
                cols.withUnsafeMutableBufferPointer { pc in
                    for b in 0..<n {
                        for g in 0..<groups {
                            sgemm(pw.baseAddress! + g * cg * k, transposeA: true,
                                  px.baseAddress! + (b * c + g * cg) * length, transposeB: false, pc.baseAddress!,
                                  m: k, n: length, k: cg)
                            geometry.col2im(pc.baseAddress!, rows: 0..<1, po.baseAddress! + (b * o + g * og) * outLength)
                        }
                    }
                }
            }
        }
    }
    if let bias {
        precondition(bias.shape == [o], "convTranspose1d: bias shape \(bias.shape) ≠ [\(o)]")
        out.withUnsafeMutableBufferPointer { addChannelBias(bias, to: $0.baseAddress!, planes: n * o, planeSize: outLength) }
    }
    let result = Tensor(shape: [n, o, outLength], scalars: out)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(result, inputs: inputs) { grad, needs in
        var dx = [Float](repeating: 0, count: needs[0] ? x.scalarCount : 0)
        var dw = [Float](repeating: 0, count: needs[1] ? weight.scalarCount : 0)
        var cols = [Float](repeating: 0, count: k * length)
        x.withUnsafeBufferPointer { px in
            weight.withUnsafeBufferPointer { pw in
                grad.withUnsafeBufferPointer { pg in
                    cols.withUnsafeMutableBufferPointer { pc in
                        dx.withUnsafeMutableBufferPointer { pdx in
                            dw.withUnsafeMutableBufferPointer { pdw in
                                for b in 0..<n {
                                    for g in 0..<groups {
                                        geometry.im2col(pg.baseAddress! + (b * o + g * og) * outLength, rows: 0..<1, pc.baseAddress!)
                                        let xg = px.baseAddress! + (b * c + g * cg) * length
                                        if needs[0] {
                                            sgemm(pw.baseAddress! + g * cg * k, transposeA: false, pc.baseAddress!,
                                                  transposeB: false, pdx.baseAddress! + (b * c + g * cg) * length,
                                                  m: cg, n: length, k: k)
                                        }
                                        if needs[1] {
                                            sgemm(xg, transposeA: false, pc.baseAddress!, transposeB: true,
                                                  pdw.baseAddress! + g * cg * k, m: cg, n: k, k: length, beta: 1)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var grads: [Tensor?] = [
            needs[0] ? Tensor(shape: x.shape, scalars: dx) : nil,
            needs[1] ? Tensor(shape: weight.shape, scalars: dw) : nil,
        ]
        if inputs.count == 3 { grads.append(needs[2] ? grad.sum(alongAxes: [0, 2]) : nil) }
        return grads
    }
}

/// Adds `bias[p % channels]` to every value of plane `p`, for `planes` consecutive planes of `planeSize` values (a
/// convolution's output `[N, channels, …]`), in place, split over threads for large outputs.
private func addChannelBias(_ bias: Tensor, to output: UnsafeMutablePointer<Float>, planes: Int, planeSize: Int) {
    let channels = bias.scalarCount
    bias.withUnsafeBufferPointer { pb in
        NeuralCoreThreads.forEachRange(planes, minimumPerThread: elementwiseGrain / planeSize + 1) {
            for plane in $0 {
                let value = pb[plane % channels], p = output + plane * planeSize
                for i in 0..<planeSize { p[i] += value }
            }
        }
    }
}
