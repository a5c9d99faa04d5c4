"""Annotator workflow: import corrections, build annotation sets, retrain, queue, agreement."""
