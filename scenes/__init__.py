"""Manim scenes of the lecture: one module per topic; they draw what the estimator fitted."""
