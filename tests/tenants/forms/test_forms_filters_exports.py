"""Coordinators filter the queue by an answer (through the GIN index on `answers`), and the
requests export carries one column per question, each at its level."""

import csv
import io

import pytest
from django.db import connection

from core.audit.models import AuditEntry
from core.privacy.engine import Viewer
from core.privacy.levels import Level
from formbuilder_support import log_in, submit
from tenants.forms.selectors import filter_by_answers
from tenants.requests.models import HelpRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(ask):
    return {
        "pet": ask("Pet", kind="choice", choices=["Dog", "Cat"], level=Level.VOLUNTEER),
        "stairs": ask("Stairs", kind="yes_no", level=Level.STAFF),
        "diet": ask("Diet", kind="multiple", choices=["Vegetarian", "Halal"]),
        "bags": ask("Bags", kind="number"),
        "secret": ask("Admins only", level=Level.RESTRICTED),
    }


def queue_ids(client, group, query: str) -> list[int]:
    response = client.get(f"/dispatch/?{query}", HTTP_HOST=group.host)
    assert response.status_code == 200
    return sorted(row[0].pk for row in response.context["rows"])


def test_the_queue_filters_by_an_answer(client, in_alpha, questions):
    q = {name: question.key for name, question in questions.items()}
    dog = submit({q["pet"]: "dog", q["stairs"]: True, q["diet"]: ["halal", "vegetarian"],
                  q["bags"]: 2})
    cat = submit({q["pet"]: "cat", q["stairs"]: False, q["diet"]: ["halal"], q["bags"]: 2.5})
    none = submit({})
    log_in(client, in_alpha, in_alpha.coordinator_email)
    assert queue_ids(client, in_alpha, "") == [dog.pk, cat.pk, none.pk]
    assert queue_ids(client, in_alpha, f"answer.{q['pet']}=dog") == [dog.pk]
    assert queue_ids(client, in_alpha, f"answer.{q['stairs']}=no") == [cat.pk]
    assert queue_ids(client, in_alpha, f"answer.{q['diet']}=halal") == [dog.pk, cat.pk]
    assert queue_ids(client, in_alpha, f"answer.{q['diet']}=vegetarian") == [dog.pk]
    assert queue_ids(client, in_alpha, f"answer.{q['bags']}=2.5") == [cat.pk]
    assert queue_ids(client, in_alpha,
                     f"answer.{q['pet']}=cat&answer.{q['stairs']}=yes") == []
    page = client.get("/dispatch/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Filter by answers" in page and f'name="answer.{q["pet"]}"' in page


def test_a_filter_that_cannot_apply_says_why_and_filters_nothing(client, in_alpha, questions):
    q = {name: question.key for name, question in questions.items()}
    first, second = submit({q["bags"]: 1}), submit({})
    log_in(client, in_alpha, in_alpha.coordinator_email)
    for query, message in [(f"answer.{q['bags']}=lots", "is not a possible answer"),
                           (f"answer.{q['bags']}=NaN", "is not a possible answer"),
                           (f"answer.{q['pet']}=parrot", "is not a possible answer"),
                           ("answer.nothing_like_it=1", "There is no question"),
                           # a coordinator may not filter by what only admins may read
                           (f"answer.{q['secret']}=x", "There is no question")]:
        response = client.get(f"/dispatch/?{query}", HTTP_HOST=in_alpha.host)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert sorted(row[0].pk for row in response.context["rows"]) == [first.pk, second.pk]


def test_the_filter_is_served_by_the_gin_index(in_alpha, questions, people):
    key = questions["pet"].key
    queryset, used, problems = filter_by_answers(
        HelpRequest.objects.all(), {f"answer.{key}": "dog"}, form="request",
        viewer=Viewer.of(people.coordinator))
    assert [f.field.key for f in used] == [key] and problems == []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: make the plan honest
        plan = queryset.explain()
    assert "request_answers_gin" in plan


def rows_of(csv_text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_text)))


def test_the_export_has_a_column_per_question_at_its_level(client, in_alpha, questions, people):
    q = {name: question.key for name, question in questions.items()}
    request = submit({q["pet"]: "cat", q["stairs"]: True, q["diet"]: ["halal", "vegetarian"],
                      q["bags"]: 2.5, q["secret"]: "=HYPERLINK(evil)"})
    log_in(client, in_alpha, in_alpha.coordinator_email)
    response = client.get("/records/requests.csv", HTTP_HOST=in_alpha.host)
    text = b"".join(response.streaming_content).decode()
    (row,) = rows_of(text)
    assert [f"answer.{k}" for k in q.values()] == list(row)[-5:]
    assert (row[f"answer.{q['pet']}"], row[f"answer.{q['stairs']}"], row[f"answer.{q['diet']}"],
            row[f"answer.{q['bags']}"], row[f"answer.{q['secret']}"]) == (
        "cat", "yes", "halal; vegetarian", "2.5", "")
    assert row["id"] == str(request.pk)


def test_an_admins_export_has_every_answer_audited(client, in_alpha, questions):
    q = {name: question.key for name, question in questions.items()}
    request = submit({q["stairs"]: True, q["secret"]: "=HYPERLINK(evil)"})
    log_in(client, in_alpha, in_alpha.admin_email)
    response = client.get("/records/requests.csv", HTTP_HOST=in_alpha.host)
    (row,) = rows_of(b"".join(response.streaming_content).decode())
    assert row[f"answer.{q['secret']}"] == "'=HYPERLINK(evil)"  # no formula in a spreadsheet
    assert row[f"answer.{q['pet']}"] == ""
    reveal = AuditEntry.objects.filter(action="reveal", fields__contains=[
        f"answers.{q['secret']}"]).get()
    assert reveal.reason == "requests export" and reveal.target_id == str(request.pk)
    assert sorted(reveal.fields) == sorted([f"answers.{q['stairs']}", f"answers.{q['secret']}"])


def test_without_questions_the_export_is_as_before(client, in_alpha):
    from tenants.records.selectors import EXPORT_FIELDS

    submit({})
    log_in(client, in_alpha, in_alpha.admin_email)
    response = client.get("/records/requests.csv", HTTP_HOST=in_alpha.host)
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == ",".join(EXPORT_FIELDS)
