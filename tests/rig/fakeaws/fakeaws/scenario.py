"""Scenario files: loading, environment values, templates, and key checking.

The result of `load` is the *expanded* scenario: plain JSON with every
template merged, every `count` repeated, every {"$env": ...} replaced. It is
what the server runs and what `expand` prints, so other tests can compute
expected values from one regular document. tests/rig/README.md documents
the format; SECTIONS below is its list of allowed keys.
"""

import copy
import json
import os
import re
import sys

# Allowed keys per kind of entry. 'attributes' always holds API members
# (botocore names); everything else is the rig's own, lower-case.
_REPEAT = {'template', 'count', 'first'}
_PLACED = {'region', 'account'}
ENTRY_KEYS = {
    'credential': {'access_key_id', 'secret_access_key', 'session_token', 'expires_at', 'account',
                   'user', 'role', 'deny', 'default'},
    'role': {'arn', 'max_session_duration', 'external_id', 'trusted', 'deny'},
    'account': {'id', 'alias'},
    'instance': _REPEAT | _PLACED | {'appear_at', 'attributes', 'changes', 'restore_lag',
                                     'pending_maintenance', 'metrics', 'postgres_log'},
    'cluster': _REPEAT | _PLACED | {'appear_at', 'attributes', 'changes', 'restore_lag',
                                    'pending_maintenance', 'metrics'},
    'parameter_group': _REPEAT | _PLACED | {'appear_at', 'name', 'family', 'parameters'},
    'engine_version': _REPEAT | _PLACED | {'appear_at', 'attributes', 'default'},
    'certificate': _REPEAT | _PLACED | {'appear_at', 'attributes'},
    'snapshot': _REPEAT | _PLACED | {'appear_at', 'attributes', 'restore'},
    'cluster_snapshot': _REPEAT | _PLACED | {'appear_at', 'attributes', 'restore'},
    'security_group': _REPEAT | _PLACED | {'appear_at', 'attributes'},
    'event': _REPEAT | _PLACED | {'at', 'attributes'},
    'log_group': _REPEAT | _PLACED | {'appear_at', 'name', 'events'},
    'detector': _REPEAT | _PLACED | {'appear_at', 'id', 'attributes', 'findings'},
    'finding': _REPEAT | {'at', 'attributes'},
    'secret': _REPEAT | _PLACED | {'appear_at', 'name', 'arn', 'versions', 'created_at'},
    'fault': {'service', 'operation', 'kind', 'count', 'at', 'until', 'seconds', 'code', 'status',
              'message'},
}
TOP_SECTIONS = {
    'credentials': 'credential', 'roles': 'role', 'accounts': 'account',
    'instances': 'instance', 'clusters': 'cluster', 'parameter_groups': 'parameter_group',
    'cluster_parameter_groups': 'parameter_group', 'engine_versions': 'engine_version',
    'certificates': 'certificate', 'snapshots': 'snapshot',
    'cluster_snapshots': 'cluster_snapshot', 'security_groups': 'security_group',
    'events': 'event', 'log_groups': 'log_group', 'secrets': 'secret', 'faults': 'fault',
}
TOP_KEYS = set(TOP_SECTIONS) | {
    'format', 'name', 'description', 'speed', 'clock_offset', 'regions', 'templates', 'sso',
    'imds', 'ecs', 'guardduty', 'default_certificate',
}
FORMAT = 1

_PLACEHOLDER = re.compile(r'\{n(?::0(\d+))?\}')


class ScenarioError(ValueError):
    pass


def load(path, environ=None):
    """Read, substitute, expand and check a scenario file."""
    try:
        with open(path, encoding='utf-8') as f:
            raw = json.load(f)
    except (OSError, ValueError) as exc:
        raise ScenarioError(f'{path}: {exc}') from exc
    return expand(raw, os.environ if environ is None else environ)


