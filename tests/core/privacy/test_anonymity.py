"""Areas grow until they hold k; public counts under k are not published."""

import uuid

import h3
import pytest

from core.privacy.anonymity import COARSEST_RESOLUTION, Density, suppress

LONDON = h3.latlng_to_cell(51.5, -0.12, 7)
# A cell beside it, under the same parent.
NEIGHBOUR = next(c for c in h3.cell_to_children(h3.cell_to_parent(LONDON, 6), 7) if c != LONDON)


def test_a_busy_cell_is_shown_as_itself():
    assert Density({LONDON: 5}).display_cell(LONDON, k=5) == LONDON


def test_a_quiet_cell_grows_to_the_parent_that_holds_k():
    density = Density({LONDON: 2, NEIGHBOUR: 3})
    shown = density.display_cell(LONDON, k=5)
    assert h3.get_resolution(shown) == 6 and density.count(shown) == 5
    assert h3.cell_to_parent(LONDON, h3.get_resolution(shown)) == shown
    # ...and no finer ancestor would have done.
    finer = h3.cell_to_parent(LONDON, h3.get_resolution(shown) + 1)
    assert density.count(finer) < 5


def test_a_lonely_rural_request_is_blurred_to_the_coarsest_area_never_a_point():
    far = h3.latlng_to_cell(57.0, -4.5, 7)
    shown = Density({far: 1}).display_cell(far, k=5)
    assert h3.get_resolution(shown) == COARSEST_RESOLUTION
    assert h3.cell_area(shown, unit="km^2") > 1000


@pytest.mark.parametrize(("count", "published"), [(0, 0), (1, None), (4, None), (5, 5), (12, 12)])
def test_counts_under_k_are_suppressed(count, published):
    assert suppress(count, 5) == published


@pytest.mark.django_db
def test_the_public_home_page_suppresses_small_counts(client, alpha, in_alpha):
    from tenants.requests.models import RequestType
    from tenants.requests.services import advance, submit_request

    def done(code):
        made, _ = submit_request(fields={"type": RequestType.objects.get(code=code),
                                         "description": "x", "person_name": "P",
                                         "person_phone": "1"},
                                 submission_key=uuid.uuid4(), channel="phone")
        for step in ("open", "assign", "complete"):
            advance(request_id=made.pk, step=step, actor=None)

    for _ in range(6):
        done("shopping")
    done("childcare")
    html = client.get("/", HTTP_HOST=alpha.host).content.decode()
    assert "Shopping: 6" in html and "Childcare: fewer than 5" in html
