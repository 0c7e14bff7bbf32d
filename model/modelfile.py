"""Model files: a joblib file plus a JSON sidecar that is checked before anything is unpickled.

``save_model(model, "x.model")`` writes ``x.model`` and ``x.model.json``. The sidecar records versions,
features, labels, threshold, a training summary and the sha256 of the model file. ``load_model`` reads
the sidecar first, refuses a file whose sha256 differs (corrupt or tampered) or whose scikit-learn / numpy
version differs (major.minor for scikit-learn, major for numpy) from the installed ones, and only then unpickles. Unpickling runs code: load
only model files you trust (the shipped model and the ones you trained yourself).
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import stat
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from linesift.output import atomic_write_files, link_target

FORMAT_VERSION = 1
DEFAULT_MODEL_NAME = "default.model"


class ModelFileError(ValueError):
    """A model file that cannot be used; the message says which file and why."""


def sidecar_path(path: str | Path) -> Path:
    """``x.model.json`` beside ``x.model``; through a symlink, beside the file it points to (which is the one
    written and read), so the link and the file share one sidecar."""
    path = link_target(path)
    return path.with_name(path.name + ".json")


def _versions() -> dict:
    """The versions a model file is saved with and checked against (scikit-learn's read from its
    installation, not imported: a model file scores without it, ``trees.py``)."""
    from importlib.metadata import version

    import numpy
    from linesift import __version__

    return {"linesift": __version__, "sklearn": version("scikit-learn"), "numpy": numpy.__version__,
            "python": platform.python_version()}


def _clear_thread_counts(model) -> None:
    """Clear the OpenMP thread count that each boosted model's binner kept from its fit (``_bin_mapper.n_threads``,
    read only when fitting), so the file does not depend on the cores of the machine that trained it: the same
    data give the same trees on any number of threads, and now the same bytes."""
    parts = [part for member in getattr(model, "members_", []) for part in member]
    for part in [*vars(model).values(), *parts]:
        binner = getattr(part, "_bin_mapper", None)
        if binner is not None:
            binner.n_threads = None


def save_model(model, path: str | Path, training: dict | None = None) -> dict:
    """Write ``model`` to ``path`` (joblib) and its sidecar; return the sidecar. A ``LineClassifier`` is written
    in its frozen form (``LineClassifier.frozen``), which loads and scores without importing scikit-learn."""
    import joblib

    _clear_thread_counts(model)
    if callable(getattr(model, "frozen", None)):
        model = model.frozen()
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    data = buffer.getvalue()
    sidecar = {
        "format": FORMAT_VERSION,
        "kind": "linesift.LineClassifier",
        "versions": _versions(),
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "labels": ["content", "boilerplate"],
        "threshold": model.threshold_,
        "params": {k: v for k, v in model.get_params().items()},
        "feature_names": list(model.feature_names_),
        "training": training or {},
        "cross_validated": getattr(model, "oof_scores_", {}),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    side = (json.dumps(sidecar, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    atomic_write_files([(path, data), (sidecar_path(path), side)])  # renamed as a pair, once both are whole
    return sidecar


SIDECAR_MAX_BYTES = 16 << 20  # a sidecar holds feature names and scores: the shipped one 8 KB


def read_sidecar(path: str | Path) -> dict:
    """The sidecar of the model file ``path``, checked to be one (a JSON object of the format, its types), or
    ``ModelFileError`` naming it: missing, not a regular file (a FIFO would never end), too large, not JSON
    (or nested too deep, a number too long for Python, text that is not Unicode)."""
    side = sidecar_path(path)
    try:
        if not stat.S_ISREG(side.stat().st_mode):
            raise ModelFileError(f"{side}: not a regular file, so not a model sidecar")
        with open(side, "rb") as handle:
            data = handle.read(SIDECAR_MAX_BYTES + 1)
        if len(data) > SIDECAR_MAX_BYTES:
            raise ModelFileError(f"{side}: over {SIDECAR_MAX_BYTES >> 20} MB, not a linesift model sidecar")
        sidecar = json.loads(data.decode("utf-8"))
        json.dumps(sidecar, ensure_ascii=False).encode("utf-8")  # a lone surrogate ("\ud800") is not text
    except ModelFileError:
        raise
    except FileNotFoundError:
        model = Path(path).with_name(Path(path).name.removesuffix(".json"))
        if model != Path(path) and model.is_file() and Path(path).is_file():  # -m X.model.json, the sidecar
            raise ModelFileError(f"{path}: the sidecar of the model file {model}; give the model file") from None
        raise ModelFileError(f"{path}: no sidecar {side.name} beside the model file") from None
    except OSError as err:
        raise ModelFileError(f"{side}: unreadable model sidecar ({err.strerror or err})") from None
    except (ValueError, RecursionError) as err:  # not UTF-8 or not JSON; 4,300+ digits; deep nesting; a surrogate
        why = " ".join(str(err).split("; use sys.")[0].split())[:200]  # on one line, without Python's advice
        raise ModelFileError(f"{side}: unreadable model sidecar ({type(err).__name__}: {why})") from None
    if not isinstance(sidecar, dict) or sidecar.get("format") != FORMAT_VERSION or "sha256" not in sidecar:
        raise ModelFileError(f"{side}: not a linesift model sidecar (format {FORMAT_VERSION})")
    for key, kind, what in _SIDECAR_TYPES:
        value = sidecar.get(key, kind())  # a key left out is read as empty; null is refused
        if not (isinstance(value, kind) and (key != "feature_names" or all(isinstance(x, str) for x in value))):
            raise ModelFileError(f"{side}: not a linesift model sidecar ({key!r} must be {what})")
    return sidecar


_SIDECAR_TYPES = (("sha256", str, "a string"), ("versions", dict, "an object"),
                  ("feature_names", list, "a list of strings"), ("training", dict, "an object"),
                  ("cross_validated", dict, "an object"), ("params", dict, "an object"))


def _digest_matches(data: bytes, sidecar: dict) -> bool:
    return hashlib.sha256(data).hexdigest() == sidecar["sha256"]


def file_matches_sidecar(path: str | Path, sidecar: dict) -> bool:
    """True when the model file's sha256 is the one its sidecar records."""
    try:
        return _digest_matches(Path(path).read_bytes(), sidecar)
    except OSError as err:
        raise ModelFileError(f"{path}: cannot read model file ({err.strerror or err})") from None


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check_model_path(path: Path) -> None:
    """Raise ``ModelFileError`` unless ``path`` is a file: a directory is named as one."""
    if path.is_dir():
        raise ModelFileError(f"{path}: is a directory, not a model file")
    if not path.is_file():
        what = ("not a regular file, so not a model file" if path.exists() else
                "a model is read from a file, not stdin; give its path" if str(path) == "-" else "no such model file")
        raise ModelFileError(f"{path}: {what}")


