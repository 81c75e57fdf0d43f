"""The text engine on pages of the same kinds as the seeds, from other sites: rules, not file names."""

import random
from datetime import datetime, timezone

import pytest

from provenance.detect.outlets import OutletDirectory, OutletEntry
from provenance.extract import Limits, NameFinder, read_file, resolve_metadata
from provenance.extract.dates import find_dates
from provenance.extract.decode import decode, normalise_for_hash
from provenance.extract.scraped import parse_scraped
from provenance.extract.sniff import sniff
from provenance.extract.types import ExtractError
from provenance.extract.wire import looks_like_wire, parse_wire

FINDER = NameFinder(
    OutletDirectory(
        [
            OutletEntry(1, "Sputnik", ("Sputnik News",), ("sputniknews.com",)),
            OutletEntry(2, "Reuters", ("REUTERS",), ("reuters.com",)),
            OutletEntry(3, "Example Daily", (), ("exampledaily.net",)),
            OutletEntry(4, "AFP", ("Agence France-Presse",), ("afp.com",)),
            OutletEntry(5, "Truth Digest", (), ("truthdigest.org",)),
        ]
    )
)

SPUTNIK_LIKE = """14:05 GMT +225 March 2018
    Officials in the region have confirmed that the bridge will reopen to traffic next week after repairs

    Bridge Reopens After Months of Repairs, Officials Say

    © AFP 2018/ John Doe
    Europe
    Get short URL

    Officials in the region have confirmed that the bridge will reopen to traffic next week after repairs.

    The bridge, which carries more than 40,000 vehicles a day, was closed in November after engineers found cracks in two of its supports, the regional transport office said.

    Repairs cost about 12 million euros, according to the office, which said the work finished ahead of schedule.


    Minister Resigns Over Rail Tender Scandal
    New Tunnel Plans Unveiled for Northern Link
    bridge, traffic, repairs, Europe
    Community standardsDiscussion
    Comment via FacebookComment via Sputnik
    • avatar
      Finally some good news for commuters.
    Show new comments (0)
"""

WORDPRESS_LIKE = """Home / World / Harbour strike ends after three weeks of talks
03/02/2019 Dock workers gather at the main gate of the port on the last day of the strike, before talks resumed.

Harbour strike ends after three weeks of talks

Example Daily — Dock workers at the country's largest port returned to work on Saturday after unions and employers agreed a new pay deal, ending a three-week strike.
"We have a deal that our members can accept," a union spokesman told reporters at the port gate.

Watch the press conference
Watch the press conference

The strike had delayed hundreds of container ships and cost exporters millions, the chamber of commerce said.

Source: Reuters

Related

Port volumes reach record high

Leave a Reply

Your email address will not be published. Required fields are marked *
"""

REPUBLISHER_LIKE = """

Nine Charged Over Customs Fraud - Prosecutors

By [AFP](#)

Truth Digest, March 14, 2019

[AFP](#) 13 March 2019

Region: [Europe](#)

Prosecutors charged nine people on Wednesday with a customs fraud that cost the treasury an estimated 30 million euros over four years, a court official said.

Police arrested the nine at dawn raids in three cities, according to a statement from the prosecutor's office.

New footage of the raids <http://t.co/abc123> pic.twitter.com/xyz789

— AFP news agency (@AFP) [March 13, 2019](#)

The trial is expected to open in the autumn.

The original source of this article is [AFP](#)

Copyright © [AFP](#), [AFP](#), 2019

[Become a Member of Truth Digest](#)

Disclaimer: The contents of this article are of sole responsibility of the author(s).

www.truthdigest.org contains copyrighted material
"""


def _read(text: str):
    [document] = list(read_file(text.encode(), "page.txt", finder=FINDER))
    return resolve_metadata(document, finder=FINDER)


def test_it_reads_a_sputnik_style_page_from_another_story():
    document = _read(SPUTNIK_LIKE)
    assert document.title == "Bridge Reopens After Months of Repairs, Officials Say"
    assert document.published_at == datetime(2018, 3, 25, 12, 5, tzinfo=timezone.utc)
    assert document.text.startswith("© AFP 2018/ John Doe")
    assert document.text.rstrip().endswith("which said the work finished ahead of schedule.")
    for furniture in ("Minister Resigns", "bridge, traffic", "Community standards", "commuters", "Get short URL"):
        assert furniture not in document.text
    assert document.outlet_name == "Sputnik"
    # AFP is credited for the photo, so it is never taken for the page's own outlet.
    assert "AFP" in document.credited_names


