"""Gi*, the false discovery rate, hotspots, persistence and smoothed rates, on plain arrays."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from esda.smoothing import Empirical_Bayes

from asb.calendar import start_of_london_day
from asb.maps import analysis
from asb.maps.analysis import Persistence


def square_lattice(size: int) -> analysis.Lattice:
    """A size x size block of grid cells (row * 1000 + column)."""
    return analysis.lattice([row * 1000 + column for row in range(size) for column in range(size)])


def test_gi_star_z_scores_match_a_hand_worked_3x3_example():
    # Counts, row by row:   4 2 0
    #                       2 4 0
    #                       0 0 0
    # n = 9, total 12, mean 4/3, mean of squares 40/9, so s^2 = 40/9 - 16/9 = 8/3.
    # Gi* = (sum of w_ij x_j - mean * W_i) / (s * sqrt((n * W_i - W_i^2) / (n - 1))),
    # with binary queen weights and each cell its own neighbour (W_i = number of them).
    #
    # Corner (0, 0): W = 4, sum 4 + 2 + 2 + 4 = 12; (12 - 16/3) / (sqrt(8/3) * sqrt(20/8))
    #   = (20/3) / sqrt(20/3) = sqrt(20/3) = 2.58199
    # Edge (0, 1): W = 6, sum 4 + 2 + 0 + 2 + 4 + 0 = 12; (12 - 8) / (sqrt(8/3) * sqrt(18/8))
    #   = 4 / sqrt(6) = 1.63299
    # Corner (2, 2): W = 4, sum 4; (4 - 16/3) / sqrt(20/3) = -0.51640
    lattice = square_lattice(3)
    counts = np.array([4, 2, 0, 2, 4, 0, 0, 0, 0], dtype=float)

    result = analysis.gi_star(counts, lattice, permutations=99)

    assert result.z[0] == pytest.approx(math.sqrt(20 / 3))
    assert result.z[1] == pytest.approx(4 / math.sqrt(6))
    assert result.z[8] == pytest.approx(-(4 / 3) / math.sqrt(20 / 3))
    # The vectorised version used for each month gives the same numbers.
    assert analysis.analytic_z(counts, lattice) == pytest.approx(result.z)


def test_analytic_z_of_several_periods_matches_esda_column_by_column():
    lattice = square_lattice(6)
    counts = np.random.default_rng(1).poisson(2, (lattice.n, 4)).astype(float)

    together = analysis.analytic_z(counts, lattice)

    for period in range(4):
        alone = analysis.gi_star(counts[:, period], lattice, permutations=9).z
        assert together[:, period] == pytest.approx(alone)


def test_a_planted_cluster_is_a_99_percent_hot_spot():
    lattice = square_lattice(20)
    rng = np.random.default_rng(11)
    counts = rng.poisson(1.0, lattice.n).astype(float)
    cluster = [row * 20 + column for row in (9, 10, 11) for column in (9, 10, 11)]
    counts[cluster] += 6

    result = analysis.gi_star(counts, lattice)

    assert result.classes[10 * 20 + 10] == 99
    hotspots = analysis.hot_clusters(lattice, result.classes, counts)
    assert len(hotspots) == 1
    assert set(cluster) <= {int(index) for index in hotspots[0]}


@pytest.mark.parametrize("seed", range(5))
def test_uniform_noise_has_no_hot_spot(seed):
    lattice = square_lattice(20)
    counts = np.random.default_rng(seed).poisson(1.0, lattice.n).astype(float)

    result = analysis.gi_star(counts, lattice)

    assert not (result.classes > 0).any()


def test_the_same_data_gives_the_same_p_values():
    lattice = square_lattice(10)
    counts = np.random.default_rng(3).poisson(2, lattice.n).astype(float)

    first = analysis.gi_star(counts, lattice)
    second = analysis.gi_star(counts, lattice)

    assert np.array_equal(first.p, second.p)
    assert np.array_equal(first.classes, second.classes)


def test_a_single_busy_square_among_quiet_ones_is_not_a_hotspot():
    # One place reported over and over is a repeat location, not a cluster: the
    # permutations put that count anywhere, and often enough next to any square.
    lattice = square_lattice(20)
    counts = np.random.default_rng(5).poisson(1.0, lattice.n).astype(float)
    counts[210] += 40

    result = analysis.gi_star(counts, lattice)

    assert not (result.classes > 0).any()


def test_no_variation_means_no_hot_or_cold_spots():
    lattice = square_lattice(5)

    for counts in (np.zeros(25), np.full(25, 3.0)):
        result = analysis.gi_star(counts, lattice)
        assert not result.classes.any()


def test_confidence_classes_follow_the_false_discovery_rate_not_raw_p_values():
    direction = np.ones(100, dtype=int)
    # One p-value of 0.02 among 100 tests passes at 5 % alone but not after the correction.
    lonely = np.full(100, 0.9)
    lonely[0] = 0.02
    assert not analysis.confidence_classes(direction, lonely).any()

    # Ten very small p-values pass even at 1 %; 0.004 passes at 10 % but not at 5 %.
    strong = np.full(100, 0.9)
    strong[:10] = 0.0002
    strong[10] = 0.004
    classes = analysis.confidence_classes(direction, strong)
    assert list(classes[:10]) == [99] * 10
    assert classes[10] == 95
    assert not classes[11:].any()


def test_cold_spots_carry_a_negative_class():
    direction = np.array([-1] * 10 + [1] * 90)
    p = np.full(100, 0.9)
    p[:10] = 0.0002

    assert list(analysis.confidence_classes(direction, p)[:10]) == [-99] * 10


def test_touching_hot_cells_form_one_hotspot_and_apart_two():
    lattice = square_lattice(6)
    classes = np.zeros(36, dtype=int)
    # (0, 0) and (1, 1) touch at a corner; (4, 4) stands alone.
    classes[[0, 7, 28]] = [99, 90, 95]
    counts = np.zeros(36)
    counts[[0, 7, 28]] = [5, 1, 9]

    hotspots = analysis.hot_clusters(lattice, classes, counts)

    assert [sorted(int(i) for i in h) for h in hotspots] == [[28], [0, 7]]


def _london_midnight(day: date) -> datetime:
    return start_of_london_day(day).astimezone(UTC)


def test_periods_are_london_calendar_months():
    start, end = _london_midnight(date(2024, 5, 1)), _london_midnight(date(2025, 5, 1))

    months = analysis.periods(start, end)

    assert [period.month for period in months] == [
        date(2024 + (4 + n) // 12, (4 + n) % 12 + 1, 1) for n in range(12)
    ]
    assert months[0].start == start and months[-1].end == end
    assert all(a.end == b.start for a, b in itertools.pairwise(months))
    # Each month starts at London midnight on its first day, in summer time or not.
    assert months[2].start == datetime(2024, 6, 30, 23, tzinfo=UTC)
    assert months[6].start == datetime(2024, 11, 1, 0, tzinfo=UTC)
    assert all(period.whole for period in months)
    assert analysis.can_judge_persistence(months)


def test_a_window_starting_or_ending_within_a_month_cuts_that_month():
    months = analysis.periods(
        _london_midnight(date(2026, 10, 20)), _london_midnight(date(2026, 12, 10))
    )

    assert [period.month for period in months] == [
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    ]
    assert [period.whole for period in months] == [False, True, False]
    assert months[0].start == _london_midnight(date(2026, 10, 20))
    assert months[-1].end == _london_midnight(date(2026, 12, 10))
    assert not analysis.can_judge_persistence(months)


@pytest.mark.parametrize(
    ("first", "last", "judged"),
    [
        (date(2025, 4, 1), date(2025, 4, 30), False),  # one month
        (date(2025, 4, 3), date(2025, 4, 30), False),  # 28 days
        (date(2025, 3, 20), date(2025, 4, 16), False),  # 28 days over two months
        (date(2025, 3, 1), date(2025, 4, 30), True),
        (date(2025, 2, 1), date(2025, 4, 20), True),  # two whole months and a part
    ],
)
def test_persistence_needs_two_whole_months(first, last, judged):
    months = analysis.periods(_london_midnight(first), _london_midnight(last + timedelta(days=1)))

    assert analysis.can_judge_persistence(months) is judged
    assert (analysis.persistence([True] * len(months), judged=judged) == "not judged") is (
        not judged
    )


@pytest.mark.parametrize(
    ("active", "label"),
    [
        ([True] * 12, Persistence.PERSISTENT),
        ([True] * 10 + [False] * 2, Persistence.PERSISTENT),
        ([True] * 9 + [False] * 3, Persistence.INTERMITTENT),
        ([False] * 6 + [False, True, False, True, True, True], Persistence.NEW),
        ([False] * 11 + [True], Persistence.NEW),
        ([True] + [False] * 10 + [True], Persistence.INTERMITTENT),
        ([False] * 6 + [True] * 5 + [False], Persistence.INTERMITTENT),
        ([False] * 12, Persistence.INTERMITTENT),
        ([False, True], Persistence.NEW),
        ([True, True], Persistence.PERSISTENT),
        ([True, False, True], Persistence.INTERMITTENT),
    ],
)
def test_persistence_labels(active, label):
    assert analysis.persistence(active) == label


def test_period_activity_asks_whether_any_cell_of_the_hotspot_stood_out():
    period_z = np.array([[2.0, 0.1, 0.0], [0.5, 1.7, 0.0], [3.0, 3.0, 3.0]])

    assert analysis.period_activity(period_z, np.array([0, 1])) == [True, True, False]


def test_smoothed_rates_pull_small_populations_towards_the_overall_rate():
    events = [30, 2, 50, 1]
    population = [10_000, 100, 20_000, 50]

    smoothed = analysis.smoothed_rates(events, population)

    expected = Empirical_Bayes(np.array(events), np.array(population)).r.ravel() * 1000
    assert smoothed == pytest.approx(list(expected))
    overall = sum(events) / sum(population) * 1000
    crude = analysis.crude_rates(events, population)
    # The ward of 100 people had a crude rate of 20 per 1,000; smoothing brings it near 2.6.
    assert abs(smoothed[1] - overall) < abs(crude[1] - overall)


def test_smoothed_rates_are_the_overall_rate_when_rates_vary_no_more_than_chance():
    events = [10, 20, 30]
    population = [1_000, 2_000, 3_000]

    assert analysis.smoothed_rates(events, population) == pytest.approx([10.0, 10.0, 10.0])


def test_wards_without_a_population_have_no_rate():
    assert analysis.smoothed_rates([3, 4], [0, 1_000]) == [None, pytest.approx(4.0)]
    assert analysis.crude_rates([3, 4], [0, 1_000]) == [None, 4.0]
