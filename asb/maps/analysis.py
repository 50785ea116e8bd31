"""The statistics behind the hotspot map, on arrays of grid-cell counts (no database here).

Hot and cold spots
    Getis-Ord Gi* (esda.G_Local with star=True) on the incident count of every cell in the
    area, empty cells included. Weights are binary queen contiguity on the 100 m lattice:
    a cell and the (up to) eight cells touching it, which is the same as a 150 m distance
    band between cell centres. A neighbourhood of about 300 x 300 m is the scale at which
    patrols and estate teams act, the weights need no tuning, and no cell is without
    neighbours, as a distance band on sparse points can leave some.

    Inference is by permutation: 99,999 random rearrangements of the counts over the
    cells, with a fixed seed, so the same data always gives the same map (see
    ``permutation_p_values`` for how, and why not esda's conditional randomisation). The
    one-sided pseudo p-value of the side the cell is on is doubled for a two-sided test,
    as the 90, 95 and 99 % confidence classes of the usual hot spot maps are. The
    p-values are then corrected for testing a few hundred cells at once with the
    Benjamini-Hochberg false discovery rate (esda.fdr) at 1, 5 and 10 %: a cell's class is
    the strictest level it passes. The number of permutations bounds the smallest p-value
    (2 / 100,000 here), and with it how few cells can pass the 99 % level after the
    correction: one, for an area of up to 500 cells. With 9,999 it would take eight.

    Rearranging counts asks whether high counts sit together more than chance would put
    them, so a single busy square among ordinary ones is not a hotspot (it is a repeat
    location), and one square with far more incidents than any other (one block reported
    thousands of times) can keep every other cluster below significance for that filter,
    since a random rearrangement often puts it in any neighbourhood. Filtering by category
    or agency looks past it. The analytic z-scores (normal approximation) would flag such
    squares, but on counts this skewed they overstate significance many times over.

Hotspots
    Hot cells (any class) that touch, edge or corner, form one hotspot.

Persistence
    The filter window is cut into London's calendar months, the first and last cut to the
    window (see ``periods``): police.uk dates every record to the first of its month, so
    any other cut puts two months' records in one period and none in another. A hotspot
    is *active* in a month when one of its cells has an analytic Gi* z-score of at least
    1.645 (the 90 % level, without permutations or the FDR correction, which would be too
    strict for one month's numbers) on that month's counts. Persistence is judged only
    when the window holds at least two whole months (``can_judge_persistence``); then:

    - persistent: active in at least 80 % of the periods;
    - new: not active in any period of the first half of the window, active in the last;
    - intermittent: any other pattern (on and off, or only visible when the months are
      pooled).

Rates
    Empirical-Bayes smoothing (esda.smoothing.Empirical_Bayes) pulls a small ward's rate
    towards the City-wide rate in proportion to how little its population can tell us.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from asb.calendar import LONDON, add_months, start_of_london_day
from asb.geo.services import GRID_COLUMNS

if TYPE_CHECKING:
    from libpysal.weights import W

# esda, libpysal and scipy.sparse.csgraph are imported in the functions that use them: they
# take seconds to import, which every `flask` command and worker start paid for nothing.

PERMUTATIONS = 99_999
SEED = 20_260_401
# (confidence %, two-sided false discovery rate), strictest first.
CONFIDENCE_LEVELS = ((99, 0.01), (95, 0.05), (90, 0.10))
PERIOD_ACTIVE_Z = 1.645
PERSISTENT_SHARE = 0.8
WHOLE_MONTHS_TO_JUDGE_PERSISTENCE = 2


class Persistence:
    NEW = "new"
    PERSISTENT = "persistent"
    INTERMITTENT = "intermittent"
    NOT_JUDGED = "not judged"


@dataclass(frozen=True)
class Lattice:
    """Cells of the area with their queen-contiguity weights (Gi*: each cell its own neighbour)."""

    cells: np.ndarray
    weights: W

    @property
    def n(self) -> int:
        return len(self.cells)


def lattice(cells: Sequence[int] | np.ndarray) -> Lattice:
    return _lattice(tuple(int(cell) for cell in cells))


@lru_cache(maxsize=64)
def _lattice(cells: tuple[int, ...]) -> Lattice:
    from libpysal.weights import W, fill_diagonal

    ordered = np.asarray(cells, dtype=np.int64)
    if np.any(np.diff(ordered) <= 0):
        raise ValueError("cells must be sorted and distinct")
    neighbours: dict[int, list[int]] = {index: [] for index in range(len(ordered))}
    for row_step in (-1, 0, 1):
        for column_step in (-1, 0, 1):
            if row_step == column_step == 0:
                continue
            targets = ordered + row_step * GRID_COLUMNS + column_step
            positions = np.searchsorted(ordered, targets)
            positions[positions == len(ordered)] = 0
            found = np.flatnonzero(ordered[positions] == targets)
            for index, position in zip(found, positions[found], strict=True):
                neighbours[int(index)].append(int(position))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands: a lone cell is still its own neighbour
        weights = W(neighbours, id_order=list(range(len(ordered))), silence_warnings=True)
        weights.transform = "B"
        star_weights = fill_diagonal(weights, 1)
        star_weights.transform = "B"
    return Lattice(ordered, star_weights)


@dataclass
class GiStar:
    """Gi* per cell: z-score, two-sided permutation p-value and signed confidence class.

    ``classes`` holds 99, 95 or 90 for hot spots, -99, -95 or -90 for cold spots and 0 for
    cells that are neither at 90 % after the false discovery rate correction.
    """

    z: np.ndarray
    p: np.ndarray
    classes: np.ndarray


def gi_star(
    counts: np.ndarray,
    grid: Lattice,
    *,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> GiStar:
    """Gi* z-scores (esda.G_Local), permutation p-values and FDR-corrected classes per cell."""
    from esda import G_Local

    counts = np.asarray(counts, dtype=float)
    if counts.shape != (grid.n,):
        raise ValueError("one count per cell of the lattice is needed")
    if grid.n < 3 or counts.sum() == 0 or np.all(counts == counts[0]):
        # No variation: nothing can stand out.
        return GiStar(np.zeros(grid.n), np.ones(grid.n), np.zeros(grid.n, dtype=int))
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        result = G_Local(counts, grid.weights, transform="B", star=True, permutations=0)
    z = np.nan_to_num(np.asarray(result.Zs, dtype=float))
    p, direction = permutation_p_values(counts, grid, permutations=permutations, seed=seed)
    return GiStar(z, p, confidence_classes(direction, p))


def permutation_p_values(
    counts: np.ndarray, grid: Lattice, *, permutations: int = PERMUTATIONS, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided pseudo p-values of each cell's Gi*, and the side: +1 high, -1 low, 0 neither.

    The null hypothesis is total randomisation: the counts rearranged at random over the
    cells, the focal cell's own included, which is what the analytic Gi* moments assume.
    (esda's conditional randomisation holds the focal count fixed and folds ties into the
    tail; on sparse counts that makes the empty squares around one busy square hot while
    the busy square is not, and a square whose neighbourhood is as quiet as it can be
    look extreme, p = 1 / (permutations + 1).)

    With binary weights and a fixed total, a cell's Gi* rises and falls with the sum of its
    neighbourhood, and under a random rearrangement a neighbourhood of k cells holds a
    random k of the n counts. So one set of random draws (k distinct cells out of n,
    ``permutations`` times) gives the null distribution for every cell with k neighbours,
    and each cell is compared with it: ties count on both sides.
    """
    counts = np.asarray(counts, dtype=float)
    weights = grid.weights.sparse.tocsr()
    observed = weights @ counts
    sizes = np.diff(weights.indptr)
    null_sums = _random_subset_sums(counts, int(sizes.max()), permutations, seed)
    higher = np.empty(grid.n)
    lower = np.empty(grid.n)
    for size in np.unique(sizes):
        cells = sizes == size
        column = null_sums[:, size - 1]
        higher[cells] = permutations - np.searchsorted(column, observed[cells], side="left")
        lower[cells] = np.searchsorted(column, observed[cells], side="right")
    p_high = (higher + 1) / (permutations + 1)
    p_low = (lower + 1) / (permutations + 1)
    direction = np.sign(p_low - p_high).astype(int)
    return np.minimum(1.0, 2 * np.minimum(p_high, p_low)), direction


