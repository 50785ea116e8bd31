"""What reaches a view from the URL: ids the database can hold, parameters without controls."""

from __future__ import annotations

from flask import Flask, Request
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from asb.database import INTEGER_MAX
from asb.forms import has_control_characters


class IdConverter(IntegerConverter):
    """A record's id: ASCII digits within the Integer column's range, or the route 404s.

    Registered as `int`, because every `<int:...>` in asb's routes is an id.
    """

    regex = rf"[0-9]{{1,{len(str(INTEGER_MAX))}}}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


class AsbRequest(Request):
    @cached_property
    def args(self):
        """The query string without parameters that carry control characters.

        No page reads them (a NUL is refused by PostgreSQL), so such a parameter is treated
        as absent, as unknown filter values already are.
        """
        parsed = Request.args.fget(self)
        return self.parameter_storage_class(
            (key, value)
            for key, value in parsed.items(multi=True)
            if not has_control_characters(key) and not has_control_characters(value)
        )


def init_app(app: Flask) -> None:
    """Set up before any blueprint registers its routes, which bind their converters."""
    app.url_map.converters["int"] = IdConverter
    app.request_class = AsbRequest
