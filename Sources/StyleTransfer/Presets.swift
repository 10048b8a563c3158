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
    /// The configuration of `preset` (for the backbone ``StyleTransferPreset/architecture``): the defaults (dB
    /// magnitude front end, the content given the style's long-term spectrum, Gram over time on active frames, style
    /// brought to the content's loudness, style weight 0.03) with Adam at 0.6 dB per step, for 50 steps (gender,
    /// accent) or 9 (instrument: more steps move the timbre further but cost the melody's envelope, STOI). The gender
    /// preset also moves the content's pitch to the style's median F0 and keeps its formants
    /// (``PitchChange/Pitch/matchStyle``, ``PitchChange/Formants/keep``): a voice of the other gender is mostly its
    /// pitch, which spectral statistics do not move (STOI against the content falls from 0.88 to 0.73 with it).
    /// `Docs/StyleTransfer.md` has the measurements.
    public static func preset(_ preset: StyleTransferPreset) -> StyleTransferConfiguration {
        let steps = switch preset {
        case .gender, .accent: 50
        case .instrument: 9
        }
        let pitchChange = preset == .gender ? PitchChange(pitch: .matchStyle, formants: .keep) : PitchChange()
        return StyleTransferConfiguration(pitchChange: pitchChange, optimizer: .adam(learningRate: 0.6), steps: steps)
    }
}
