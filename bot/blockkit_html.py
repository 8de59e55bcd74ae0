"""Block Kit as HTML, for the local desk (/local/desk): the blocks Slack would show, drawn
in a browser. Pure: no I/O, no Slack SDK.

The desk renders the very blocks the Slack notifier posts and the App Home publishes
(bot/notes.py, bot/home_view.py), so the two can never disagree. Everything comes out
escaped: text by bot/mrkdwn_html.py, every value put in an attribute here.

Buttons and menus become forms. `Controls` says where they post and with which CSRF
token; the desk's routes run the same use cases as the Slack listeners.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from bot.mrkdwn_html import SAFE_URL, emoji, mrkdwn

Block = Mapping[str, Any]


# Slack's emoji names as symbols every system font has (no emoji font needed offline),
# each with a class that colours it.
def _text(obj: Any) -> Markup:
    if not isinstance(obj, Mapping):
        return Markup("")
    raw = str(obj.get("text") or "")
    if obj.get("type") == "mrkdwn":
        return mrkdwn(raw)
    return Markup(emoji(str(escape(raw))))  # noqa: S704 - escaped first


@dataclass(frozen=True)
class Controls:
    """How interactive elements become HTML forms on the desk.

    `action`: the URL buttons and menus post to; `csrf`: the token for the hidden field.
    `get_fields`: action ids that only change what is shown (filters, paging): they
    become GET forms to `get_action`, the value in the named field.
    `keep`: the query fields a GET form carries over (the other filters).
    """

    action: str
    csrf: str
    get_action: str = ""
    get_fields: Mapping[str, str] = field(default_factory=dict)
    keep: Mapping[str, str] = field(default_factory=dict)


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def _confirm_attrs(confirm: Any) -> str:
    if not isinstance(confirm, Mapping):
        return ""
    parts = {
        "data-confirm-title": _text(confirm.get("title")),
        "data-confirm-text": _text(confirm.get("text")),
        "data-confirm-yes": _text(confirm.get("confirm")),
        "data-confirm-no": _text(confirm.get("deny")),
    }
    # the dialog text is HTML we made (escaped): carried as an attribute, escaped again
    return "".join(f' {k}="{escape(str(v))}"' for k, v in parts.items())


def _post_form(inner: str, ids: tuple[str, str], c: Controls, confirm: Any = None) -> str:
    action_id, block_id = ids
    return (
        f'<form class="act" method="post" action="{escape(c.action)}"{_confirm_attrs(confirm)}>'
        + _hidden("csrf", c.csrf)
        + _hidden("action_id", action_id)
        + _hidden("block_id", block_id)
        + inner
        + "</form>"
    )


def _button(el: Block, block_id: str, c: Controls) -> str:
    action_id, value = str(el.get("action_id") or ""), str(el.get("value") or "")
    style = str(el.get("style") or "plain")
    label = _text(el.get("text"))
    if action_id in c.get_fields:
        fields = "".join(_hidden(k, v) for k, v in c.keep.items() if k != c.get_fields[action_id])
        name = c.get_fields[action_id]
        return (
            f'<form class="look" method="get" action="{escape(c.get_action)}">{fields}'
            f'<button class="btn {escape(style)}" name="{escape(name)}" value="{escape(value)}">'
            f"{label}</button></form>"
        )
    inner = (
        f'<button class="btn {escape(style)}" name="value" value="{escape(value)}">{label}</button>'
    )
    return _post_form(inner, (action_id, block_id), c, el.get("confirm"))


def _select(el: Block, block_id: str, c: Controls) -> str:
    action_id = str(el.get("action_id") or "")
    placeholder = _text(el.get("placeholder"))
    chosen = (el.get("initial_option") or {}).get("value")
    options = "".join(
        f'<option value="{escape(str(o.get("value")))}"'
        + (" selected" if o.get("value") == chosen else "")
        + f">{_text(o.get('text'))}</option>"
        for o in el.get("options") or []
        if isinstance(o, Mapping)
    )

    def select(name: str) -> str:
        return (
            f'<label class="select"><span>{placeholder}</span>'
            f'<select name="{escape(name)}">{options}</select></label>'
        )

    if action_id in c.get_fields:
        name = c.get_fields[action_id]
        fields = "".join(_hidden(k, v) for k, v in c.keep.items() if k not in (name, "page"))
        return (
            f'<form class="look" method="get" action="{escape(c.get_action)}">{fields}'
            + select(name)
            + '<button class="btn plain go">Show</button></form>'
        )
    inner = select("value") + f'<button class="btn plain go">{placeholder}</button>'
    return _post_form(inner, (action_id, block_id), c)


def _element(el: Any, block_id: str, c: Controls) -> str:
    if not isinstance(el, Mapping):
        return ""
    kind = el.get("type")
    if kind == "button":
        return _button(el, block_id, c)
    if kind == "static_select":
        return _select(el, block_id, c)
    return ""


def _image(block: Block) -> str:
    """Pictures are linked, never loaded: the desk works offline and loads nothing remote."""
    url = str(block.get("image_url") or "")
    alt = escape(str(block.get("alt_text") or "picture"))
    if not SAFE_URL.match(url):
        return ""
    link = f'<a href="{escape(url)}" rel="noopener noreferrer" target="_blank">{alt}</a>'
    return f'<p class="image">🖼 {link}</p>'


def block_html(block: Block, c: Controls) -> str:
    kind, block_id = block.get("type"), str(block.get("block_id") or "")
    if kind == "section":
        accessory = _element(block.get("accessory"), block_id, c)
        return f'<div class="section">{_text(block.get("text"))}{accessory}</div>'
    if kind == "header":
        return f"<h3>{_text(block.get('text'))}</h3>"
    if kind == "context":
        inner = " ".join(str(_text(el)) for el in block.get("elements") or [])
        return f'<p class="context">{inner}</p>'
    if kind == "divider":
        return "<hr>"
    if kind == "image":
        return _image(block)
    if kind == "actions":
        inner = "".join(_element(el, block_id, c) for el in block.get("elements") or [])
        return f'<div class="actions">{inner}</div>'
    return ""


def blocks_html(
    blocks: list[Any], c: Controls, *, skip: Callable[[Block], bool] | None = None
) -> Markup:
    """A list of blocks as HTML (anything unknown is left out); `skip` drops blocks."""
    out = [block_html(b, c) for b in blocks if isinstance(b, Mapping) and not (skip and skip(b))]
    return Markup("".join(out))  # noqa: S704 - block_html escapes every value it takes
