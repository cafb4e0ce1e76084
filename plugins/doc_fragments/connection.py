# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment(object):
    """Connection options shared by every module (the collection's connection contract)."""

    DOCUMENTATION = r"""
options:
  platform:
    description:
      - Which API to talk to.
      - V(incontrol) is Peplink InControl 2, V(peplink_router) is one Peplink router's local API,
        V(ncm) is Cradlepoint NetCloud Manager API v2, V(telecomx) is the TelecomX network-management API.
      - If not set, the value of the environment variable E(WANFLEET_PLATFORM) is used.
    type: str
    required: true
    choices: [incontrol, peplink_router, ncm, telecomx]
  incontrol:
    description:
      - Credentials for O(platform=incontrol). Every key falls back to its environment variable,
        so the dictionary can be left out when the environment holds the credentials.
    type: dict
    suboptions:
      url:
        description:
          - Base URL of InControl 2. Defaults to V(https://api.ic.peplink.com).
          - Environment variable E(INCONTROL_URL).
        type: str
      client_id:
        description:
          - OAuth2 client id of an InControl client application (client credentials flow).
          - Environment variable E(INCONTROL_CLIENT_ID).
        type: str
      client_secret:
        description:
          - OAuth2 client secret.
          - Environment variable E(INCONTROL_CLIENT_SECRET).
        type: str
      organization:
        description:
          - Organization id or name. May be left out when the client sees one organization.
          - Environment variable E(INCONTROL_ORG).
        type: str
  peplink_router:
    description:
      - Credentials for O(platform=peplink_router). Give O(peplink_router.username) and
        O(peplink_router.password) (a session that is closed when the task ends), or
        O(peplink_router.client_id) and O(peplink_router.client_secret) (an access token, reused across tasks).
      - Every key falls back to its environment variable.
    type: dict
    suboptions:
      url:
        description:
          - Address of the router, for example V(https://192.168.50.1). Required.
          - Environment variable E(PEPLINK_URL).
        type: str
      username:
        description:
          - Admin user name. Environment variable E(PEPLINK_USERNAME).
        type: str
      password:
        description:
          - Admin password. Environment variable E(PEPLINK_PASSWORD).
        type: str
      client_id:
        description:
          - API client id (created on the router under API access). Environment variable E(PEPLINK_CLIENT_ID).
        type: str
      client_secret:
        description:
          - API client secret. Environment variable E(PEPLINK_CLIENT_SECRET).
        type: str
  ncm:
    description:
      - Credentials for O(platform=ncm), the four API keys Cradlepoint NetCloud Manager requires.
        The environment variable names are the ones Cradlepoint's own SDK reads.
    type: dict
    suboptions:
      url:
        description:
          - Base URL of the API. Defaults to V(https://www.cradlepointecm.com/api/v2).
          - Environment variable E(CP_BASE_URL).
        type: str
      cp_api_id:
        description:
          - C(X-CP-API-ID). Environment variable E(X_CP_API_ID).
        type: str
      cp_api_key:
        description:
          - C(X-CP-API-KEY). Environment variable E(X_CP_API_KEY).
        type: str
      ecm_api_id:
        description:
          - C(X-ECM-API-ID). Environment variable E(X_ECM_API_ID).
        type: str
      ecm_api_key:
        description:
          - C(X-ECM-API-KEY). Environment variable E(X_ECM_API_KEY).
        type: str
  telecomx:
    description:
      - "Credentials for O(platform=telecomx): O(telecomx.username) and O(telecomx.password), or a O(telecomx.token)."
      - Every key falls back to its environment variable.
    type: dict
    suboptions:
      url:
        description:
          - Base URL of the API. Defaults to V(https://api.telecomx.dk).
          - Environment variable E(TELECOMX_URL).
        type: str
      username:
        description:
          - E-mail address of the employee account. Environment variable E(TELECOMX_USERNAME).
        type: str
      password:
        description:
          - Password. Environment variable E(TELECOMX_PASSWORD).
        type: str
      token:
        description:
          - A token obtained beforehand (for example a machine-to-machine token). Environment variable E(TELECOMX_TOKEN).
        type: str
      customer:
        description:
          - Customer id to act on. Defaults to the account's own customer. Environment variable E(TELECOMX_CUSTOMER).
        type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Set to V(false) only for a device with a self-signed certificate;
        O(ca_path) is the better choice.
      - Environment variable E(WANFLEET_VALIDATE_CERTS).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of certificate authorities to trust instead of the default bundle.
      - Environment variable E(WANFLEET_CA_PATH).
    type: path
  timeout:
    description:
      - Seconds to wait for an answer to one request (connecting waits at most 10 seconds).
      - Environment variable E(WANFLEET_TIMEOUT).
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request that may safely be repeated is retried after HTTP 429, 502, 503, 504
        (and the platform's other transient answers) or a dropped connection, with jittered exponential backoff
        that honours C(Retry-After). Requests that are not idempotent, such as a reboot, are never retried.
      - Environment variable E(WANFLEET_MAX_RETRIES).
    type: int
    default: 5
  token_cache:
    description:
      - Reuse access tokens across the tasks of a run, from files in C(~/.cache/wanfleet.routers/tokens)
        readable only by their owner (E(WANFLEET_CACHE_DIR) moves them). With V(false), every task logs in.
      - Environment variable E(WANFLEET_TOKEN_CACHE).
    type: bool
    default: true
  rate_limit:
    description:
      - Requests per second this run may send to the platform account (InControl 2 - the organization),
        for operators who split a limit by hand, for example between the slices of an AWX job.
      - Without it the run follows the platform. InControl 2 documents 20 requests per second per organization;
        a run starts at 18 per second (reached in two seconds) and never exceeds 19. NCM and TelecomX document
        no number, so requests are not spaced until the platform answers HTTP 429. On every 429 the run cuts its
        rate to a little below what the platform accepted lately, waits out C(Retry-After), and then slowly raises
        the rate again while requests pass. O(rate_limit) is the most it then allows; it never raises a documented limit.
      - The rate is shared by the forks of a run through a file in the token cache folder
        (with O(token_cache=false), each task paces itself alone). Not used with O(platform=peplink_router).
      - Environment variable E(WANFLEET_RATE_LIMIT).
    type: float
notes:
  - "Modules run on the controller. Use C(hosts: localhost), C(delegate_to: localhost),
    or inventory hosts with C(ansible_connection: local)."
  - "Every option of this fragment can be set once for all modules with
    C(module_defaults: {group/wanfleet.routers.all: {...}})."
requirements:
  - httpx >= 0.27
  - pydantic >= 2.6
"""