def _random_subset_sums(counts: np.ndarray, largest: int, draws: int, seed: int) -> np.ndarray:
    """Sums of the first 1..largest of ``draws`` random sets of distinct cells, columns sorted."""
    rng = np.random.default_rng(seed)
    n = len(counts)
    if n < 4 * largest:
        # Few cells: shuffle them all (distinct draws by rejection would rarely succeed).
        picks = rng.permuted(np.tile(np.arange(n), (draws, 1)), axis=1)[:, :largest]
    else:
        # Many cells: draw with replacement and redraw the few rows that repeat a cell.
        picks = rng.integers(0, n, size=(draws, largest))
        while True:
            ordered = np.sort(picks, axis=1)
            repeats = (np.diff(ordered, axis=1) == 0).any(axis=1)
            if not repeats.any():
                break
            picks[repeats] = rng.integers(0, n, size=(int(repeats.sum()), largest))
    return np.sort(np.cumsum(counts[picks], axis=1), axis=0)


def confidence_classes(direction: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Signed confidence class per cell after the Benjamini-Hochberg correction."""
    from esda import fdr

    classes = np.zeros(len(p), dtype=int)
    for confidence, alpha in reversed(CONFIDENCE_LEVELS):
        cutoff = fdr(p, alpha)
        # esda.fdr returns the BH cut-off (or alpha / n when nothing passes); BH rejects
        # strictly below it.
        classes[(p < cutoff) & (direction != 0)] = confidence
    return classes * direction


def analytic_z(counts: np.ndarray, grid: Lattice) -> np.ndarray:
    """Gi* z-scores without permutations, for one column of counts or several at once.

    The same formula as esda.G_Local's ``Zs`` (Getis and Ord, 1995), vectorised over
    columns: one sparse product instead of one esda call per period. Zero where a column
    has no variation.
    """
    counts = np.asarray(counts, dtype=float)
    columns = counts.reshape(grid.n, -1)
    n = grid.n
    weights = grid.weights.sparse
    cardinality = np.asarray(weights.sum(axis=1)).ravel()[:, None]
    mean = columns.mean(axis=0)
    spread = np.sqrt(np.maximum((columns**2).mean(axis=0) - mean**2, 0))
    scale = np.sqrt(cardinality * (n - cardinality) / (n - 1)) * spread
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (weights @ columns - cardinality * mean) / scale
    z[:, spread == 0] = 0
    z = np.nan_to_num(z, posinf=0.0, neginf=0.0)
    return z.reshape(counts.shape) if n >= 3 else np.zeros(counts.shape)


def hot_clusters(grid: Lattice, classes: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """Touching hot cells grouped into hotspots, most incidents first (indices into the lattice)."""
    from scipy.sparse.csgraph import connected_components

    hot = np.flatnonzero(classes > 0)
    if len(hot) == 0:
        return []
    adjacency = grid.weights.sparse[hot][:, hot]
    count, labels = connected_components(adjacency, directed=False)
    clusters = [hot[labels == label] for label in range(count)]
    clusters.sort(key=lambda members: (-counts[members].sum(), int(grid.cells[members].min())))
    return clusters


@dataclass(frozen=True)
class Period:
    """One calendar month of the window (London time), or the part of it in the window."""

    start: datetime
    end: datetime  # exclusive
    month: date  # the first day of the month

    @property
    def whole(self) -> bool:
        return self.start == _month_start(self.month) and self.end == _month_start(
            add_months(self.month, 1)
        )


def _month_start(month: date) -> datetime:
    return start_of_london_day(month).astimezone(UTC)


def periods(start: datetime, end: datetime) -> list[Period]:
    """The London calendar months that [start, end) touches, the first and last cut to it."""
    month = start.astimezone(LONDON).date().replace(day=1)
    found = []
    period_start = start
    while period_start < end:
        following = add_months(month, 1)
        period_end = min(end, _month_start(following))
        found.append(Period(period_start, period_end, month))
        period_start, month = period_end, following
    return found


def can_judge_persistence(months: Sequence[Period]) -> bool:
    """Whether the window holds enough whole months to say whether a hotspot persists."""
    return sum(period.whole for period in months) >= WHOLE_MONTHS_TO_JUDGE_PERSISTENCE


def period_activity(period_z: np.ndarray, members: np.ndarray) -> list[bool]:
    """Whether the hotspot (cells ``members``) was active in each period.

    ``period_z`` is ``analytic_z`` of the cells x periods counts.
    """
    if period_z.shape[1] == 0:
        return []
    return [bool(flag) for flag in period_z[members].max(axis=0) >= PERIOD_ACTIVE_Z]


def persistence(active: Sequence[bool], *, judged: bool = True) -> str:
    """The label of a hotspot active in the months ``active`` says; ``judged`` is False when
    the window is too short to say (``can_judge_persistence``)."""
    if not judged:
        return Persistence.NOT_JUDGED
    count = len(active)
    if count and sum(active) >= math.ceil(PERSISTENT_SHARE * count):
        return Persistence.PERSISTENT
    first_half = active[: count // 2]
    if active and active[-1] and not any(first_half):
        return Persistence.NEW
    return Persistence.INTERMITTENT


def smoothed_rates(events: Sequence[float], population: Sequence[float]) -> list[float | None]:
    """Empirical-Bayes rates per 1,000 people; None where there is no population figure.

    esda's estimator, with the between-area variance floored at zero (Marshall, 1991): when
    the rates vary no more than chance would make them, every area takes the overall rate.
    Unfloored, a negative variance would push small areas away from it instead.
    """
    from esda.smoothing import Empirical_Bayes

    events = np.asarray(events, dtype=float)
    population = np.asarray(population, dtype=float)
    known = population > 0
    rates: list[float | None] = [None] * len(events)
    if known.sum() == 0 or events[known].sum() == 0:
        for index in np.flatnonzero(known):
            rates[index] = 0.0
        return rates
    e, b = events[known], population[known]
    overall = e.sum() / b.sum()
    between = (b * (e / b - overall) ** 2).sum() / b.sum() - overall / b.mean()
    smoothed = np.full(len(e), overall) if between <= 0 else Empirical_Bayes(e, b).r.ravel()
    for index, rate in zip(np.flatnonzero(known), smoothed, strict=True):
        rates[index] = float(rate) * 1000
    return rates


def crude_rates(events: Sequence[float], population: Sequence[float]) -> list[float | None]:
    return [
        (float(e) / float(b) * 1000) if b else None for e, b in zip(events, population, strict=True)
    ]


def warm_up() -> None:
    """Import the analysis stack and run one tiny analysis, before any request needs them."""
    grid = lattice(range(9))
    counts = np.array([0, 0, 1, 0, 9, 0, 1, 0, 0])
    result = gi_star(counts, grid, permutations=99)
    hot_clusters(grid, result.classes, counts)
    smoothed_rates([1, 2], [100, 200])