def test_it_reads_a_wordpress_style_page():
    document = _read(WORDPRESS_LIKE)
    assert document.title == "Harbour strike ends after three weeks of talks"
    assert document.published_at.date().isoformat() == "2019-03-02"
    assert document.text.startswith("Example Daily — Dock workers")
    assert document.text.rstrip().endswith("Source: Reuters")
    assert "Watch the press conference" not in document.text
    assert "Port volumes" not in document.text and "Leave a Reply" not in document.text
    assert document.outlet_name == "Example Daily"
    assert document.fields["outlet"].source == "text"


def test_it_reads_a_republisher_page_and_keeps_the_original_source_line():
    document = _read(REPUBLISHER_LIKE)
    assert document.title == "Nine Charged Over Customs Fraud - Prosecutors"
    assert document.published_at.date().isoformat() == "2019-03-14"
    assert document.byline == "AFP"
    assert document.outlet_name == "Truth Digest"
    assert "pic.twitter.com" not in document.text and "New footage of the raids" not in document.text
    assert "The trial is expected to open in the autumn." in document.text
    assert document.text.rstrip().endswith("The original source of this article is AFP")
    assert "Disclaimer" not in document.text and "Become a Member" not in document.text


def test_it_does_not_take_a_body_mention_for_the_outlet():
    text = (
        "Talks Resume in Geneva\n\nDiplomats met again on Monday to discuss the ceasefire, "
        "Reuters reported, citing two officials who asked not to be named.\n\nNo date was set for a second round.\n"
    )
    document = _read(text)
    assert document.outlet_name == ""
    assert document.needs_review


def test_it_reads_press_association_copy():
    raw = (
        "  ----------------------------------------------------------------\n\n"
        "  ----------------------------------------------------------------\n\n"
        "                14:05 03/09/99: Page 1 (HHH) SHOWBIZ Gala\n"
        "  ----------------------------------------------------------------\n"
        "(with pix)<\n"
        "STARS TURN OUT FOR ``GALA OF THE YEAR''<\n"
        "\x19By Jane Smith, PA News<\n"
        "\x19Hundreds of stars arrived at the gala tonight, which organisers called ``the\n"
        "night of the year''.<\n"
        "\x19Tickets cost #250 each _ a record for the event.<\n"
        "\x19end\n"
    )
    assert looks_like_wire(raw)
    story = parse_wire(raw)
    assert story.title == 'STARS TURN OUT FOR "GALA OF THE YEAR"'
    assert story.byline == "Jane Smith, PA News"
    assert story.body == (
        'Hundreds of stars arrived at the gala tonight, which organisers called "the night of the year".'
        "\n\nTickets cost £250 each - a record for the event."
    )
    assert story.published_at.isoformat() == "1999-09-03T14:05:00+01:00"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("07:21 GMT +327 February 2017", "2017-02-27T04:21:00+00:00"),
        ("Global Research, October 06, 2015", "2015-10-06T12:00:00+00:00"),
        ("Fri Oct 23, 2015 13:26:08", "2015-10-23T13:26:08+00:00"),
        ("10/15/2015 caption", "2015-10-15T12:00:00+00:00"),
        ("Published 2015-10-15T10:20:00+03:00", "2015-10-15T07:20:00+00:00"),
        ("5 October 2015", "2015-10-05T12:00:00+00:00"),
    ],
)
def test_it_reads_dates_as_pages_write_them(text, expected):
    assert find_dates(text)[0].value.isoformat() == expected


