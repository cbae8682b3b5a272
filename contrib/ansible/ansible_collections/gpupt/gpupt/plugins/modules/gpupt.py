#!/usr/bin/python
# SPDX-License-Identifier: MIT
"""Ansible module: gpupt enable / disable through the host tool's --json."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: gpupt
short_description: Turn GPU passthrough on or off with gpupt
description:
  - Runs C(gpupt enable) or C(gpupt disable) on the host, with C(--json).
  - It first runs the command with C(--dry-run); only when that would change a file does it
    run it again with C(--yes). A second run with the same options changes nothing.
  - C(gpupt) writes C(/etc/gpupt.conf) and the kernel command line of the boot loader it
    finds (GRUB, proxmox-boot-tool, systemd-boot with kernel-install), rebuilds the
    initramfs images that need it and the boot menu. See gpupt(8).
  - The new settings take effect at the next boot; I(reboot_required) says so.
version_added: "1.0.0"
author:
  - gpupt contributors
requirements:
  - the C(gpupt) package (or C(make install)) on the managed host
options:
  state:
    description:
      - C(enabled) binds I(devices) to vfio-pci at every boot (C(gpupt enable));
        C(disabled) undoes everything C(gpupt enable) did, byte for byte (C(gpupt disable)).
    type: str
    choices: [enabled, disabled]
    default: enabled
  devices:
    description:
      - What to bind, each a gpupt SEL, C(VVVV:DDDD) (every device with that ID),
        C([DDDD:]BB:SS.F) (one function) or C([DDDD:]BB:SS) (every function of a slot, a GPU
        with its audio).
      - Required with I(state=enabled); ignored with I(state=disabled).
    type: list
    elements: str
  grub_in_place:
    description:
      - With GRUB, edit C(GRUB_CMDLINE_LINUX_DEFAULT) in C(/etc/default/grub) instead of
        writing the drop-in C(/etc/default/grub.d/gpupt.cfg) (C(--grub-in-place)).
    type: bool
    default: false
  force:
    description:
      - Select devices the safety check refuses (the controller holding C(/), C(/boot) or
        the ESP, and its IOMMU group) (C(--force)).
    type: bool
    default: false
  allow_unsafe_interrupts:
    description:
      - Write C(options vfio_iommu_type1 allow_unsafe_interrupts=1), for hosts without
        interrupt remapping; insecure (C(--allow-unsafe-interrupts)).
    type: bool
    default: false
  trial:
    description:
      - 0 makes the new settings the default at once (C(--no-trial)); a number of
        minutes makes the next boot a trial boot (C(--trial=MINUTES)) that
        C(gpupt-trial.service) confirms by itself when healthy, or falls back from by
        rebooting into the old settings. See C(gpupt status) after the reboot.
      - While a trial is pending, gpupt refuses another I(state=enabled) until it is
        confirmed or rolled back.
    type: int
    default: 0
  health_cmd:
    description:
      - With I(trial), a shell command the trial boot must also pass (exit 0), e.g. a
        ping the admin cares about (C(--health-cmd)).
    type: str
  root:
    description:
      - Act on the system tree at this directory instead of C(/) (C(--root)), a system
        mounted elsewhere, or a test fixture. Its C(proc), C(sys) and C(dev) must be bound.
    type: path
  binary:
    description:
      - The gpupt program, a name looked up in C(PATH) or a path.
    type: path
    default: gpupt
notes:
  - Check mode runs C(--dry-run) and reports what would change; diff mode returns the
    unified diff of every file changed (or, in check mode, to be changed).
  - The initramfs and boot-menu commands gpupt runs are those in the host's C(PATH)
    (inside the root with I(root)).
  - The selection goes to C(/etc/gpupt.conf) as addresses with their vendor:device IDs; a
    new I(devices) list replaces the previous selection.
seealso:
  - module: gpupt.gpupt.gpupt_map
'''

EXAMPLES = r'''
- name: Bind the GPU at 01:00 and its audio to vfio-pci
  gpupt.gpupt.gpupt:
    devices: ["01:00"]
  register: gpupt

- name: Reboot into it
  ansible.builtin.reboot:
  when: gpupt.reboot_required

- name: Two identical cards, by address, GRUB edited in place
  gpupt.gpupt.gpupt:
    devices: ["0000:01:00", "0000:02:00"]
    grub_in_place: true

- name: Back to how the host was
  gpupt.gpupt.gpupt:
    state: disabled
'''

RETURN = r'''
changed:
  description: Whether a file was changed (in check mode, would be).
  returned: always
  type: bool
reboot_required:
  description:
    - True when this run changed (in check mode, would change) the kernel command line,
      C(/etc/gpupt.conf) or the initramfs; the host binds as configured only after a reboot.
    - A change made by an earlier run that was not followed by a reboot is not counted
      here; C(gpupt status) reports it.
  returned: always
  type: bool
command:
  description: The gpupt command that ran, C(enable) or C(disable).
  returned: always
  type: str
  sample: enable
boot_loader:
  description: The boot loader gpupt found and edits.
  returned: always
  type: str
  sample: GRUB
initramfs:
  description: The initramfs generator gpupt found.
  returned: always
  type: str
  sample: initramfs-tools
files:
  description: The files changed (in check mode, to be changed), relative to the root.
  returned: always
  type: list
  elements: str
  sample: ["etc/gpupt.conf", "etc/default/grub.d/gpupt.cfg"]
cmd:
  description: The last gpupt command line run.
  returned: always
  type: list
  elements: str
stderr:
  description: What gpupt printed on standard error (its messages, the rebuild commands' output).
  returned: always
  type: str
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.gpupt.gpupt.plugins.module_utils.gpupt import (
    COMMON_ARGS, gpupt_argv, run_or_fail)

FLAGS = ('grub_in_place', 'force', 'allow_unsafe_interrupts')


def command_argv(module):
    """gpupt --json [--root DIR] enable|disable [flags]; the devices come last."""
    params = module.params
    if params['state'] == 'disabled':
        return gpupt_argv(module, 'disable'), []
    argv = gpupt_argv(module, 'enable')
    argv += ['--' + flag.replace('_', '-') for flag in FLAGS if params[flag]]
    if params['trial'] > 0:
        argv.append('--trial=%d' % params['trial'])
        if params['health_cmd']:
            argv += ['--health-cmd', params['health_cmd']]
    else:
        argv.append('--no-trial')
    return argv, ['--'] + params['devices']


def summary(doc, argv, stderr):
    """The module's result from gpupt's JSON summary."""
    return dict(
        changed=bool(doc.get('changed')),
        reboot_required=bool(doc.get('changed')),
        command=doc.get('command'),
        boot_loader=doc.get('boot_loader'),
        initramfs=doc.get('initramfs'),
        files=doc.get('files', []),
        cmd=argv,
        stderr=stderr,
    )


def apply(module):
    """Dry run first; write only when it would change a file, and not in check mode."""
    argv, devices = command_argv(module)
    dry = argv + ['--dry-run'] + devices
    doc, err = run_or_fail(module, dry, changed=False)
    result = summary(doc, dry, err)
    if result['changed'] and not module.check_mode:
        real = argv + ['--yes'] + devices
        # On failure gpupt puts every file back: nothing changed.
        doc, err = run_or_fail(module, real, changed=False)
        result = summary(doc, real, err)
    if module._diff and doc.get('diff'):
        result['diff'] = dict(prepared=doc['diff'])
    return result


def main():
    argument_spec = dict(
        state=dict(type='str', choices=['enabled', 'disabled'], default='enabled'),
        devices=dict(type='list', elements='str'),
    )
    argument_spec.update((flag, dict(type='bool', default=False)) for flag in FLAGS)
    argument_spec.update(trial=dict(type='int', default=0), health_cmd=dict(type='str'))
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_if=[('state', 'enabled', ('devices',))],
        supports_check_mode=True,
    )
    if module.params['state'] == 'enabled' and not module.params['devices']:
        module.fail_json(msg='devices: at least one SEL is needed with state=enabled')
    if not 0 <= module.params['trial'] <= 1440:
        module.fail_json(msg='trial: minutes, 1 to 1440, or 0 for no trial boot')
    if module.params['health_cmd'] and module.params['trial'] == 0:
        module.fail_json(msg='health_cmd: needs trial (minutes) above 0')
    module.exit_json(**apply(module))


if __name__ == '__main__':
    main()
