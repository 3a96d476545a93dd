"""Service models: Debian's python3-botocore models plus small overlays.

Debian 12's botocore (1.29) predates a few members rdswatch reads (RDS
CertificateDetails and MasterUserSecret, GuardDuty RDS Protection shapes).
overlays/<service>.json holds those member and shape definitions, copied
verbatim from a newer upstream model; they are merged in here so that every
response fakeaws writes is driven by one model per service.
"""

import copy
import functools
import json
import os
import threading

from botocore.loaders import Loader
from botocore.model import ServiceModel

OVERLAY_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'overlays')

_lock = threading.Lock()
_cache = {}
_loader = Loader()


def apply_overlay(model, overlay):
    """A raw model dict with an overlay's additions merged (the input is not changed)."""
    merged = dict(model)
    shapes = merged['shapes'] = dict(model['shapes'])
    for name, shape in overlay.get('shapes', {}).items():
        shapes.setdefault(name, copy.deepcopy(shape))
    for shape_name, members in overlay.get('members', {}).items():
        shape = shapes[shape_name] = dict(shapes[shape_name])
        target = shape['members'] = dict(shape.get('members', {}))
        for member, definition in members.items():
            target.setdefault(member, copy.deepcopy(definition))
    return merged


def raw_model(model_name):
    """The raw model dict Debian's botocore ships, with the overlay applied."""
    model = _loader.load_service_model(model_name, 'service-2')
    path = os.path.join(OVERLAY_DIR, model_name + '.json')
    if os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            model = apply_overlay(model, json.load(f))
    return model


def service_model(model_name):
    """A cached botocore ServiceModel for a botocore model name."""
    with _lock:
        if model_name not in _cache:
            _cache[model_name] = ServiceModel(raw_model(model_name), model_name)
        return _cache[model_name]


@functools.lru_cache(maxsize=None)
def shape(model_name, shape_name):
    """A cached shape object (botocore caches members per shape object)."""
    return service_model(model_name).shape_for(shape_name)
