"""Credits: the outlets and named sources an article credits, with the cue words and character span.

Every occurrence of a known outlet name is read in its sentence: the words around it decide whether
the article says it republished the outlet ("The original source of this article is RT",
"Source: RT", "By RT", "(Reuters) —"), relays a claim from it ("RIA Novosti reported",
"told RIA news agency", "according to Press TV"), uses its photo ("© REUTERS/ name"), or only
mentions it ("an interview for Rossiya channel", a video caption "RT Report from ...").
"""

import re
from dataclasses import dataclass, replace

from provenance.detect.outlets import OutletDirectory

SOURCE = "source"
REPUBLISHED_FROM = "republished_from"
PHOTO_CREDIT = "photo_credit"
MENTION = "mention"

ROLE_STRENGTH = {REPUBLISHED_FROM: 3, SOURCE: 2, PHOTO_CREDIT: 1, MENTION: 0}
ROLE_WORDS = {
    REPUBLISHED_FROM: "republished from",
    SOURCE: "source",
    PHOTO_CREDIT: "photo credit",
    MENTION: "mention",
}


@dataclass(frozen=True)
class Credit:
    outlet_id: int
    name: str  # as written
    cue: str
    role: str
    start: int
    end: int
    sentence: str = ""
    # The credit sits in text the article took from another outlet: it belongs upstream.
    inherited: bool = False


# Opening words (before the name) and what they make of it. Checked against the text of the
# same line before the name, so "Source:" on its own line and a byline "By" are both seen.
_LINK_OPEN = r"\[?\s*"
_BEFORE_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"(?:the\s+)?original\s+source\s+of\s+this\s+article\s+is\s*:?\s*" + _LINK_OPEN + r"$", re.I), REPUBLISHED_FROM),
    (re.compile(r"(?:originally\s+(?:published|appeared)|first\s+(?:published|appeared))\s+(?:by|in|on|at)\s+(?:the\s+)?" + _LINK_OPEN + r"$", re.I), REPUBLISHED_FROM),
    (re.compile(r"(?:republished|reprinted|reposted)\s+(?:from|with\s+permission\s+(?:of|from))\s+(?:the\s+)?" + _LINK_OPEN + r"$", re.I), REPUBLISHED_FROM),
    (re.compile(r"(?:^|\n)[ \t]*(?:source|sources|articles\s+by|courtesy\s+of|via)\s*:?\s*" + _LINK_OPEN + r"$", re.I), REPUBLISHED_FROM),
    (re.compile(r"(?:^|\n)[ \t]*by\s*:?\s+" + _LINK_OPEN + r"$", re.I), REPUBLISHED_FROM),
    (re.compile(r"copyright\s*(?:©|\(c\))?\s*(?:\d{4}\s*)?" + _LINK_OPEN + r"$", re.I), REPUBLISHED_FROM),
    (re.compile(r"(?:photo|image|picture|photograph)s?\s*(?::|by|credit:?)\s*" + _LINK_OPEN + r"$", re.I), PHOTO_CREDIT),
    (re.compile(r"(?:as\s+)?(?:cited|quoted)\s+by\s+(?:the\s+)?$", re.I), MENTION),
    (re.compile(r"interview\s+(?:for|with|to|on)\s+(?:the\s+)?$", re.I), MENTION),
    (re.compile(r"(?:according\s+to|told|citing|quoting|reported\s+by|reports\s+by|report\s+by)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,4}$", re.I), SOURCE),
    (re.compile(r"(?:^|\n)[^\n]{20,}\s[–—-]\s*$"), SOURCE),  # a headline ending "– Defense Ministry"
]
# Verbs after the name ("RIA Novosti reported", "Ria Novosti quoted a military source"): lower case only,
# so a caption "RT Report from ..." is not a credit.
_AFTER_SOURCE = re.compile(
    r"^\]?(?:\([^)]{0,40}\))?\s*(?:(?:has|had|also|earlier|later|on\s+\w+)\s+)?"
    r"(?:reported|reports|quoted|quotes|said|says|stated|states|announced|announces|cited|cites|"
    r"wrote|writes|confirmed|confirms|claimed|claims|revealed|informed|noted|added|learned|learnt)\b"
    r"|^\]?\s+(?:source|sources|correspondent)s?\s+(?:said|says|reported|told)\b"
)
_AFTER_PHOTO = re.compile(r"^\]?\s*/")
_BEFORE_PHOTO = re.compile(r"©\s*$")
# "(Reuters) —" or "The Levant News —" at the start of a paragraph: a dateline.
_AFTER_DATELINE = re.compile(r"^\]?\)?\s*[—–-]{1,2}\s+\S")
_BEFORE_DATELINE = re.compile(r"(?:^|\n)[ \t]*(?:[A-Z][\w.,' -]{0,40}\s*)?\(?$")
_SENTENCE_END = re.compile(r"[.!?…]['\"”’]?\s|\n")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = text.rfind("\n", 0, start) + 1
    for match in _SENTENCE_END.finditer(text, left, start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.start() + 1 if right_match else len(text)
    return left, min(right, len(text))


def _classify(text: str, start: int, end: int) -> tuple[str, str]:
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 120) : start]
    if line_start >= start - 120:
        before = "\n" + before
    after = text[end : end + 80]
    if _BEFORE_PHOTO.search(before) and _AFTER_PHOTO.match(after):
        return PHOTO_CREDIT, "© …/"
    if _AFTER_DATELINE.match(after) and _BEFORE_DATELINE.search(before):
        return REPUBLISHED_FROM, "dateline"
    for pattern, role in _BEFORE_RULES:
        match = pattern.search(before)
        if match:
            cue = re.sub(r"[\s\[]+", " ", match.group()).strip(" \n:")
            if len(cue) > 60:  # the headline rule matched the whole headline
                cue = "headline attribution"
            return role, cue or "—"
    match = _AFTER_SOURCE.match(after)
    if match:
        return SOURCE, re.sub(r"\s+", " ", match.group().strip(" ]"))
    return MENTION, ""


