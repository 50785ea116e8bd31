"""gunicorn's settings for `make serve` (gunicorn also reads this file when started here).

The app is loaded once, in the master, before any worker starts: a start-up problem (see
asb/startup.py) then stops gunicorn with one line, instead of each worker failing in turn.
"""

preload_app = True
accesslog = "-"
# asb does not use gunicornc; servers on one host would otherwise share one socket path.
control_socket_disable = True


def on_starting(server) -> None:
    """Import the hotspot analysis stack (esda, libpysal: seconds) and run it once in the
    master, after the app is loaded and before the workers fork, so that no request waits."""
    from asb.maps.analysis import warm_up

    warm_up()
