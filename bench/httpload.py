"""The HTTP stage's load generator and its table: one page, N keep-alive connections, T seconds.

wrk is used when it is on PATH; otherwise a small client of our own: a thread per connection,
each with one kept-alive `http.client` connection, sending the next request as soon as the
last answer is read. Python's client costs CPU that the server then lacks, on a small machine
more than wrk does; asb and the minimal page are measured with the same client in the same
run, so their ratio holds either way.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

NO_ANSWER = 0

# wrk's own summary counts only 4xx and 5xx as errors; this counts every answer outside 2xx.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("non2xx") end
  io.write(string.format("asb-bench %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), total,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
WRK_LINE = re.compile(r"^asb-bench (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", re.MULTILINE)


@dataclass
class PageFigures:
    page: str
    requests: int
    seconds: float
    p50: float  # seconds
    p95: float
    non_2xx: int  # answers outside 2xx, and requests that got no answer at all
    tool: str
    notes: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def python_load(
    host: str,
    port: int,
    path: str,
    seconds: float,
    connections: int = 8,
    headers: dict[str, str] | None = None,
    page: str = "",
) -> PageFigures:
    """Every connection sends the next request as soon as it has read the last answer."""
    headers = {"Host": f"{host}:{port}", "User-Agent": "asb-bench", **(headers or {})}
    samples: list[tuple[int, float]] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def connection_loop() -> None:
        mine: list[tuple[int, float]] = []
        connection = http.client.HTTPConnection(host, port, timeout=120)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = NO_ANSWER
                connection.close()
            mine.append((status, time.perf_counter() - started))
        connection.close()
        with lock:
            samples.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=connection_loop) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies = sorted(seconds for _, seconds in samples)
    return PageFigures(
        page=page or path,
        requests=len(samples),
        seconds=elapsed,
        p50=statistics.median(latencies) if latencies else 0.0,
        p95=percentile(latencies, 0.95),
        non_2xx=sum(1 for status, _ in samples if not 200 <= status < 300),
        tool="python",
    )


def wrk_load(
    host: str,
    port: int,
    path: str,
    seconds: float,
    connections: int = 8,
    headers: dict[str, str] | None = None,
    page: str = "",
) -> PageFigures:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [
            shutil.which("wrk") or "wrk",
            f"--threads={min(2, connections)}",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=120s",
            f"--script={script.name}",
        ]
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        done = subprocess.run(  # noqa: S603 - wrk from PATH, our own arguments
            [*command, f"http://{host}:{port}{path}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 180,
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    found = WRK_LINE.search(done.stdout)
    if found is None:
        raise RuntimeError(f"wrk's output had no summary: {done.stdout[-300:]!r}")
    requests, duration, p50, p95, non_2xx, errors = map(int, found.groups())
    return PageFigures(
        page=page or path,
        requests=requests,
        seconds=duration / 1e6,
        p50=p50 / 1e6,
        p95=p95 / 1e6,
        non_2xx=non_2xx + errors,
        tool="wrk",
    )


def load(*args, **kwargs) -> PageFigures:
    """wrk when it is on PATH, else the Python client."""
    return (wrk_load if shutil.which("wrk") else python_load)(*args, **kwargs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def figures_table(figures: list[PageFigures], reference: PageFigures) -> list[str]:
    """Markdown: each page's requests/s, its share of the reference page's, p50, p95, non-2xx."""
    lines = [
        "| page | requests/s | ratio to the minimal page | p50 | p95 | non-2xx |",
        "|---|---|---|---|---|---|",
    ]
    for found in [reference, *figures]:
        ratio = found.per_second / reference.per_second if reference.per_second else 0.0
        note = f" ({'; '.join(found.notes)})" if found.notes else ""
        p50, p95 = (ms(found.p50), ms(found.p95)) if found.requests else ("no answer",) * 2
        lines.append(
            f"| {found.page}{note} | {found.per_second:,.1f} | {ratio:.2f} | {p50} "
            f"| {p95} | {found.non_2xx:,} |"
        )
    return lines
