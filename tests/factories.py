"""Factories for the domain models. Each builds a valid, saved row with realistic defaults."""

import hashlib

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from provenance.corpus.models import Article, Credit, Outlet, Upload
from provenance.review.models import Annotation, Chain, ChainLink, ChainNode, Link

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            self.save()  # the password set just before
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "moderator":
                self.is_staff = True
                self.save(update_fields=["is_staff"])


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    kind = Outlet.Kind.OTHER


class UploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Upload

    uploader = factory.SubFactory(UserFactory)
    status = Upload.Status.DONE


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    outlet = factory.SubFactory(OutletFactory)
    title = factory.Sequence(lambda n: f"Militants flee advancing army, report {n}")
    text = factory.Sequence(
        lambda n: f"Article body number {n}. Scores of militants have reportedly fled the region, "
        "a military source told reporters on Sunday."
    )
    raw_text = factory.LazyAttribute(lambda a: a.text)
    content_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.text.encode()).hexdigest())
    published_at = factory.LazyFunction(timezone.now)
    path = factory.Sequence(lambda n: f"article_{n}.txt")


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credit

    article = factory.SubFactory(ArticleFactory)
    outlet = factory.SubFactory(OutletFactory)
    name = factory.LazyAttribute(lambda c: c.outlet.name if c.outlet else "Somebody")
    cue = "according to"
    role = Credit.Role.SOURCE
    start = 0
    end = 10


class LinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Link

    source_article = factory.SubFactory(ArticleFactory)
    target = factory.SubFactory(ArticleFactory)
    kind = Link.Kind.REPUBLICATION
    score = 0.9
    reasons = factory.LazyFunction(lambda: ["94% of its text appears in the source"])
    evidence = factory.LazyFunction(dict)


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    author = factory.SubFactory(UserFactory)
    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = 12
    quote = "Article body"
    body = "Check this against the wire copy."


def make_chain(*links: Link, status: str = "proposed") -> Chain:
    """A chain over the given links, in order: the first link's source is the origin."""
    first = links[0]
    final = links[-1].target
    nodes = [(first.source_article, first.source_outlet)] + [(link.target, None) for link in links]
    key = ">".join(f"a{a.pk}" if a else f"o{o.pk}" for a, o in nodes)
    chain = Chain.objects.create(key=key, final_article=final, score=min(l.score for l in links), status=status)
    for position, (article, outlet) in enumerate(nodes):
        ChainNode.objects.create(chain=chain, position=position, article=article, outlet=outlet)
    for position, link in enumerate(links):
        ChainLink.objects.create(chain=chain, link=link, position=position)
    return chain
