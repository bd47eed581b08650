"""The Fever API (https://feedafever.com/api) at ``/fever/``, as reader apps speak it
to Miniflux and FreshRSS: ``handler`` (the endpoint), ``middleware`` (parameters and
the API-key check), ``response`` (the JSON shapes and id encodings)."""

from tidings.serve.fever.handler import router

__all__ = ["router"]
