"""Scenario time.

Scenario seconds count from server start and run `speed` times faster than
the wall clock: scenario second s happens at wall time start + s / speed.
Every timestamp fakeaws serves is a real wall-clock time, so clients see
consistent dates; speed only compresses the scenario's timeline.

The clock offset simulates a server whose clock is wrong: it moves the time
used to judge request signatures and the Date header, nothing else.
"""

import datetime
import threading
import time

UTC = datetime.timezone.utc


class ScenarioClock:
    def __init__(self, speed=1.0, start=None, offset=0.0):
        if speed <= 0:
            raise ValueError('speed must be positive')
        self.speed = float(speed)
        self.start = time.time() if start is None else float(start)
        self._offset = float(offset)
        self._lock = threading.Lock()

    @property
    def offset(self):
        with self._lock:
            return self._offset

    def set_offset(self, seconds):
        with self._lock:
            self._offset = float(seconds)

    def now_epoch(self):
        """Real wall-clock time (epoch seconds)."""
        return time.time()

    def now_seconds(self):
        """Current scenario time in scenario seconds."""
        return self.seconds_at(self.now_epoch())

    def seconds_at(self, epoch):
        return (epoch - self.start) * self.speed

    def epoch_at(self, seconds):
        return self.start + seconds / self.speed

    def datetime_at(self, seconds):
        return epoch_to_datetime(self.epoch_at(seconds))

    def server_epoch(self):
        """The server's own (possibly wrong) clock, used for SigV4 skew."""
        return self.now_epoch() + self.offset

    def describe(self):
        now = self.now_epoch()
        return {
            'start_epoch': self.start,
            'start': iso8601(epoch_to_datetime(self.start)),
            'now_epoch': now,
            'now': iso8601(epoch_to_datetime(now)),
            'scenario_seconds': self.seconds_at(now),
            'speed': self.speed,
            'clock_offset': self.offset,
        }


def epoch_to_datetime(epoch):
    return datetime.datetime.fromtimestamp(epoch, UTC)


def datetime_to_epoch(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def iso8601(value, millis=True):
    """ISO 8601 in UTC with a Z, as AWS writes it (milliseconds optional)."""
    value = value.astimezone(UTC)
    if millis:
        return value.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (value.microsecond // 1000)
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')