def test_it_decodes_legacy_encodings_and_repairs_sure_mojibake():
    assert decode("Café à la carte – «bon»".encode("cp1252")) == "Café à la carte – «bon»"
    assert decode("It\u00e2\u20ac\u2122s fine".encode("utf-8")) == "It’s fine"
    # Text that merely contains accented capitals is left alone.
    assert decode("ÂGE et Ãtre".encode("utf-8")) == "ÂGE et Ãtre"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"some text\x00with a NUL", "NUL"),
        (bytes(range(256)) * 40, "NUL"),
        (random.Random(1).randbytes(4000).replace(b"\x00", b"\x01"), "not text"),
    ],
)
def test_it_refuses_what_is_not_text(data, reason):
    with pytest.raises(ExtractError, match=reason):
        decode(data)


def test_it_hashes_copies_that_differ_only_in_invisible_characters_alike():
    one = "Militants fled\u00a0the city.\n\nThe army advanced."
    two = "Militants\u200b fled the city.  The army\u202e advanced."
    assert normalise_for_hash(one) == normalise_for_hash(two)


def test_it_sniffs_the_bytes_not_the_name():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert sniff(png) == "refused" and "PNG" in sniff(png).label
    [error] = list(read_file(png, "article.txt", limits=Limits()))
    assert isinstance(error, ExtractError)
    assert "PNG image" in error.reason and ".txt" in error.reason
    assert sniff(b"<!DOCTYPE html><html><body><p>x</p></body></html>") == "html"
    assert sniff(b'{"text": "a"}\n{"text": "b"}\n') == "jsonl"
    assert sniff(b'{\n  "articles": []\n}\n') == "refused"
    assert sniff(b"[The Times] reported the story first, on page one.") == "text"


def test_it_finds_the_title_of_a_plain_article_without_a_header():
    page = parse_scraped("SHORT piece about a singer who is doing well and will tour the country next year?\n")
    assert page.body.startswith("SHORT piece")
    assert page.title.startswith("SHORT piece") and page.title_confidence < 0.5


def test_it_rejoins_hard_wrapped_text_into_paragraphs():
    paragraph = (
        "Television presenter Noel Edmonds said today he was quitting the BBC because he found the "
        "programmes too boring, after thirty years with the corporation and a string of hit shows."
    )
    second = (
        "His spokesman said he did not rule out a television comeback if the right offer came along, "
        "and that the decision had been made some months ago."
    )
    import textwrap

    text = "Edmonds Quits The BBC\n\n" + textwrap.fill(paragraph, 72) + "\n\n" + textwrap.fill(second, 72) + "\n"
    document = _read(text)
    assert document.title == "Edmonds Quits The BBC"
    assert document.text == paragraph + "\n\n" + second


def test_it_takes_each_field_from_the_strongest_source_present():
    from provenance.extract import Document, Given, Sourced

    def page(**fields):
        document = Document(text="Body text of the article, long enough.", raw_text="", outlet_signals=[("Truth Digest", 0.6, "dateline")])
        document.fields.update(fields)
        document.date_uncertainty_hours = 0.0 if "published_at" in fields else None
        return document

    site = Sourced("Example Daily", "metadata", 0.7)
    stamp = Sourced(datetime(2019, 3, 2, 9, 30, tzinfo=timezone.utc), "metadata", 0.7)
    url = "https://www.reuters.com/world/2019/03/01/story"
    manifest = Given(outlet="AFP", published_at=datetime(2019, 3, 2, 12, tzinfo=timezone.utc), date_uncertainty_hours=12.0)

    document = resolve_metadata(page(outlet=site, published_at=stamp), manifest=manifest, analyst=Given(url=url, source="analyst"), finder=FINDER)
    assert (document.outlet_name, document.fields["outlet"].source) == ("AFP", "manifest")
    # The manifest's day, refined by the page's time on that day.
    assert document.published_at == stamp.value and document.fields["published_at"].source == "manifest"
    assert document.url == url and document.fields["url"].source == "analyst"

    document = resolve_metadata(page(outlet=site, published_at=stamp), analyst=Given(url=url, source="analyst"), finder=FINDER)
    assert (document.outlet_name, document.fields["outlet"].source) == ("Reuters", "url")
    assert document.published_at.date().isoformat() == "2019-03-01" and document.fields["published_at"].source == "url"

    document = resolve_metadata(page(outlet=site, published_at=stamp), finder=FINDER)
    assert (document.outlet_name, document.fields["outlet"].source) == ("Example Daily", "metadata")
    document = resolve_metadata(page(), finder=FINDER)
    assert (document.outlet_name, document.fields["outlet"].source) == ("Truth Digest", "text")
    assert document.published_at is None and "published_at" not in document.fields and document.needs_review


