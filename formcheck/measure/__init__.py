"""The measure stage: geometry, derived measures, corrections and reliability (FrameMetrics)."""
