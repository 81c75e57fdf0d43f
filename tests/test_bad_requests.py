"""Absurd values in URLs, forms, outlet lists and command arguments get a clear answer, never a 500 or a
traceback (found by a probe of every page and command with bad input)."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from provenance.corpus.services import OutletListError, outlet_records_from_json
from tests.review_fixtures import build_chain

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.mark.parametrize("query", [f"?upload={HUGE}", f"?upload={HUGE}&show=chains"])
def test_an_upload_number_too_large_for_the_database_is_a_form_error(reviewer_client, query):
    response = reviewer_client.get(reverse("queue") + query)
    assert response.status_code == 200
    assert "less than or equal to" in response.content.decode()


def test_a_decision_with_an_absurd_version_is_refused_as_invalid(reviewer_client):
    link = build_chain()["first"]
    response = reviewer_client.post(reverse("link_decide", args=[link.pk]), {"verdict": "confirmed", "version": HUGE},
                                    headers={"HX-Request": "true"})
    assert response.status_code == 422


def test_the_audit_log_takes_the_last_day_there_is(moderator_client):
    response = moderator_client.get(reverse("audit_log") + "?date_from=0001-01-01&date_to=9999-12-31")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/articles/?q=%00", "/outlets/?q=a%00b", "/articles/?q=RIA%00%01"])
def test_control_characters_in_a_search_are_ignored(analyst_client, url):
    assert analyst_client.get(url).status_code == 200


def test_an_outlet_list_with_wrong_types_is_refused_with_the_outlet_named():
    with pytest.raises(OutletListError, match=r"outlet #1: domains must be a list of strings"):
        outlet_records_from_json(json.dumps([{"name": "A", "domains": 123}]))
    with pytest.raises(OutletListError, match=r"outlet #2: 'http://\[::1' is not a domain"):
        outlet_records_from_json(json.dumps([{"name": "A"}, {"name": "B", "domains": ["http://[::1"]}]))
    [record] = outlet_records_from_json(json.dumps([{"name": "AD\u0000 News", "aliases": "AD News", "flags": "state"}]))
    # A single string is one alias, not one alias per letter.
    assert (record.name, record.aliases, record.flags) == ("AD News", ["AD News"], ["state"])


def test_detect_refuses_an_id_no_article_can_have():
    with pytest.raises(CommandError, match="positive integers"):
        call_command("detect", HUGE)


def test_export_says_when_it_cannot_write_where_asked(tmp_path):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export", "-o", str(not_a_folder / "out.json"))


@pytest.mark.parametrize(("truth", "message"), [
    ({"links": "nope"}, "'links' must be a list"),
    ({"links": [{"target": "a.txt"}]}, "'links' entry 1 needs 'target'"),
    ({"links": [{"target": "a.txt", "source_any_of": ["b.txt"], "kind": "maybe"}]}, "has kind 'maybe'"),
    ({"chains": [["RT", 3]]}, "'chains' must be a list of chains"),
])
def test_evaluate_explains_what_is_wrong_with_a_truth_file(tmp_path, truth, message):
    manifest, truth_path = tmp_path / "manifest.csv", tmp_path / "truth.json"
    manifest.write_text("path,outlet\na.txt,RT\n")
    truth_path.write_text(json.dumps(truth))
    with pytest.raises(CommandError, match=message):
        call_command("evaluate", "--manifest", str(manifest), "--truth", str(truth_path))


def test_evaluate_refuses_a_manifest_that_is_not_utf8(tmp_path):
    manifest, truth_path = tmp_path / "manifest.csv", tmp_path / "truth.json"
    manifest.write_bytes("path,outlet\nä.txt,RT\n".encode("latin-1"))
    truth_path.write_text(json.dumps({"links": [], "unlinked": []}))
    with pytest.raises(CommandError, match="not a UTF-8 text file"):
        call_command("evaluate", "--manifest", str(manifest), "--truth", str(truth_path))
