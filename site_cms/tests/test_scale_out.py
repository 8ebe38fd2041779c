"""Two web processes ("dynos") share PostgreSQL, Redis and S3: what one publishes, the other serves at once."""

import pytest

from testing.dynos import check_shared_state, two_dynos

pytestmark = pytest.mark.system  # real processes: run once, on PostgreSQL (make test-system)


def test_a_letting_and_photo_published_on_one_dyno_are_served_by_the_other(tmp_path):
    with two_dynos(tmp_path, lettings=30) as (env, (dyno_a, dyno_b), password):
        results = check_shared_state(dyno_a.base_url, dyno_b.base_url, env, password)
    assert results["listing cached on B before the publish"] is True
    assert results["B lists the letting on the next request"] is True
    assert results["B serves the letting page"] is True
    # The gallery's webp and jpeg at two widths, the large photo the viewer opens, the link preview's.
    assert results["photo renditions made by B, served from S3"] == 6
    assert results["renditions that answer 200 with an image"] == 6