def test_it_does_not_cut_an_article_at_prose_that_starts_like_furniture():
    text = (
        "Court Rules On Music Copyright\n\n"
        "The court ruled on Tuesday that the songwriter's estate owns the melody, overturning an earlier decision.\n\n"
        "Copyright lawyers said the ruling would change how sampling is licensed across the industry for years to come, "
        "and several labels said they would review their catalogues.\n\n"
        "3 comments from the bench were read out at the hearing, each criticising the lower court's reasoning at length.\n\n"
        "The estate's lawyers welcomed the decision.\n\n"
        "Leave a Reply\n\nYour email address will not be published.\n"
    )
    document = _read(text)
    assert document.text.rstrip().endswith("The estate's lawyers welcomed the decision.")
    assert "Copyright lawyers said" in document.text and "3 comments from the bench" in document.text


JETPACK_LIKE = """Home » Politics » Minister quits over tender scandal
Minister quits over tender scandal
Published: 12 March 2019 14:05 GMT
By John Smith
The transport minister resigned on Tuesday after an inquiry found he had steered a rail tender to a company owned by a friend, the prime minister's office said.
The inquiry report, published on Monday, said the minister had met the company's owner several times before the tender was announced.
Opposition parties had called for his resignation for weeks.
Share this:
Twitter
Facebook
Like this:
Like Loading...
Related
"""

SUBHEADED = """Flood Waters Recede in the North

March 3, 2019

Flood waters began to recede across the north on Sunday as rain eased, allowing thousands of residents to return home, the emergency service said.

What happens next

Officials said the clean-up would take weeks and that damaged roads would be repaired first.

Insurers estimated the losses at 200 million euros.

Tags: floods, weather, north

You might also like
Storm Warning Issued for Coast
"""


def test_it_reads_a_blog_page_with_share_buttons_and_a_byline():
    document = _read(JETPACK_LIKE)
    assert document.title == "Minister quits over tender scandal"
    assert document.published_at == datetime(2019, 3, 12, 14, 5, tzinfo=timezone.utc)
    assert document.byline == "John Smith"
    assert document.text.startswith("The transport minister resigned")
    assert document.text.rstrip().endswith("Opposition parties had called for his resignation for weeks.")
    assert "Share this" not in document.text and "Like Loading" not in document.text


def test_it_keeps_subheadings_inside_the_article_and_drops_tags_and_teasers():
    document = _read(SUBHEADED)
    assert document.title == "Flood Waters Recede in the North"
    assert "What happens next" in document.text
    assert document.text.rstrip().endswith("Insurers estimated the losses at 200 million euros.")
    assert "Tags:" not in document.text and "Storm Warning" not in document.text


_PAGE_BODY = "<p>" + "The ministry said the convoy left the city at dawn, witnesses told reporters. " * 12 + "</p>"


@pytest.mark.parametrize(("meta", "expected", "uncertainty"), [
    # A time with its zone is kept to the minute (who copied whom on one day depends on it).
    ('<meta property="article:published_time" content="2017-10-31T14:12:00+03:00">',
     datetime(2017, 10, 31, 11, 12, tzinfo=timezone.utc), 0.5),
    # A day alone means the whole day: noon, ± 12 h.
    ('<meta property="article:published_time" content="2017-10-31">',
     datetime(2017, 10, 31, 12, 0, tzinfo=timezone.utc), 12.0),
    # A time without a zone could be in any zone.
    ('<meta property="article:published_time" content="2017-10-31T08:30:00">',
     datetime(2017, 10, 31, 8, 30, tzinfo=timezone.utc), 14.0),
])
def test_it_keeps_a_pages_publication_time_as_precisely_as_the_page_gives_it(meta, expected, uncertainty):
    html = f"<html><head><title>Convoy</title>{meta}</head><body><article>{_PAGE_BODY}</article></body></html>"
    [document] = read_file(html.encode(), "convoy.html", limits=Limits())
    assert document.published_at == expected
    assert document.date_uncertainty_hours == uncertainty
