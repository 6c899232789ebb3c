"""Inference services: ``inference`` serves predictions, ``logs`` records them."""

from predictions.services.inference import (
    EXCHANGES,
    feature_window_get,
    history_rows,
    model_specs_reset,
    prediction_batch,
    prediction_make,
    symbol_normalize,
)
from predictions.services.logs import prediction_logs_insert

__all__ = [
    "EXCHANGES",
    "feature_window_get",
    "history_rows",
    "model_specs_reset",
    "prediction_batch",
    "prediction_logs_insert",
    "prediction_make",
    "symbol_normalize",
]
