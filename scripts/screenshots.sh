#!/usr/bin/env bash
# Regenerate the README pictures (docs/images/*.png): the screen walk (tests/test_browser_walk.py) in Debian
# chromium saves the screens it names as pictures, 1000 px wide; Pillow then cuts each to 256 colours.
#   bash scripts/screenshots.sh [folder]      (default docs/images)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/images}"
# The walk entries that take a picture (picture= in their visit). The inbox: add its entry here once it has one.
screens="idx-password-question or idx-enroll-question-google or idx-okta-verify-push or traqs or inbox"
MOCKFINRA_SCREENSHOTS="$out" PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" \
  python -m pytest -p no:cacheprovider -q -m browser tests/test_browser_walk.py -k "$screens"
python - "$out" <<'PY'
import sys
from pathlib import Path

from PIL import Image

for path in sorted(Path(sys.argv[1]).glob("*.png")):
    before = path.stat().st_size
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    print(f"{path}: {small.width}x{small.height}, {before // 1024} KiB -> {path.stat().st_size // 1024} KiB")
PY
