"""``GET /symbols``: the symbols the configured market-data source offers (the dashboard picker)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mlplatform.api.schema import ExchangeField, SymbolField
from mlplatform.api.views import PublicApi
from mlplatform.core.symbols import EXCHANGES, SYMBOL_PATTERN
from mlplatform.market_data import market_symbol_list


class SymbolListOutputSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=["csv", "synthetic", "http"], help_text="the configured market-data source"
    )
    origin = serializers.ChoiceField(
        choices=["files", "train_symbols"],
        help_text="files: one per CSV file; train_symbols: the configured TRAIN_SYMBOLS",
    )
    symbols = serializers.ListField(child=SymbolField())
    symbol_pattern = serializers.CharField(
        help_text="The one symbol rule (a regular expression) the API validates with."
    )
    exchanges = serializers.ListField(
        child=ExchangeField(), help_text="The exchanges `exchange=` accepts."
    )


class SymbolListApi(PublicApi):
    """``GET /symbols``."""

    @extend_schema(
        summary="Symbols the market-data source offers", responses={200: SymbolListOutputSerializer}
    )
    def get(self, request: Request) -> Response:
        source, origin, symbols = market_symbol_list()
        return Response(
            SymbolListOutputSerializer(
                {
                    "source": source,
                    "origin": origin,
                    "symbols": symbols,
                    "symbol_pattern": SYMBOL_PATTERN,
                    "exchanges": list(EXCHANGES),
                }
            ).data
        )
