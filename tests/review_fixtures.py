"""Realistic review data for the review UI tests: a RIA Novosti → RT → Global Research chain."""

from datetime import UTC, datetime

from provenance.corpus.models import Credit
from tests.factories import ArticleFactory, LinkFactory, OutletFactory, make_chain

RT_TEXT = (
    "An estimated 3,000 Islamic State fighters have fled Syria for Jordan, a military official "
    "has told RIA Novosti.\n\n"
    "In Deir ez-Zor, 160 militants were killed in an army assault that aimed at driving extremists away."
)
GR_TEXT = (
    "By RT\n\n"
    "An estimated 3,000 Islamic State fighters have fled Syria for Jordan, a military official "
    "has told RIA news agency.\n\n"
    "In Deir ez-Zor, 170 militants were killed in an army assault that aimed at driving extremists away.\n\n"
    "Originally published by RT."
)


def build_chain():
    """RIA Novosti (outlet) → RT article → Global Research article, with evidence as detection stores it."""
    ria = OutletFactory(name="RIA Novosti", slug="ria-novosti", aliases=["RIA"], kind="wire")
    rt = OutletFactory(name="RT", slug="rt", aliases=["Russia Today"], kind="state_media")
    gr = OutletFactory(name="Global Research", slug="global-research", kind="blog")
    rt_article = ArticleFactory(
        outlet=rt, title="3,000 militants flee Syria - RIA source", text=RT_TEXT,
        published_at=datetime(2015, 10, 5, 9, 0, tzinfo=UTC),
    )
    gr_article = ArticleFactory(
        outlet=gr, title="3,000 Terrorists Leave Syria Following Russian Airstrikes", text=GR_TEXT,
        published_at=datetime(2015, 10, 6, 12, 0, tzinfo=UTC),
        field_sources={"title": {"source": "text", "confidence": 0.8}, "outlet": {"source": "manifest", "confidence": 1.0}},
    )
    ria_start = RT_TEXT.index("RIA Novosti")
    Credit.objects.create(article=rt_article, outlet=ria, name="RIA Novosti", cue="has told", role="source",
                          start=ria_start, end=ria_start + len("RIA Novosti"))
    rt_start = GR_TEXT.index("RT.")
    Credit.objects.create(article=gr_article, outlet=rt, name="RT", cue="Originally published by",
                          role="republished_from", start=rt_start, end=rt_start + 2)
    first = LinkFactory(
        source_article=None, source_outlet=ria, target=rt_article, kind="attribution", score=0.8,
        reasons=["RT credits RIA Novosti as its source"],
        evidence={"credits": [{"name": "RIA Novosti", "cue": "has told", "role": "source", "outlet_id": ria.pk,
                               "start": ria_start, "end": ria_start + 11, "side": "target"}]},
    )
    s_end = len(RT_TEXT)
    t_start = GR_TEXT.index("An estimated")
    t_end = GR_TEXT.index("\n\nOriginally")
    second = LinkFactory(
        source_article=rt_article, target=gr_article, kind="republication", score=0.93,
        reasons=["91% of its text appears in the RT article", "It credits RT"],
        evidence={
            "credits": [{"name": "RT", "cue": "Originally published by", "role": "republished_from",
                         "outlet_id": rt.pk, "start": rt_start, "end": rt_start + 2, "side": "target",
                         "sentence": "Originally published by RT."}],
            "passages": [{"source_start": 0, "source_end": s_end, "target_start": t_start, "target_end": t_end,
                          "similarity": 0.91}],
            "dates": {"source": "2015-10-05T09:00:00+00:00", "target": "2015-10-06T12:00:00+00:00"},
        },
    )
    chain = make_chain(first, second)
    return {"ria": ria, "rt": rt, "gr": gr, "rt_article": rt_article, "gr_article": gr_article,
            "first": first, "second": second, "chain": chain}
