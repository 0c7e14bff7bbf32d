"""Named defaults of linesift, in one place (reused by signatures and CLI help)."""

from __future__ import annotations

from dataclasses import dataclass

LABELS = ("content", "boilerplate")
UNSURE = "unsure"
BLANK = "blank"  # what per-line outputs say for a blank line (never classified)

THRESHOLD_DEFAULT = 0.5
HASH_FEATURES_DEFAULT = 2**18
CONTEXT_SHIFTS_DEFAULT = (1, 2, 3)
CONTEXT_WINDOWS_DEFAULT = (5, 11, 25)
N_ESTIMATORS_DEFAULT = 150
LEARNING_RATE_DEFAULT = 0.1
MAX_LEAF_NODES_DEFAULT = 31
STAGE2_ESTIMATORS_DEFAULT = 80  # the context stage reads few, strong features: a small model suffices
STAGE2_LEAF_NODES_DEFAULT = 15
CV_FOLDS_DEFAULT = 3
RANDOM_STATE_DEFAULT = 0
WEIGHTING_DEFAULT = "words"  # each page weighs the same; within a page, lines by their words (as word F1 counts)
BATCH_LINES_DEFAULT = 20000


@dataclass(frozen=True)
class Settings:
    """Prediction settings shared by the CLI and the Python API."""

    threshold: float | None = None  # None: the model's own tuned threshold
    batch_lines: int = BATCH_LINES_DEFAULT
