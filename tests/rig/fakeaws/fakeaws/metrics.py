"""Metric series as functions of time, sampled once a minute.

A series has a baseline, a linear trend, deterministic noise and spikes at
scenario offsets. The sample at wall time T (a multiple of 60 s) is

    s = scenario seconds at T
    v = baseline + trend * s / 3600 + noise * u(seed, T // 60)
    a spike overlapping the sample's minute (at < s' and s < at + duration,
    s' = scenario seconds at T + 60) sets v = value, or adds `add`, in order
    v is clamped to [min, max]

(Overlap rather than "at s" keeps short spikes visible under --speed.)

with u(seed, k) = splitmix64((seed * 1099511628211 + k) mod 2^64), top 53
bits scaled to [-1, 1): splitmix64(x) adds 0x9E3779B97F4A7C15, then
z = (z ^ z>>30) * 0xBF58476D1CE4E5B9, z = (z ^ z>>27) * 0x94D049BB133111EB,
z ^ z>>31 (all mod 2^64); u = (z >> 11) / 2^52 - 1. The default seed is
zlib.crc32("<dimension value>/<metric name>"). Kind "uptime" instead gives
the real seconds since the latest restart offset <= s (or since `since`).
"""

import zlib

MASK = (1 << 64) - 1
SAMPLE_PERIOD = 60
RETENTION = 15 * 86400      # one-minute data CloudWatch keeps

# name: (unit, baseline, noise, minimum, maximum)
RDS_METRICS = {
    'CPUUtilization': ('Percent', 12.0, 4.0, 0.0, 100.0),
    'DatabaseConnections': ('Count', 20.0, 3.0, 0.0, None),
    'FreeableMemory': ('Bytes', 4.0e9, 5.0e7, 0.0, None),
    'FreeStorageSpace': ('Bytes', 80.0e9, 1.0e8, 0.0, None),
    'SwapUsage': ('Bytes', 1.0e6, 2.0e5, 0.0, None),
    'ReadIOPS': ('Count/Second', 50.0, 10.0, 0.0, None),
    'WriteIOPS': ('Count/Second', 80.0, 15.0, 0.0, None),
    'ReadLatency': ('Seconds', 0.0008, 0.0002, 0.0, None),
    'WriteLatency': ('Seconds', 0.0012, 0.0003, 0.0, None),
    'DiskQueueDepth': ('Count', 0.5, 0.2, 0.0, None),
    'NetworkReceiveThroughput': ('Bytes/Second', 2.0e5, 5.0e4, 0.0, None),
    'NetworkTransmitThroughput': ('Bytes/Second', 4.0e5, 8.0e4, 0.0, None),
    'BurstBalance': ('Percent', 100.0, 0.0, 0.0, 100.0),
    'ReplicaLag': ('Seconds', 0.0, 0.0, 0.0, None),
    'OldestReplicationSlotLag': ('Bytes', 0.0, 0.0, 0.0, None),
    'TransactionLogsDiskUsage': ('Bytes', 5.0e8, 1.0e7, 0.0, None),
    'MaximumUsedTransactionIDs': ('Count', 2.0e8, 1.0e5, 0.0, None),
}
AURORA_METRICS = {
    'AuroraReplicaLag': ('Milliseconds', 15.0, 5.0, 0.0, None),
    'BufferCacheHitRatio': ('Percent', 99.5, 0.3, 0.0, 100.0),
    'CommitLatency': ('Milliseconds', 2.5, 0.5, 0.0, None),
    'Deadlocks': ('Count/Second', 0.0, 0.0, 0.0, None),
    'EngineUptime': ('Seconds', 0.0, 0.0, 0.0, None),
    'FreeLocalStorage': ('Bytes', 30.0e9, 1.0e7, 0.0, None),
    'VolumeBytesUsed': ('Bytes', 12.0e9, 0.0, 0.0, None),
    'DBLoad': ('None', 1.2, 0.4, 0.0, None),
}
UPTIME_METRICS = {'EngineUptime'}
SPEC_KEYS = {'unit', 'baseline', 'noise', 'seed', 'min', 'max', 'trend', 'spikes', 'kind',
             'restarts', 'since', 'absent'}


