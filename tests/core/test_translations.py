"""Every string a client or a family member sees is translatable, and the Spanish catalogue
translates all of them (issue 18).

The scan reads each client-facing template (listed below by pattern) with Django's template lexer:
text outside `{% translate %}` / `{% blocktranslate %}` that has a letter in it fails, as does a
title, alt, placeholder or aria-label attribute written out in letters. A new client page is
covered by its name (`my_*.html`, `mine.html`, `_home_section.html`, `_help_action.html`,
messages) or is added to CLIENT_FACING; ALLOWED lists the few words that are the same in every
language.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

import recoverypath
from recoverypath.core.translations import LOCALE_DIR

PACKAGE = Path(recoverypath.__file__).resolve().parent

# Templates a client or family member sees, as glob patterns under src/recoverypath.
CLIENT_FACING = [
    # the shared layout, error pages and form partials
    "templates/*.html",
    "templates/includes/*.html",
    # signing in, invitations, the person's own security pages
    "accounts/templates/accounts/login*.html",
    "accounts/templates/accounts/locked_out.html",
    "accounts/templates/accounts/password_*.html",
    "accounts/templates/accounts/invitations/*.html",
    "accounts/templates/accounts/security.html",
    "accounts/templates/accounts/two_factor.html",
    "accounts/templates/accounts/two_factor_enrol.html",
    "accounts/templates/accounts/recovery_codes.html",
    # the client's own pages and the sections of their home page, by name
    "*/templates/*/my_*.html",
    "*/templates/*/mine.html",
    "*/templates/*/_home_section.html",
    "*/templates/*/_help_action.html",
    "clients/templates/clients/me.html",
    "clients/templates/clients/no_access.html",
    "clients/templates/clients/contact_form.html",
    "aftercare/templates/aftercare/support.html",
    "alumni/templates/alumni/community.html",
    "assessments/templates/assessments/fill.html",
    "assessments/templates/assessments/_chart.html",
    "incentives/templates/incentives/_awards.html",
    "interop/templates/interop/calendar_settings.html",
    "monitoring/templates/monitoring/_support_now.html",
    "monitoring/templates/monitoring/check_in*.html",
    "monitoring/templates/monitoring/history.html",
    "monitoring/templates/monitoring/lapse.html",
    "monitoring/templates/monitoring/meetings.html",
    "notifications/templates/notifications/list.html",
    "notifications/templates/notifications/preferences.html",
    "safety/templates/safety/_crisis_resources.html",
    "safety/templates/safety/_help_button.html",
    "safety/templates/safety/_plan_sections.html",
    "safety/templates/safety/help.html",
    # family pages and what they download
    "consent/templates/consent/family_*.html",
    "consent/templates/consent/family_*.txt",
    "consent/templates/consent/notices/*.txt",
    # PDFs the client receives
    "interop/templates/interop/record_pdf.html",
    "safety/templates/safety/plan_print.html",
    # messages (SMS, e-mail, in-app)
    "*/templates/notifications/messages/*/*.txt",
    "notifications/channels/*/messages/*/*.txt",
]
# Words that are the same in every language: the product, crisis lines' keywords, acronyms.
ALLOWED = {"RecoveryPath", "HOME", "FHIR", "MRN", "PDF", "JSON", "AA", "NA"}
# Attributes whose text is read out or shown (data-confirm: the question app.js asks).
SHOWN_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "data-confirm")

_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_LETTER = re.compile(r"[^\W\d_]")
_ATTRIBUTE = re.compile(
    r"\b(" + "|".join(SHOWN_ATTRIBUTES) + r")\s*=\s*(\"([^\"]*)\"|'([^']*)')", re.IGNORECASE
)
_SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
    "verbatim": "endverbatim",
}
_DYNAMIC = "\x00"  # where a template tag or variable sat inside an HTML tag


def client_facing_templates() -> list[Path]:
    found = {path for pattern in CLIENT_FACING for path in PACKAGE.glob(pattern)}
    return sorted(found)


def _has_words(text: str) -> bool:
    text = _ENTITY.sub(" ", text.replace(_DYNAMIC, " "))
    words = [w for w in re.split(r"[^\w]+", text) if w and w not in ALLOWED]
    return any(_LETTER.search(w) for w in words)


class _HtmlText:
    """Feeds the lexer's text tokens through a small HTML reader that keeps its state across
    tokens (a tag may hold template tags), collecting the text between tags and the shown
    attributes' values, each with the line it started on."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.text: list[str] = []
        self.text_line = 0
        self.tag: list[str] | None = None
        self.tag_line = 0
        self.quote = ""
        self.raw_until = ""  # inside <script>, <style> or <!-- -->: skip to this

    def flush_text(self) -> None:
        text = "".join(self.text)
        if _has_words(text):
            self.found.append((self.text_line, " ".join(text.split())))
        self.text = []

    def opaque(self) -> None:
        """A template tag or variable: inside an HTML tag it is dynamic, outside it ends a run."""
        if self.raw_until:
            return
        if self.tag is not None:
            self.tag.append(_DYNAMIC)
        else:
            self.flush_text()

    def feed(self, text: str, line: int) -> None:
        i = 0
        while i < len(text):
            char = text[i]
            if self.raw_until:
                end = text.find(self.raw_until, i)
                if end < 0:
                    return
                i = end + len(self.raw_until)
                self.raw_until = ""
                continue
            if self.tag is not None:
                self.tag.append(char)
                if self.quote:
                    if char == self.quote:
                        self.quote = ""
                elif char in "\"'":
                    self.quote = char
                elif char == ">":
                    self.end_tag()
                i += 1
                continue
            if text.startswith("<!--", i):
                self.flush_text()
                self.raw_until = "-->"
                i += 4
                continue
            if char == "<" and re.match(r"[A-Za-z/!]", text[i + 1 : i + 2]):
                self.flush_text()
                self.tag = [char]
                self.tag_line = line + text.count("\n", 0, i)
                i += 1
                continue
            if not self.text:
                self.text_line = line + text.count("\n", 0, i)
            self.text.append(char)
            i += 1

    def end_tag(self) -> None:
        tag = "".join(self.tag or [])
        self.tag = None
        for match in _ATTRIBUTE.finditer(tag):
            value = match.group(3) if match.group(3) is not None else match.group(4)
            if _has_words(value):
                self.found.append((self.tag_line, f"{match.group(1)}={value!r}"))
        name = re.match(r"<\s*(script|style)\b", tag, re.IGNORECASE)
        if name and not tag.endswith("/>"):
            self.raw_until = f"</{name.group(1).lower()}>"


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of every piece of text in `source` that is shown untranslated."""
    reader = _HtmlText()
    closing: list[str] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            word = token.contents.split()[0] if token.contents.split() else ""
            if closing:
                if word == closing[-1]:
                    closing.pop()
                continue
            if word in _SKIPPED_BLOCKS:
                reader.opaque()
                closing.append(_SKIPPED_BLOCKS[word])
                continue
            if word == "block" and token.contents.split()[-1].endswith("class"):
                closing.append("endblock")  # a CSS class name (`{% block main_class %}`)
                continue
            reader.opaque()
        elif closing or token.token_type == TokenType.COMMENT:
            continue
        elif token.token_type == TokenType.VAR:
            reader.opaque()
        else:
            reader.feed(token.contents, token.lineno)
    reader.flush_text()
    return reader.found


def test_the_scan_finds_untranslated_text_and_attributes():
    source = (
        "{% load i18n %}<p>{% translate 'Fine' %}</p>\n"
        '<p title="Read aloud">{{ count }} days left</p>\n'
        "{% blocktranslate %}Also fine {{ x }}{% endblocktranslate %}<script>var a = 'ok';</script>"
        '<img alt="{% translate "Fine" %}"> RecoveryPath · 988'
    )
    assert untranslated_text(source) == [(2, "title='Read aloud'"), (2, "days left")]


def test_client_facing_templates_are_found():
    names = {path.relative_to(PACKAGE).as_posix() for path in client_facing_templates()}
    assert "clients/templates/clients/me.html" in names
    assert "safety/templates/safety/my_plan.html" in names
    assert "notifications/channels/sms/messages/default/body.txt" in names
    assert len(names) > 60


def test_client_facing_templates_have_no_untranslated_text():
    problems = [
        f"{path.relative_to(PACKAGE)}:{line}: {text[:80]!r}"
        for path in client_facing_templates()
        for line, text in untranslated_text(path.read_text())
    ]
    assert not problems, (
        "Text a client or family member sees must be wrapped in {% translate %} or "
        "{% blocktranslate %} (and translated in locale/es/LC_MESSAGES/django.po, `make messages`):"
        "\n" + "\n".join(problems)
    )


def _msgids(source: str) -> set[str | tuple[str, str]]:
    """The msgids of a template, as makemessages sees them (templatize, then the gettext calls)."""
    found: set[str | tuple[str, str]] = set()
    code = templatize(source)
    for call in re.finditer(r"\b(n?)gettext\(", code):
        tree = _call_at(code, call.end())
        strings = [arg.value for arg in tree.args if isinstance(arg, ast.Constant)]
        if call.group(1):
            found.add((strings[0], strings[1]))
        elif strings:
            found.add(strings[0])
    return found


def _call_at(code: str, start: int) -> ast.Call:
    """Parse the call whose arguments start at `start`, growing the slice to the closing
    parenthesis (a string argument may itself hold parentheses)."""
    end = start
    while True:
        end = code.index(")", end) + 1
        try:
            expression = ast.parse("f(" + code[start:end], mode="eval").body
        except SyntaxError:
            continue
        assert isinstance(expression, ast.Call)
        return expression


@pytest.fixture(scope="module")
def spanish() -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"))


def test_the_spanish_catalogue_translates_every_client_facing_string(spanish):
    entries = {
        (e.msgid, e.msgid_plural) if e.msgid_plural else e.msgid: e
        for e in spanish
        if not e.obsolete
    }
    problems = []
    for path in client_facing_templates():
        for msgid in sorted(_msgids(path.read_text()), key=str):
            entry = entries.get(msgid)
            where = f"{path.relative_to(PACKAGE)}: {msgid!r}"
            if entry is None:
                problems.append(f"{where} is not in the catalogue (run `make messages`)")
            elif entry.fuzzy:
                problems.append(f"{where} is fuzzy")
            elif not (entry.msgstr or all(entry.msgstr_plural.values())):
                problems.append(f"{where} has no Spanish")
    assert not problems, "\n".join(problems)


def test_every_spanish_entry_is_translated_and_keeps_its_placeholders(spanish):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    problems = []
    for entry in spanish:
        if entry.obsolete:
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy or not all(translations):
            problems.append(f"untranslated or fuzzy: {entry.msgid!r}")
        for index, text in enumerate(translations):
            # Spanish form 0 is the singular ("Once a week"), form 1 the plural ("%(count)d times")
            source = entry.msgid_plural if entry.msgid_plural and index > 0 else entry.msgid
            wanted = sorted(placeholder.findall(source))
            if text and sorted(placeholder.findall(text)) != wanted:
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)
