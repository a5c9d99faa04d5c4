"""Theme classifiers: one contract (``base.ThemeClassifier``), several registered back ends."""
