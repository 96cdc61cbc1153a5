import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being served (or of the request that enqueued the task being run): every
# log line written meanwhile carries it, so that a lab submission can be followed from the web
# request to the grading worker (`grep <id>`).
_request_id: ContextVar[str] = ContextVar("request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str:
    """The current request id, or "" outside a request or a task."""
    return _request_id.get()


def new_request_id(offered: str | None = None) -> str:
    """The proxy's X-Request-ID when it looks like one (letters, digits, . _ -; 8-64 characters),
    else a fresh random id: a client cannot write arbitrary text into the logs."""
    return offered if offered and _VALID_ID.match(offered) else uuid.uuid4().hex


class request_context:  # noqa: N801 - used as a context manager, like contextlib's
    """``with request_context(rid):`` log lines inside carry ``request_id=rid``."""

    def __init__(self, rid: str):
        self.rid = rid

    def __enter__(self):
        self.token = _request_id.set(self.rid)
        return self.rid

    def __exit__(self, *exc):
        _request_id.reset(self.token)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: easy to grep, easy to ship to a log store."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = _request_id.get()
        if rid:
            entry["request_id"] = rid
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
