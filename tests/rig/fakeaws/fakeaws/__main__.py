"""Run fakeaws in the foreground: python3 -m fakeaws --scenario FILE [options].

tests/rig/fakeaws/start runs this in the background and waits for the
ready file; run it directly to watch its log on the terminal.
"""

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import threading

from .clock import ScenarioClock
from .scenario import ScenarioError, load
from .server import App


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='fakeaws', description=__doc__)
    parser.add_argument('--scenario', required=True, help='scenario JSON file')
    parser.add_argument('--speed', type=float, help='scenario seconds per wall-clock second')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='AWS endpoint port (0: any)')
    parser.add_argument('--control-port', type=int, default=0)
    parser.add_argument('--imds-port', type=int, default=0)
    parser.add_argument('--ecs-port', type=int, default=0)
    parser.add_argument('--ready-file', help='write endpoints here (JSON) once serving')
    parser.add_argument('--state-dir', help='the temp dir start made (for stop to find)')
    parser.add_argument('--lifetime', type=float, help='exit after this many seconds')
    return parser.parse_args(argv)


def write_ready(path, endpoints):
    temporary = path + '.tmp'
    with open(temporary, 'w', encoding='utf-8') as f:
        json.dump(endpoints, f)
    os.replace(temporary, path)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format='%(asctime)s %(threadName)s %(levelname)s %(message)s')
    try:
        doc = load(args.scenario)
        speed = args.speed if args.speed is not None else doc.get('speed', 1.0)
        clock = ScenarioClock(speed=speed, offset=doc.get('clock_offset', 0.0))
        app = App(doc, clock)
    except (ScenarioError, ValueError) as exc:
        print(f'fakeaws: {exc}', file=sys.stderr)
        return 2
    app.start(args.host, {'aws': args.port, 'control': args.control_port,
                          'imds': args.imds_port, 'ecs': args.ecs_port})
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    endpoints = dict(app.endpoints(), pid=os.getpid(), state_dir=args.state_dir,
                     scenario=os.path.abspath(args.scenario))
    if args.ready_file:
        write_ready(args.ready_file, endpoints)
    logging.getLogger('fakeaws').info('serving %s', json.dumps(
        {k: v for k, v in endpoints.items() if 'secret' not in k and 'token' not in k}))
    stop.wait(args.lifetime)
    app.stop()
    remove_state_dir(args.state_dir)
    return 0


def remove_state_dir(path):
    """The temp dir `start` made goes with the server (stop also removes it)."""
    if path and os.path.basename(path.rstrip('/')).startswith('fakeaws.'):
        shutil.rmtree(path, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
