"""Block Kit drawn as HTML for the local desk: as Slack shows it, and escaped everywhere."""

from __future__ import annotations

from bot import blocks as bk
from bot import ids
from bot.blockkit_html import Controls, blocks_html
from bot.fmt import MRKDWN, escape_mrkdwn, section
from bot.mrkdwn_html import mrkdwn
from bot.notes import note_blocks
from consent.notes import InboundNote

C = Controls("/local/desk/act", "tok.en", get_action="/local/desk", get_fields={"f": "status"})


def test_what_people_typed_is_shown_as_text_never_as_markup() -> None:
    typed = '<script>alert("x")</script> & <!channel> <https://evil.example|click>'
    drawn = str(mrkdwn(escape_mrkdwn(typed)))
    assert "<script>" not in drawn and ">click</a>" not in drawn  # a typed URL shows as typed
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;!channel&gt;" in drawn


def test_slack_styles_quotes_links_and_dates_are_drawn() -> None:
    text = "*Ann* _said_ ~no~ `code`\n>first\n>second\n<https://a.example/x?a=1&amp;b=2|the link>"
    drawn = str(mrkdwn(text + " <!date^1700000000^{date_num}|fallback>"))
    assert "<strong>Ann</strong> <em>said</em> <s>no</s> <code>code</code>" in drawn
    assert "<blockquote>first<br>second</blockquote>" in drawn
    assert 'href="https://a.example/x?a=1&amp;b=2"' in drawn and ">the link</a>" in drawn
    assert '<time datetime="2023-11-14T22:13:20+00:00">2023-11-14 22:13 UTC</time>' in drawn


def test_only_web_and_mail_links_become_links() -> None:
    assert "<a " not in str(mrkdwn("<javascript:alert(1)|x>"))
    bare = str(mrkdwn("open https://x.example/q/abc_def. then"))
    assert '<a href="https://x.example/q/abc_def"' in bare and "abc_def</a>. then" in bare


def test_buttons_post_with_the_csrf_token_and_keep_their_confirmation() -> None:
    confirm = bk.opt_out_confirm(MRKDWN.b(MRKDWN.esc("Ann <b>")))
    block = bk.actions(
        "note:7:1",
        bk.button("Opt out", ids.OPT_OUT, "7", style="danger", confirm=confirm),
        bk.button("Page 2", "f", "2"),
    )
    drawn = str(blocks_html([block], C))
    assert '<form class="act" method="post" action="/local/desk/act"' in drawn
    assert 'name="csrf" value="tok.en"' in drawn
    assert 'name="action_id" value="contact_opt_out"' in drawn
    assert 'data-confirm-title="Opt out?"' in drawn
    assert "Ann &amp;lt;b&amp;gt;" in drawn  # escaped once as text, once more as an attribute
    assert '<form class="look" method="get" action="/local/desk">' in drawn
    assert 'name="status" value="2"' in drawn


def test_a_picture_from_the_client_is_linked_not_loaded() -> None:
    note = InboundNote(
        3, "Ann", "+14155550100", "look", media=("https://m.example/1.jpg",),
        media_types=("image/jpeg",), message_id=9,
    )  # fmt: skip
    drawn = str(blocks_html(note_blocks(note, top_level=False), C))
    assert "<img" not in drawn
    assert 'href="https://m.example/1.jpg"' in drawn and "picture 1 from the client" in drawn


def test_unknown_blocks_and_elements_are_left_out() -> None:
    drawn = str(blocks_html([{"type": "rich_text"}, section("hi"), "junk"], C))
    assert drawn == '<div class="section">hi</div>'
