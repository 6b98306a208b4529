"""Local stand-ins for the external services the project calls, on 127.0.0.1 ports.

Tests never reach the internet: they point clients at these servers, which speak the real wire
formats and record what they receive.
"""
from .api_geo_server import ApiGeoStandIn
from .ban_server import BanEntry, BanStandIn
from .http_base import RecordedRequest, Response, StandInServer

__all__ = ["ApiGeoStandIn", "BanEntry", "BanStandIn", "RecordedRequest", "Response", "StandInServer"]
