import Backbones

/// Settings for the study's three experiments, chosen on the development set (`Scripts/make_dev_set.py`) with the
/// independent judge (`../shared/eval/judge.py`, ``TransferMeasures`` in Swift); `Docs/StyleTransfer.md` has the
/// grid and the numbers behind each choice.
///
/// All three use the study's network (``architecture``), `Conv2d(1, 32, (3, 1))` + LeakyReLU(0.2), with its style
/// statistic, the Gram matrix over time (``Backbones/GramAxis/time``): every filter × frequency row correlated over
/// frames, so matching it moves the energy of each band toward the style.
public enum StyleTransferPreset: String, Sendable, CaseIterable, Codable {
    /// Male ↔ female voice.
    case gender
    /// One English accent to another (e.g. US → Scottish); spectrograms alone struggle here, as the study found.
    case accent
    /// Speech → an instrument's timbre (violin, flute, piano).
    case instrument

    /// The backbone the preset was measured with: the study's ``Backbones/RandomCNN/Architecture/study(filterCount:)``
    /// with 32 filters over the 513 bins of ``StyleTransferConfiguration/decibelMagnitude``.
    public var architecture: RandomCNN.Architecture { .study(filterCount: 32) }
}

extension StyleTransferConfiguration {
    /// The configuration of `preset` (for the backbone ``StyleTransferPreset/architecture``).
    ///
    /// - Gender and instrument: the defaults (dB magnitude front end, the content given the style's long-term
    ///   spectrum, Gram over time on active frames, style brought to the content's loudness, style weight 0.03) with
    ///   Adam at 0.6 dB per step, for 50 steps (gender) or 9 (instrument: more steps move the timbre further but cost
    ///   the melody's envelope, STOI). The gender preset also moves the content's pitch to the style's median F0 and
    ///   keeps its formants (``PitchChange/Pitch/matchStyle``, ``PitchChange/Formants/keep``): a voice of the other
    ///   gender is mostly its pitch, which spectral statistics do not move (STOI against the content falls from 0.88
    ///   to 0.73 with it).
    /// - Accent: the trained accent conversion toward the style's accent (``AccentConversion``) and nothing else (no
    ///   envelope match, 0 steps): on the development set's accent pairs every Gram optimisation and the envelope
    ///   match move the output farther from the ground truth than the untouched content, and undo the conversion's
    ///   gain.
    ///
    /// `Docs/StyleTransfer.md` has the measurements.
    public static func preset(_ preset: StyleTransferPreset) -> StyleTransferConfiguration {
        switch preset {
        case .gender:
            StyleTransferConfiguration(
                pitchChange: PitchChange(pitch: .matchStyle, formants: .keep), optimizer: .adam(learningRate: 0.6),
                steps: 50)
        case .accent:
            StyleTransferConfiguration(envelopeMatch: nil, accentConversion: AccentConversion(), steps: 0)
        case .instrument:
            StyleTransferConfiguration(optimizer: .adam(learningRate: 0.6), steps: 9)
        }
    }
}