def expand(raw, environ):
    if not isinstance(raw, dict):
        raise ScenarioError('a scenario is a JSON object')
    doc = substitute_env(raw, environ)
    _check_keys(doc, TOP_KEYS, 'scenario')
    if doc.get('format', FORMAT) != FORMAT:
        raise ScenarioError(f"unsupported scenario format {doc.get('format')!r}")
    templates = doc.pop('templates', {})
    for section, kind in TOP_SECTIONS.items():
        doc[section] = _expand_list(doc.get(section, []), kind, templates, section)
    guardduty = doc.setdefault('guardduty', {})
    _check_keys(guardduty, {'detectors'}, 'guardduty')
    detectors = _expand_list(guardduty.get('detectors', []), 'detector', templates, 'detectors')
    for index, detector in enumerate(detectors):
        detector['findings'] = _expand_list(detector.get('findings', []), 'finding', templates,
                                            f'detectors[{index}].findings')
    guardduty['detectors'] = detectors
    _check_defaults(doc)
    return doc


def substitute_env(value, environ):
    """Replace every {"$env": NAME, "default": V} by the variable, typed like V."""
    if isinstance(value, dict):
        if '$env' in value:
            return _env_value(value, environ)
        return {k: substitute_env(v, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_env(v, environ) for v in value]
    return value


def _env_value(spec, environ):
    name = spec['$env']
    default = spec.get('default')
    text = environ.get(name)
    if text is None or text == '':
        return default
    if isinstance(default, bool):
        return text.lower() in ('1', 'true', 'yes')
    if isinstance(default, int):
        try:
            return int(text)
        except ValueError as exc:
            raise ScenarioError(f'${name}={text!r} is not an integer') from exc
    if isinstance(default, float):
        return float(text)
    return text


def deep_merge(base, override):
    """Objects merge key by key (recursively); anything else in override replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = copy.deepcopy(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def _expand_list(entries, kind, templates, where):
    if not isinstance(entries, list):
        raise ScenarioError(f'{where} must be a list')
    out = []
    for index, entry in enumerate(entries):
        here = f'{where}[{index}]'
        if not isinstance(entry, dict):
            raise ScenarioError(f'{here} must be an object')
        if not _REPEAT <= ENTRY_KEYS[kind]:      # credentials, faults (their "count" differs)...
            _check_keys(entry, ENTRY_KEYS[kind], here)
            out.append(copy.deepcopy(entry))
            continue
        entry = _apply_template(entry, templates, here)
        _check_keys(entry, ENTRY_KEYS[kind], here)
        out.extend(_repeat(entry))
    return out


def _apply_template(entry, templates, where):
    name = entry.get('template')
    if name is None:
        return entry
    if name not in templates:
        raise ScenarioError(f'{where}: unknown template {name!r}')
    merged = deep_merge(templates[name], entry)
    merged.pop('template')
    return merged


def _repeat(entry):
    count = entry.pop('count', None)
    first = entry.pop('first', 1)
    if count is None:
        return [entry]
    return [fill_placeholders(entry, n) for n in range(first, first + count)]


def fill_placeholders(value, n):
    """Replace {n} and {n:0W} (zero-padded to width W) in every string."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: str(n).zfill(int(m.group(1) or 0)), value)
    if isinstance(value, dict):
        return {k: fill_placeholders(v, n) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_placeholders(v, n) for v in value]
    return value


def _check_keys(entry, allowed, where):
    unknown = set(entry) - allowed
    if unknown:
        raise ScenarioError(f'{where}: unknown key(s) {sorted(unknown)}; '
                            f'allowed: {sorted(allowed)}')


def _check_defaults(doc):
    if not doc.get('regions'):
        raise ScenarioError('scenario: "regions" must list at least one region')
    if not doc.get('accounts'):
        raise ScenarioError('scenario: "accounts" must list at least one account')
    if not doc.get('credentials'):
        raise ScenarioError('scenario: "credentials" must list at least one credential')


def main(argv):
    """`expand FILE`: print the expanded scenario as JSON."""
    if len(argv) != 1:
        print('usage: expand SCENARIO.json', file=sys.stderr)
        return 2
    try:
        json.dump(load(argv[0]), sys.stdout, indent=1, sort_keys=True)
    except ScenarioError as exc:
        print(f'expand: {exc}', file=sys.stderr)
        return 1
    print()
    return 0
