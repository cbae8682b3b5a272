# SPDX-License-Identifier: MIT
"""What the gpupt modules share: running gpupt with --json (one argv, no shell)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

# The options every gpupt module takes (merged into its argument_spec).
COMMON_ARGS = dict(
    root=dict(type='path'),
    binary=dict(type='path', default='gpupt'),
)


def gpupt_argv(module, command):
    """[gpupt, --json, (--root DIR,) COMMAND]: the start of every call."""
    binary = module.params['binary']
    if os.sep not in binary:
        binary = module.get_bin_path(binary, required=True)
    argv = [binary, '--json']
    if module.params['root']:
        argv += ['--root', module.params['root']]
    return argv + [command]


def last_message(stderr):
    """The last line gpupt wrote to standard error: what went wrong."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else ''


def run_json(module, argv):
    """Run argv; returns (rc, the JSON document or None, stderr)."""
    rc, out, err = module.run_command(argv)
    try:
        doc = json.loads(out) if out.strip() else None
    except ValueError:
        doc = None
    return rc, doc, err


def run_or_fail(module, argv, **result):
    """Run argv and return its JSON; fail the task when gpupt fails."""
    rc, doc, err = run_json(module, argv)
    if rc != 0 or doc is None:
        msg = last_message(err) or 'gpupt exited with status %d' % rc
        module.fail_json(msg=msg, rc=rc, cmd=argv, stderr=err, **result)
    return doc, err
