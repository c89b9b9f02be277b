"""The pose stage: MediaPipe landmarks per frame, side identity and smoothing (PoseFrame)."""
