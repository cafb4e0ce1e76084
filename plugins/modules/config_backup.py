#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: config_backup
short_description: Save routers' configurations to files on the controller
version_added: 0.2.0
description:
  - Reads the configuration of one device, of every device of a group, or of every device the credentials see,
    and writes it to O(dest)C(/<platform>/<device name or serial>.<ext>) on the controller.
  - A file is written atomically (a temporary file renamed over it), and only when its content changed; an unchanged
    device reports C(changed=false), so a second run changes nothing.
  - Several devices are read a few at a time, within the platform's rate limit. A device that fails does not stop the
    others; the task fails at the end and lists the failed devices in RV(failed_devices).
extends_documentation_fragment:
  - wanfleet.routers.connection
  - wanfleet.routers.attributes
options:
  device:
    description:
      - The device to back up, by id, serial number, name or MAC address.
      - Without O(device) and O(group), every device the credentials see is backed up.
    type: str
  group:
    description:
      - Back up every device of this group (id or name). InControl 2 and NetCloud Manager only.
      - On NetCloud Manager the group's own configuration is saved too, as C(<dest>/ncm/groups/<group name>.json).
    type: str
  dest:
    description:
      - The folder on the controller that receives the backups (created if missing).
    type: path
    required: true
  history:
    description:
      - Also keep a timestamped copy of each changed backup under C(<dest>/<platform>/history/<file name>/).
    type: bool
    default: false
  keep:
    description:
      - With O(history=true), how many timestamped copies of each device to keep (the oldest go first).
    type: int
    default: 10
attributes:
  check_mode:
    details: Reads the configurations and reports which files would change, and writes nothing.
  diff_mode:
    support: full
    details:
      - Shows, per changed file, a short digest of each top-level key of a JSON backup (which keys changed, never a
        value), or the SHA-256 of a binary one.
  platform:
    platforms: [incontrol, ncm, telecomx]
    details: Writes the backup files on the controller.
notes:
  - "O(platform=incontrol): the newest configuration file InControl 2 keeps for the device (documented
    C(GET .../d/<id>/config_backup) and C(.../config_backup/<file id>)), saved as it is, with the extension C(.conf).
    InControl takes those backups itself; its API cannot ask for a new one."
  - "O(platform=ncm): the router's C(configuration_managers) record, its C(configuration) (the router's own settings)
    and C(actual) (what the router last reported), as JSON. NetCloud Manager shows every password as C(*)."
  - "O(platform=telecomx): the device object's writable properties as JSON, wifi passwords removed."
  - "O(platform=peplink_router) is refused: the router's local API has no configuration export; back the routers up
    through InControl 2."
  - The backups hold configurations; the files are created readable by their owner only.
author:
  - wanfleet.routers contributors (@wanfleet)
"""

EXAMPLES = r"""
- name: Back up every router of an NCM group, keeping 30 dated copies
  wanfleet.routers.config_backup:
    platform: ncm
    group: Stores
    dest: /var/backups/routers
    history: true
    keep: 30

- name: Back up one Peplink router through InControl 2
  wanfleet.routers.config_backup:
    platform: incontrol
    device: branch-007
    dest: "{{ playbook_dir }}/backups"
"""

RETURN = r"""
backups:
  description: One item per device backed up (in check mode, that would be backed up).
  returned: always
  type: list
  elements: dict
  contains:
    platform:
      description: The platform.
      type: str
    device:
      description: The device's name (its id if it has none); C(group <name>) for an NCM group's own configuration.
      type: str
    serial:
      description: The device's serial number, where known.
      type: str
    path:
      description: The file.
      type: str
    changed:
      description: Whether the file was written (in check mode, would be).
      type: bool
    sha256:
      description: SHA-256 of the backup's content.
      type: str
    size:
      description: Size of the backup in bytes.
      type: int
  sample: [{platform: ncm, device: store-042, serial: MM180012345678, path: /var/backups/routers/ncm/store-042.json,
            changed: true, sha256: 9f2c0c1e5d..., size: 5321}]
failed_devices:
  description: Devices whose backup failed, with the reason; the task fails when this is not empty.
  returned: always
  type: list
  elements: dict
  sample: [{device: store-043, serial: MM180012345679, error: "ncm: GET /configuration_managers/: HTTP 500"}]
"""

from ansible_collections.wanfleet.routers.plugins.module_utils.ansible_module import WanfleetModule
from ansible_collections.wanfleet.routers.plugins.module_utils.config_backup import back_up

SPEC = dict(
    argument_spec=dict(
        device=dict(type="str"),
        group=dict(type="str"),
        dest=dict(type="path", required=True),
        history=dict(type="bool", default=False),
        keep=dict(type="int", default=10),
    ),
    platforms=("incontrol", "ncm", "telecomx", "peplink_router"),
)


def operate(module, client):
    return back_up(module, client)


def main():
    WanfleetModule(**SPEC).run(operate)


if __name__ == "__main__":
    main()
