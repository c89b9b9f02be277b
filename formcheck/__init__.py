"""formcheck: camera-based form checker for hip internal-rotation rehab."""

__version__ = "0.1.0"
