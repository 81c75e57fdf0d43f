import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def analyst(db):
    return UserFactory(username="ana", role="analyst")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rev", role="reviewer")


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="rev2", role="reviewer")


@pytest.fixture
def moderator(db):
    return UserFactory(username="mod", role="moderator")


@pytest.fixture
def outsider(db):
    """Signed in, but in no role group."""
    return UserFactory(username="outsider")


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
