"""The patient monitor: sweeping ECG, pleth and capnogram, numerics, NIBP, prioritised alarms and their sounds.

``Monitor`` is the widget a scene updates and draws each frame; ``AlarmSound`` plays its alarm bursts and pulse
beeps through ``pygame.mixer`` (silently when there is no mixer); ``MonitorTheme`` holds its colours and sizes.
"""

from crmsim.ui.monitor.audio import AlarmSound
from crmsim.ui.monitor.monitor import Monitor
from crmsim.ui.monitor.theme import MonitorTheme

__all__ = ["AlarmSound", "Monitor", "MonitorTheme"]
