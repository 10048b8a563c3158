extension ShortTimeFourierTransform {
    /// The STFT of `samples` (librosa `stft(y, n_fft=fftSize, hop_length=hopLength, win_length=windowLength,
    /// window=window, center=center, pad_mode=padMode)`) in librosa's memory order: a ``FrameMajorSpectrogram`` of
    /// `frameCount` frames of `1 + fftSize/2` interleaved complex values, written by FFTW in place (no transpose).
    ///
    /// - Throws: the errors of ``forward(_:)``.
    func forwardFrameMajor(_ samples: [Float]) throws -> FrameMajorSpectrogram {
        var spectrogram = FrameMajorSpectrogram(binCount: 0, frameCount: 0, frameStride: frameMajorStride, capacity: 0)
        try forwardFrameMajor(samples, into: &spectrogram)
        return spectrogram
    }

    /// ``forwardFrameMajor(_:)`` into an existing spectrogram, reusing its storage when it has the result's shape
    /// and is not shared (otherwise new storage is made), so repeated transforms of equal-length signals allocate
    /// nothing.
    ///
    /// - Throws: the errors of ``forward(_:)``; `spectrogram` is unchanged when it throws.
    func forwardFrameMajor(_ samples: [Float], into spectrogram: inout FrameMajorSpectrogram) throws {
        try validateFinite(samples, what: "samples")
        let frames = try frameCount(sampleCount: samples.count)
        if spectrogram.binCount != binCount || spectrogram.frameCount != frames
            || spectrogram.frameStride != frameMajorStride || !isKnownUniquelyReferenced(&spectrogram.storage) {
            spectrogram = FrameMajorSpectrogram(binCount: binCount, frameCount: frames, frameStride: frameMajorStride,
                                                capacity: frameMajorCount(frames: frames))
        }
        transform(samples, count: samples.count, frameCount: frames, into: .frameMajor(spectrogram.storage.pointer))
    }

    /// The inverse STFT of a frame-major spectrogram (librosa `istft`, as ``inverse(_:sampleCount:)``); `spectrogram`
    /// is left unchanged.
    ///
    /// - Throws: ``AudioDSPError/shapeMismatch(what:expected:actual:)`` when it has another bin count or frame
    ///   stride than this transform's, ``AudioDSPError/emptyInput(what:)`` for zero frames,
    ///   ``AudioDSPError/nonFiniteInput(what:)``, ``AudioDSPError/invalidParameter(name:value:reason:)`` for
    ///   `sampleCount < 1`.
    func inverse(_ spectrogram: FrameMajorSpectrogram, sampleCount: Int? = nil) throws -> [Float] {
        guard spectrogram.binCount == binCount, spectrogram.frameStride == frameMajorStride else {
            throw AudioDSPError.shapeMismatch(
                what: "spectrogram", expected: "[\(binCount), frames] with frame stride \(frameMajorStride)",
                actual: "[\(spectrogram.binCount), \(spectrogram.frameCount)] with frame stride \(spectrogram.frameStride)")
        }
        if let sampleCount, sampleCount < 1 {
            throw AudioDSPError.invalidParameter(name: "sampleCount", value: "\(sampleCount)", reason: "must be at least 1")
        }
        try spectrogram.withUnsafeBufferPointer { try validateFinite($0, what: "spectrogram") }
        let (frames, outputCount) = inverseSize(frameCount: spectrogram.frameCount, sampleCount: sampleCount)
        let weights = overlapWeights(frameCount: frames, outputCount: outputCount)
        // FFTW's c2r overwrites its input, so it runs on a copy (whole batches, as the plan reads them).
        let input = spectrogram.storage.copy()
        let segments = UnsafeMutablePointer<Float>.allocate(capacity: frames * fftSize)  // fully written before use
        defer { segments.deallocate() }
        return [Float](unsafeUninitializedCapacity: outputCount) { output, initialized in
            inverseTransform(.frameMajor(input.pointer), frameCount: frames, weights: weights, segments: segments,
                             into: output.baseAddress!)
            initialized = outputCount
        }
    }
}
