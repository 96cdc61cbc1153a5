"""Our own messages in a graded result, written again in the page's language when they are shown.

Grading runs in a worker, in the language of the page where Check was pressed; the learner may read the
result later in another. So a message of ours is a ``Message``: the text in the grading's language (a
``str``, stored as the result's ``message`` for the data export and older pages) that also remembers its
msgid and arguments, stored beside it as ``text`` (``{"id": msgid, "args": {...}}``, an argument being a
plain value, another such message, or a list of them, written joined by ", "). ``written(item)`` writes it
in the active language at display time. The tools' own messages are plain strings: they stay as the
tools wrote them.

In the modules that write messages, ``from labs.messages import ours as _`` keeps ``_("...") % {...}``
(and makemessages finds the msgids, ``_`` being one of its keywords)."""

from __future__ import annotations

from django.utils.translation import gettext

MAX_DEPTH = 3  # a message inside a message inside a message: more is not ours


class Message(str):
    """A message of ours in the active language, with its msgid and arguments (see the module docstring)."""

    msgid: str
    args: dict | None

    def __new__(cls, msgid: str, args: dict | None = None) -> Message:
        text = gettext(msgid) if args is None else gettext(msgid) % {name: _joined(v) for name, v in args.items()}
        message = super().__new__(cls, text)
        message.msgid, message.args = msgid, args
        return message

    # str's % takes any value; ours only the dict of named values that gettext's placeholders name, and
    # returns a Message (a str that keeps its msgid and values): a narrower signature, said to the checker.
    def __mod__(self, args: dict) -> Message:  # type: ignore[override]
        return Message(self.msgid, args)

    def data(self) -> dict:
        """The JSON-safe form stored in a result (``text``)."""
        stored: dict = {"id": self.msgid}
        if self.args is not None:
            stored["args"] = {name: _plain(value) for name, value in self.args.items()}
        return stored


def _joined(value):
    """A list argument as the message shows it: its items joined by ", "."""
    return ", ".join(str(item) for item in value) if isinstance(value, list) else value


def _plain(value):
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Message):
        return value.data()
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def ours(msgid: str) -> Message:
    """``_("...")`` in the modules that write results' messages."""
    return Message(msgid)


def _write(data: dict, depth: int = 0) -> str:
    if depth > MAX_DEPTH or not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise ValueError("not a message of ours")
    args = data.get("args")
    if args is None:
        return gettext(data["id"])
    if not isinstance(args, dict):
        raise ValueError("not a message of ours")

    def one(value):
        return _write(value, depth + 1) if isinstance(value, dict) else value

    values = {
        name: ", ".join(str(one(item)) for item in value) if isinstance(value, list) else one(value)
        for name, value in args.items()
    }
    return gettext(data["id"]) % values


def written(item: dict) -> str:
    """The message of a result, or of one of its findings, in the active language: its ``text`` written
    again where it is ours, else its stored ``message`` (a tool's own words, or a result stored before
    messages kept their msgid). A ``text`` that does not fit its msgid falls back to ``message``."""
    text = item.get("text")
    if text is not None:
        try:
            return _write(text)
        except (KeyError, ValueError, TypeError):
            pass
    return item.get("message", "")
