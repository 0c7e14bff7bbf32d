"""linesift.training: fitting, importing labelled data and evaluating (not needed to predict)."""