def load_model(path: str | Path | None = None):
    """Load a model file after checking its sidecar; ``None``, or ``SHIPPED_MODEL_WORD`` where no file of that
    name exists, loads the default model shipped in the package (as ``linesift predict -m default`` does)."""
    import joblib

    if path is None or names_shipped_model(path):
        path = default_model_path()
    path = Path(path)
    check_model_path(path)
    sidecar = read_sidecar(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ModelFileError(f"{path}: cannot read model file ({err.strerror or err})") from None
    if not _digest_matches(data, sidecar):
        raise ModelFileError(f"{path}: model file does not match its sidecar sha256 (corrupt or modified); refusing to load")
    here = _versions()
    for lib, same in (("sklearn", _major_minor), ("numpy", lambda v: v.split(".")[0])):
        saved = str(sidecar.get("versions", {}).get(lib, "?"))
        if same(saved) != same(here[lib]):
            raise ModelFileError(
                f"{path}: trained with {lib} {saved}, installed {here[lib]}; retrain it with this version"
            )
    try:
        model = joblib.load(io.BytesIO(data))
    except Exception as err:  # a pickle from another version can fail in many ways
        raise ModelFileError(f"{path}: cannot load model ({type(err).__name__}: {err})") from None
    if not hasattr(model, "score_pages"):
        raise ModelFileError(f"{path}: not a linesift model")
    if not _features_match(model):
        made_by = sidecar.get("versions", {}).get("linesift", "?")
        raise ModelFileError(f"{path}: made for the line features of linesift {made_by}, which differ from this "
                             f"version's; retrain it with this version")
    try:
        _score_a_page(model)
    except Exception as err:  # a file its sidecar signs, whose model lacks a part or holds a wrong one
        raise ModelFileError(f"{path}: cannot score with this model ({type(err).__name__}: {err})") from None
    model.sidecar_ = sidecar
    return model


# scored by every model loaded, so that one missing a fitted part is refused at once, not with a traceback
# at its first page (about 10 ms)
SMOKE_PAGE = ["Home", "", "The council met on Tuesday to agree on the harbour budget."]


def _score_a_page(model) -> None:
    from linesift.predict import predict_pages
    from linesift.trees import uncounted

    with uncounted():  # not against the process's budget for walking trees in numpy
        predict_pages([SMOKE_PAGE], model)


def _features_match(model) -> bool:
    """Whether the model was fitted on the line features this code computes (same names, same order)."""
    from linesift.features import page_features

    _, names, _ = page_features(["x"])
    return list(getattr(model, "feature_names_", []))[: len(names)] == names


# a model named so, where no file of that name exists, is the shipped model (load_model, and the CLI's --model)
SHIPPED_MODEL_WORD = "default"


def names_shipped_model(path: str | Path) -> bool:
    """Whether ``path`` names the shipped model: ``SHIPPED_MODEL_WORD``, where no file of that name exists."""
    return str(path) == SHIPPED_MODEL_WORD and not Path(path).exists()


def default_model_path() -> Path:
    """Path of the default model inside the installed package."""
    return Path(str(resources.files("linesift") / DEFAULT_MODEL_NAME))