def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def unit_noise(seed, minute):
    """Deterministic noise in [-1, 1) for a seed and an epoch minute."""
    z = splitmix64((seed * 1099511628211 + minute) & MASK)
    return (z >> 11) / float(1 << 52) - 1.0


def default_specs(aurora):
    """Default series specs for a DB instance (Aurora instances and clusters add Aurora's)."""
    table = dict(RDS_METRICS)
    if aurora:
        table.update(AURORA_METRICS)
    specs = {}
    for name, (unit, baseline, noise, low, high) in table.items():
        spec = {'unit': unit, 'baseline': baseline, 'noise': noise, 'min': low, 'max': high}
        if name in UPTIME_METRICS:
            spec['kind'] = 'uptime'
        specs[name] = spec
    return specs


class Series:
    def __init__(self, dimension_value, name, spec, clock, data_start):
        unknown = set(spec) - SPEC_KEYS
        if unknown:
            raise ValueError(f'unknown metric key(s) {sorted(unknown)}')
        self.name = name
        self.unit = spec.get('unit', 'None')
        self.baseline = float(spec.get('baseline', 0.0))
        self.noise = float(spec.get('noise', 0.0))
        self.seed = spec.get('seed', zlib.crc32(f'{dimension_value}/{name}'.encode()))
        self.low = spec.get('min')
        self.high = spec.get('max')
        self.trend = float(spec.get('trend', 0.0))
        self.spikes = list(spec.get('spikes', []))
        self.kind = spec.get('kind', 'gauge')
        self.restarts = sorted(spec.get('restarts', []))
        self.since = spec.get('since', -30 * 86400)
        self.clock = clock
        self.data_start = data_start        # epoch of the first sample

    def value(self, epoch):
        """The sample at a wall-clock epoch (a multiple of SAMPLE_PERIOD)."""
        seconds = self.clock.seconds_at(epoch)
        if self.kind == 'uptime':
            last = max([r for r in self.restarts if r <= seconds], default=self.since)
            return epoch - self.clock.epoch_at(last)
        value = self.baseline + self.trend * seconds / 3600.0
        value += self.noise * unit_noise(self.seed, int(epoch) // SAMPLE_PERIOD)
        minute_end = self.clock.seconds_at(epoch + SAMPLE_PERIOD)
        for spike in self.spikes:
            if spike['at'] < minute_end and seconds < spike['at'] + spike.get('duration', 60):
                value = float(spike['value']) if 'value' in spike else value + spike.get('add', 0.0)
        if self.low is not None:
            value = max(self.low, value)
        if self.high is not None:
            value = min(self.high, value)
        return value

    def samples(self, start, end, now):
        """[(epoch, value)] for samples in [start, end) that exist by `now`."""
        first = max(start, self.data_start, now - RETENTION)
        first = -(-int(first) // SAMPLE_PERIOD) * SAMPLE_PERIOD
        last = min(end, now + 1e-9)
        return [(t, self.value(t)) for t in range(first, int(last) + 1, SAMPLE_PERIOD)
                if t < end and t <= now]


def statistic(stat, values):
    """CloudWatch statistic over one period's samples (None if unsupported)."""
    if stat == 'Average':
        return sum(values) / len(values)
    if stat == 'Sum':
        return float(sum(values))
    if stat == 'Minimum':
        return min(values)
    if stat == 'Maximum':
        return max(values)
    if stat == 'SampleCount':
        return float(len(values))
    if stat.startswith('p'):
        return _percentile(values, float(stat[1:]))
    return None


def _percentile(values, rank):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(-(-rank * len(ordered) // 100)) - 1))
    return ordered[index]


def valid_statistic(stat):
    if stat in ('Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'):
        return True
    if stat.startswith('p'):
        try:
            return 0.0 <= float(stat[1:]) <= 100.0
        except ValueError:
            return False
    return False
