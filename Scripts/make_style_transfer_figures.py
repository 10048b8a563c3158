"""Runs `demo transfer` for the three presets on the bundled clips, and the gender preset with the content's pitch
kept (`--pitch keep`), and writes Docs/images/<name>.png: the content, style and output spectrograms side by side (one dB scale, as the demo's --spectrograms writes them),
downscaled for the docs. Prints the demo's summary line (losses and TransferMeasures) for each figure.

Usage (from the package root, after `swift build -c release --product demo`):
    python3 Scripts/make_style_transfer_figures.py [path/to/demo]
Needs Pillow.
"""
import pathlib
import subprocess
import sys
import tempfile

from PIL import Image

root = pathlib.Path(__file__).resolve().parent.parent
demo = sys.argv[1] if len(sys.argv) > 1 else str(root / ".build/release/demo")
images = root / "Docs/images"
images.mkdir(parents=True, exist_ok=True)
FIGURES = [("gender", ["--preset", "gender"]), ("accent", ["--preset", "accent"]),
           ("instrument", ["--preset", "instrument"]), ("gender-keep-pitch", ["--preset", "gender", "--pitch", "keep"])]
for name, arguments in FIGURES:
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([demo, "transfer", *arguments, "--out", f"{folder}/out.wav", "--spectrograms", folder],
                                capture_output=True, text=True, check=True, cwd=root)
        print(name, result.stdout.strip())
        panels = [Image.open(f"{folder}/{name}.png").convert("RGB") for name in ("content", "style", "output")]
        height = 200
        panels = [p.resize((max(1, p.width * height // p.height), height)) for p in panels]
        sheet = Image.new("RGB", (sum(p.width for p in panels) + 20 * (len(panels) - 1), height), "white")
        x = 0
        for panel in panels:
            sheet.paste(panel, (x, 0))
            x += panel.width + 20
        sheet.save(images / f"{name}.png", optimize=True)
