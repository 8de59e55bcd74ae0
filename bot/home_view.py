"""The App Home tab (SMS Subscription Status) as a Block Kit view. Pure."""

from __future__ import annotations

import json
from typing import Any

from bot import blocks as bk
from bot import ids
from bot.fmt import MRKDWN, clip, plain, section
from bot.render import count_pairs
from bot.render_contact import language_part, status_word
from consent.model import Project
from consent.phones import display_phone
from consent.records import Direction
from consent.services.home import FILTERS, MAX_SEARCH, HomeFilter, HomePage, HomeRow

TITLE = "SMS Subscription Status"
ALL = ""  # the option value for "no filter"
LAST_CHARS = 120


def filter_metadata(wanted: HomeFilter) -> str:
    meta = {"s": wanted.status, "p": wanted.project_id, "n": wanted.page, "q": wanted.search}
    return json.dumps(meta)


MAX_PAGE = 100_000


def _small(value: object, limit: int) -> int | None:
    """A non-negative int that a query can take (metadata is only as honest as its sender)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit:
        return value
    return None


def filter_from_metadata(raw: str | None) -> HomeFilter:
    """The filter a published view carries; anything unreadable means no filter."""
    try:
        data = json.loads(raw or "{}")
        status = data.get("s") if data.get("s") in FILTERS else None
        project = _small(data.get("p"), 2**62)
        page = _small(data.get("n"), MAX_PAGE) or 0
        search = data.get("q") if isinstance(data.get("q"), str) else None
        return HomeFilter(status, project, page, clean_search(search))
    except (ValueError, AttributeError, TypeError):  # TypeError: not text, or a list as "s"
        return HomeFilter()


def clean_search(text: str | None) -> str | None:
    """What the search box holds, as a search: spaces collapsed, at most MAX_SEARCH."""
    cleaned = " ".join((text or "").split())[:MAX_SEARCH]
    return cleaned or None


def _search_box(wanted: HomeFilter) -> list[bk.Block]:
    """An input that dispatches on Enter (Home tabs take input blocks that dispatch)."""
    element: bk.Block = {
        "type": "plain_text_input",
        "action_id": ids.HOME_SEARCH,
        "placeholder": plain("Name, email or phone (the start of a name will do)"),
        "max_length": MAX_SEARCH,
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
    }
    if wanted.search:
        element["initial_value"] = wanted.search
    box: bk.Block = {
        "type": "input",
        "block_id": "home_search",
        "dispatch_action": True,
        "optional": True,
        "label": plain("Search contacts"),
        "element": element,
    }
    if not wanted.search:
        return [box]
    clear = bk.button("Clear search", ids.HOME_SEARCH, "clear")
    return [box, bk.actions("home_search_clear", clear)]


def _status_select(wanted: HomeFilter) -> bk.Block:
    options = [bk.option("All statuses", ALL)] + [bk.option(s, s) for s in FILTERS]
    initial = next((o for o in options if o["value"] == (wanted.status or ALL)), None)
    return bk.static_select(ids.HOME_STATUS, "Status", options, initial)


def _project_select(wanted: HomeFilter, projects: list[Project]) -> bk.Block:
    options = [bk.option("All projects", ALL)]
    options += [bk.option(p.name, str(p.id)) for p in projects[: bk.MAX_OPTIONS - 1]]
    chosen = str(wanted.project_id) if wanted.project_id is not None else ALL
    initial = next((o for o in options if o["value"] == chosen), None)
    return bk.static_select(ids.HOME_PROJECT, "Project", options, initial)


def move_select(row: HomeRow, projects: list[Project]) -> bk.Block:
    cid = row.contact.id
    options = [bk.option("No project", f"{cid}:")]
    options += [bk.option(p.name, f"{cid}:{p.id}") for p in projects[: bk.MAX_OPTIONS - 1]]
    chosen = f"{cid}:{row.contact.project_id or ''}"
    initial = next((o for o in options if o["value"] == chosen), None)
    return bk.static_select(ids.MOVE, "Move to project", options, initial)


def row_text(row: HomeRow) -> str:
    f = MRKDWN
    head = [f.b(f.esc(clip(row.contact.name, 100)))]
    head.append(f"project {f.esc(row.project)}" if row.project else "no project")
    head.append(language_part(row.contact.language))
    if row.pending:
        head.append(f.b("pending"))
    lines = [" · ".join(head)]
    numbers = [f"{f.esc(display_phone(n.e164))}: {status_word(n)}" for n in row.numbers[:5]]
    lines.append(" · ".join(numbers) if numbers else "No number yet")
    if row.last is not None:
        arrow = "←" if row.last.direction is Direction.INBOUND else "→"
        body = f.esc(clip(row.last.body, LAST_CHARS)) or "(no text)"
        lines.append(f"{arrow} {f.when(row.last.created_at)} “{body}”")
    return "\n".join(lines)


def _nav(page: HomePage) -> bk.Block | None:
    buttons = []
    if page.filter.page > 0:
        buttons.append(bk.button("Previous", ids.HOME_PAGE, str(page.filter.page - 1)))
    if page.has_next:
        buttons.append(bk.button("Next", ids.HOME_PAGE, str(page.filter.page + 1)))
    return bk.actions("home_nav", *buttons) if buttons else None


def _summary(page: HomePage) -> str:
    if page.rows:
        return (
            f"Page {page.filter.page + 1}: {len(page.rows)} shown · "
            f"{page.contacts} contacts on file"
        )
    if page.contacts:
        return "No contacts match this filter on this page."
    return "No contacts yet: issue a questionnaire link with /sms link &lt;name&gt;."


def home_view(page: HomePage, notice: str | None = None) -> dict[str, Any]:
    """The whole tab: counts, filters, one page of contacts with buttons, paging."""
    blocks: list[bk.Block] = [bk.header(TITLE)]
    if notice:
        blocks.append(bk.context(notice))
    counts = "   ".join(f"{MRKDWN.b(k + ':')} {v}" for k, v in count_pairs(page.counts))
    blocks.append(section(counts))
    blocks.extend(_search_box(page.filter))
    blocks.append(
        bk.actions(
            "home_filters", _status_select(page.filter), _project_select(page.filter, page.projects)
        )
    )
    blocks.append(bk.context(_summary(page)))
    blocks.append(bk.divider())
    for row in page.rows:
        name = MRKDWN.b(MRKDWN.esc(clip(row.contact.name, 100)))
        blocks.append(section(row_text(row)))
        blocks.append(
            bk.contact_buttons(row.contact.id, name, move_select=move_select(row, page.projects))
        )
    nav = _nav(page)
    if nav is not None:
        blocks.append(nav)
    return {
        "type": "home",
        "callback_id": "home",
        "private_metadata": filter_metadata(page.filter),
        "blocks": blocks[:100],
    }
