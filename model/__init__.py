"""linesift: label each line of a scraped web page as content or boilerplate.

>>> import linesift
>>> page = linesift.predict_text(open("page.txt").read())      # the shipped default model
>>> page.labels[:3], page.scores[:3], page.content
"""

__version__ = "0.1.0"

from linesift.lines import split_lines  # noqa: E402
from linesift.modelfile import ModelFileError, load_model, save_model  # noqa: E402
from linesift.predict import PagePrediction, predict_lines, predict_pages, predict_text  # noqa: E402

__all__ = [
    "ModelFileError",
    "PagePrediction",
    "load_model",
    "predict_lines",
    "predict_pages",
    "predict_text",
    "save_model",
    "split_lines",
]
