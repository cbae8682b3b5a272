#!/usr/bin/python
# SPDX-License-Identifier: MIT
"""Ansible module: this node's entries of a Proxmox VE PCI mapping (gpupt map)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: gpupt_map
short_description: Set this node's entries of a Proxmox VE cluster PCI mapping with gpupt
description:
  - Runs C(gpupt map NAME SEL...) with C(--json) on a Proxmox VE node. It sets this node's
    C(map) entries of the resource mapping I(name) in C(/etc/pve/mapping/pci.cfg), one per
    card, with the C(id), C(subsystem-id) and C(iommugroup) Proxmox VE checks before a VM
    starts. Other nodes' entries, comments and unknown keys stay as they are.
  - It runs C(--dry-run) first and applies (C(--yes)) only when the entries change.
  - With C(pvesh) installed (and no I(root)) gpupt goes through the API; otherwise it edits
    the file atomically, with a backup under C(/var/lib/gpupt/backup/).
  - Run it on every node that has the card, then give the VM C(mapping=NAME)
    (C(gpupt vm VMID --mapping NAME)).
version_added: "1.0.0"
author:
  - gpupt contributors
requirements:
  - the C(gpupt) package on the Proxmox VE node
options:
  name:
    description:
      - The mapping's ID, Proxmox VE's format (a letter, then letters, digits, C(-), C(_)).
    type: str
    required: true
  devices:
    description:
      - The cards of this node, each a gpupt SEL (C(VVVV:DDDD), C([DDDD:]BB:SS.F) or
        C([DDDD:]BB:SS), a slot being one entry with all its functions).
    type: list
    elements: str
    required: true
  root:
    description:
      - Act on the system tree at this directory instead of C(/) (C(--root)); the file is
        then edited, never through C(pvesh).
    type: path
  binary:
    description:
      - The gpupt program, a name looked up in C(PATH) or a path.
    type: path
    default: gpupt
notes:
  - Check mode runs C(--dry-run). Diff mode returns the file's diff (or, with C(pvesh), the
    command that would run).
  - The node name is the short host name from C(/etc/hostname).
seealso:
  - module: gpupt.gpupt.gpupt
'''

EXAMPLES = r'''
- name: The GPU at 01:00 as mapping "gpu" on every node that has it
  gpupt.gpupt.gpupt_map:
    name: gpu
    devices: ["01:00"]
'''

RETURN = r'''
changed:
  description: Whether this node's entries changed (in check mode, would change).
  returned: always
  type: bool
mapping:
  description: The mapping's name.
  returned: always
  type: str
  sample: gpu
node:
  description: This node's name, as the entries carry it.
  returned: always
  type: str
  sample: pve2
method:
  description: How the mapping is written, C(pvesh) or C(file).
  returned: always
  type: str
  sample: file
map:
  description: This node's entries, the value of each C(map) line.
  returned: always
  type: list
  elements: str
  sample: ["id=10de:1381,iommugroup=12,node=pve2,path=0000:01:00,subsystem-id=1043:8416"]
backup:
  description: Where the previous file was saved (file method, when it changed).
  returned: when the file changed
  type: str
cmd:
  description: The last gpupt command line run.
  returned: always
  type: list
  elements: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.gpupt.gpupt.plugins.module_utils.gpupt import (
    COMMON_ARGS, gpupt_argv, run_or_fail)


def dry_run_diff(module, argv):
    """The change as the dry run's text shows it: the diff (or pvesh command) after the plan.

    The JSON of gpupt map does not carry it; argv is the dry run without --json.
    """
    rc, out, dummy = module.run_command([arg for arg in argv if arg != '--json'])
    lines = out.splitlines(True) if rc == 0 else []
    for i, line in enumerate(lines):
        if line.startswith(('--- ', 'would run')):
            return ''.join(lines[i:])
    return ''


def summary(doc, argv):
    result = dict(changed=bool(doc.get('changes')), cmd=argv)
    for key in ('mapping', 'node', 'method', 'map'):
        result[key] = doc.get(key)
    if doc.get('backup'):
        result['backup'] = doc['backup']
    return result


def apply(module):
    argv = gpupt_argv(module, 'map') + [module.params['name']]
    devices = ['--'] + module.params['devices']
    dry = argv + ['--dry-run'] + devices
    doc, dummy = run_or_fail(module, dry, changed=False)
    result = summary(doc, dry)
    diff = dry_run_diff(module, dry) if result['changed'] and module._diff else ''
    if result['changed'] and not module.check_mode:
        real = argv + ['--yes'] + devices
        doc, dummy = run_or_fail(module, real, changed=False)
        result = summary(doc, real)
    if diff:
        result['diff'] = dict(prepared=diff)
    return result


def main():
    argument_spec = dict(
        name=dict(type='str', required=True),
        devices=dict(type='list', elements='str', required=True),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    if not module.params['devices']:
        module.fail_json(msg='devices: at least one SEL is needed')
    module.exit_json(**apply(module))


if __name__ == '__main__':
    main()
