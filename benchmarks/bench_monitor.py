"""Mean update + draw time of the patient monitor per frame at 1920×1080 (dummy SDL drivers, software surfaces).

Run: ``python benchmarks/bench_monitor.py [frames] [width] [height]``. The views are made beforehand (not timed):
a patient deteriorating into an anaphylactic picture with high and medium alarms flashing, core ticks of 0.1 s
every sixth frame and the driver's fraction of a tick in between, as the 60 fps game gives them. The budget is
8 ms a frame, so the whole screen still makes 60 fps on a two-core laptop.
"""

from __future__ import annotations

import os
import sys
import time


def main(frames: int = 600, width: int = 1920, height: int = 1080) -> float:
    """Time ``frames`` monitor frames; prints and returns the mean milliseconds per frame."""
    os.environ.update({"SDL_VIDEODRIVER": "dummy", "SDL_VIDEO_DRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
                       "PYGAME_HIDE_SUPPORT_PROMPT": "1"})  # fmt: skip
    import pygame

    from crmsim.core.view import AlarmView, SessionView
    from crmsim.ui.monitor import AlarmSound, Monitor

    def view(t: float) -> SessionView:
        worse = min(1.0, t / 8.0)
        vitals = {"hr": 80 + 50 * worse, "sbp": 120 - 55 * worse, "dbp": 70 - 35 * worse, "map": 87 - 42 * worse,
                  "spo2": 98 - 14 * worse, "rr": 12 + 10 * worse, "etco2": 36 - 10 * worse, "temp": 36.8,
                  "rhythm": "sinus_tachycardia"}  # fmt: skip
        alarms = (AlarmView("map_critical", "map", vitals["map"], "high"),
                  AlarmView("spo2_critical", "spo2", vitals["spo2"], "high"),
                  AlarmView("etco2_low", "etco2", vitals["etco2"], "medium")) if worse > 0.5 else ()  # fmt: skip
        return SessionView(t=round(t, 6), tick=round(t * 10), paused=False, speed=1, ended=False, outcome=None,
                           phase="p", phase_title="", vitals=vitals, alarms=alarms, roles=(), orders=(),
                           open_concerns=(), failed_equipment=(), messages=())  # fmt: skip

    pygame.init()
    try:
        pygame.mixer.init(frequency=44100, size=-16, channels=1)
        audio = True
    except pygame.error:
        audio = False
    screen = pygame.display.set_mode((width, height))
    tick = 0.1
    views = [(view((frame // 6) * tick), (frame % 6) / 60.0) for frame in range(frames)]
    monitor = Monitor(sound=AlarmSound(audio))
    monitor.update(views[0][0])
    monitor.draw(screen, screen.get_rect())  # warm the text cache and layout, as the first real frame would
    start = time.perf_counter()
    for view, ahead in views:
        monitor.update(view, ahead=min(ahead, tick))
        monitor.draw(screen, screen.get_rect())
    mean_ms = (time.perf_counter() - start) / frames * 1000.0
    print(f"monitor update+draw at {width}x{height}: {mean_ms:.2f} ms/frame over {frames} frames")
    pygame.quit()
    return mean_ms


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
