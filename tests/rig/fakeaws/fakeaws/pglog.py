"""PostgreSQL server log lines as RDS writes them.

RDS's default log_line_prefix is '%t:%r:%u@%d:[%p]:' (time, remote
host(port), user@database, pid). Scenario entries describe connection
events; this module renders them with PostgreSQL 15's exact message texts.
"""

from .scenario import ScenarioError, fill_placeholders

ENTRY_KEYS = {'at', 'repeat', 'every', 'kind', 'text', 'host', 'port', 'user', 'db', 'pid',
              'detail', 'hba_line', 'hba_rule', 'ssl', 'application'}

DETAILS = {
    'role_missing': 'Role "{user}" does not exist.',
    'password_mismatch': 'Password does not match for user "{user}".',
    'password_expired': 'User "{user}" has an expired password.',
    'no_password': 'User "{user}" has no password assigned.',
}

TLS_DETAIL = 'SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)'


def expand(entries, where):
    """Check entries and unfold `repeat` (pid and port step by one per repetition)."""
    out = []
    for index, entry in enumerate(entries):
        here = f'{where}[{index}]'
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise ScenarioError(f'{here}: unknown key(s) {sorted(unknown)}')
        if 'at' not in entry:
            raise ScenarioError(f'{here}: "at" is required')
        kind = entry.get('kind', 'text')
        if kind not in KINDS:
            raise ScenarioError(f'{here}: unknown kind {kind!r}; one of {sorted(KINDS)}')
        if entry.get('detail') not in (None, *DETAILS):
            raise ScenarioError(f"{here}: unknown detail {entry['detail']!r}")
        out.extend(_repeat(entry))
    return out


def _repeat(entry):
    count = entry.get('repeat', 1)
    every = entry.get('every', 1)
    single = {k: v for k, v in entry.items() if k not in ('repeat', 'every')}
    if count == 1:
        return [single]
    items = []
    for i in range(count):
        item = fill_placeholders(single, i + 1)
        item['at'] = entry['at'] + i * every
        for key in ('pid', 'port'):
            if key in item:
                item[key] = entry[key] + i
        items.append(item)
    return items


def prefix(when, entry):
    """'%t:%r:%u@%d:[%p]:' for one entry at datetime `when`."""
    stamp = when.strftime('%Y-%m-%d %H:%M:%S UTC')
    host = entry.get('host')
    remote = f"{host}({entry.get('port', 0)})" if host else ''
    who = f"{entry.get('user', '')}@{entry.get('db', '')}"
    return f"{stamp}:{remote}:{who}:[{entry.get('pid', 0)}]:"


def _connection_target(entry):
    """'host "H", user "U", database "D", <encryption>' as PostgreSQL 15 words it."""
    encryption = 'SSL encryption' if entry.get('ssl') else 'no encryption'
    return (f"host \"{entry.get('host', '')}\", user \"{entry.get('user', '')}\", "
            f"database \"{entry.get('db', '')}\", {encryption}")


def _password_failed(entry):
    user = entry.get('user', '')
    lines = [f'FATAL:  password authentication failed for user "{user}"']
    detail = DETAILS.get(entry.get('detail'), '').format(user=user)
    if entry.get('hba_line') is not None:
        rule = entry.get('hba_rule', '')
        matched = f'Connection matched pg_hba.conf line {entry["hba_line"]}: "{rule}"'
        detail = f'{detail}\n\t{matched}' if detail else matched
    if detail:
        lines.append(f'DETAIL:  {detail}')
    return lines


def _no_hba_entry(entry):
    return [f'FATAL:  no pg_hba.conf entry for {_connection_target(entry)}']


def _hba_reject(entry):
    return [f'FATAL:  pg_hba.conf rejects connection for {_connection_target(entry)}']


def _connection_received(entry):
    return [f"LOG:  connection received: host={entry.get('host', '')} port={entry.get('port', 0)}"]


def _connection_authorized(entry):
    text = (f"LOG:  connection authorized: user={entry.get('user', '')} "
            f"database={entry.get('db', '')}")
    if entry.get('application'):
        text += f" application_name={entry['application']}"
    if entry.get('ssl'):
        text += ' ' + TLS_DETAIL
    return [text]


def _text(entry):
    return [entry.get('text', '')]


KINDS = {
    'text': _text,
    'password_failed': _password_failed,
    'no_hba_entry': _no_hba_entry,
    'hba_reject': _hba_reject,
    'connection_received': _connection_received,
    'connection_authorized': _connection_authorized,
}


def render(entry, clock):
    """[(scenario seconds, line)] for one expanded entry; a line may hold a
    tab-indented continuation, as PostgreSQL writes multi-line DETAILs."""
    when = clock.datetime_at(entry['at'])
    head = prefix(when, entry)
    return [(entry['at'], head + line) for line in KINDS[entry.get('kind', 'text')](entry)]