def find_credits(text: str, directory: OutletDirectory, *, own_outlet_id: int | None = None) -> list[Credit]:
    """The credits in a text, in order. The article's own outlet is never a credit of itself."""
    found: list[Credit] = []
    for match in directory.pattern.finditer(text):
        outlet_id = directory.resolve(match.group())
        if outlet_id is None or outlet_id == own_outlet_id:
            continue
        role, cue = _classify(text, match.start(), match.end())
        left, right = _sentence_bounds(text, match.start(), match.end())
        found.append(
            Credit(
                outlet_id=outlet_id,
                name=match.group(),
                cue=cue,
                role=role,
                start=match.start(),
                end=match.end(),
                sentence=text[left:right].strip()[:1000],
            )
        )
    return mark_inherited(found)


def mark_inherited(credits: list[Credit], copied_spans: list[tuple[int, int]] = ()) -> list[Credit]:
    """Source credits inside republished text belong to the outlet the text came from.

    An article that says it republished outlet U carries U's own credits ("told RIA news agency"):
    those are U's sources, not the article's. Likewise a credit inside a passage copied from another
    article of the corpus is that article's credit.
    """
    republished = any(c.role == REPUBLISHED_FROM for c in credits)
    marked = []
    for credit in credits:
        inside = any(start <= credit.start and credit.end <= end for start, end in copied_spans)
        inherited = credit.role == SOURCE and (republished or inside)
        marked.append(replace(credit, inherited=inherited) if inherited != credit.inherited else credit)
    return marked


def strongest_roles(credits: list[Credit]) -> dict[int, str]:
    """Each credited outlet with the strongest role it is credited in."""
    roles: dict[int, str] = {}
    for credit in credits:
        current = roles.get(credit.outlet_id)
        if current is None or ROLE_STRENGTH[credit.role] > ROLE_STRENGTH[current]:
            roles[credit.outlet_id] = credit.role
    return roles
