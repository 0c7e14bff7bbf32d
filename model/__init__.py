"""linesift: label each line of a scraped web page as content or boilerplate.

>>> import linesift
>>> page = linesift.predict_text(open("page.txt").read())      # the shipped default model
>>> page.labels[:3], page.scores[:3], page.content

Names are imported lazily so that ``linesift --help`` does not pay for scikit-learn's import.
"""

from importlib import import_module

__version__ = "0.19.6"

_EXPORTS = {
    "decode": "linesift.lines",
    "split_lines": "linesift.lines",
    "ModelFileError": "linesift.modelfile",
    "load_model": "linesift.modelfile",
    "save_model": "linesift.modelfile",
    "PagePrediction": "linesift.predict",
    "predict_corpus": "linesift.predict",
    "predict_html": "linesift.predict",
    "predict_lines": "linesift.predict",
    "predict_pages": "linesift.predict",
    "predict_text": "linesift.predict",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'linesift' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
