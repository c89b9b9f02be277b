"""Files shipped inside the package: the pose model, the bias corrections, the sample clips.

Paths, not loaders: each stage opens what it needs. They resolve inside the installed
package, so a wheel install (not only a checkout) finds them.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
#: The MediaPipe pose landmarker (``tools/build_pose_model.py`` rebuilds it).
POSE_MODEL = DATA_DIR / "models" / "pose_landmarker_full.task"
#: Bias-correction models (``tools/fit_corrections.py`` fits them).
CORRECTIONS_DIR = DATA_DIR / "models" / "corrections"
#: Rendered sample clips with their ground-truth sidecars (``tools/render_synthetic.py``).
SAMPLES_DIR = DATA_DIR / "samples"
