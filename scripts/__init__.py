"""The `glmm-explainer` command line: thin click commands over the estimator and the renderer."""
