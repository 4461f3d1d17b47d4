"""The caregiver's page: a small local web site served beside the running companion.

Server-rendered (Starlette, Jinja2, plain forms; no front-end build), on a thread of its own
with its own event loop (`server.PageServer`), so nothing it does can slow or stop the scan.
Every change goes through `saving.save`: the same checks as `check`, the config writer
(comments kept), a version in `history`, a journal entry, then applied live.

Modules by what they hold:
- `server`: uvicorn on its own thread; the page's address.
- `site`: the Starlette app, its templates and the route modules put together.
- `state`: what every page handler reaches (`PageState`).
- `link`: what the page may ask of the running companion (`CompanionLink`).
- `running`: the page started beside the companion (`LiveLink`) or on its own; `cli`: the
  `caregiver` and `caregiver pin` commands; `own_config`: the caregiver's own copy of the
  built-in config, which the page edits when `run` has no `--config`.
- `auth`: sessions, PIN, pairing code, CSRF, the Host check, wrong tries slowed;
  `login_pages`: signing in and out; `secrets_shown`: secrets as the page shows them.
- `saving`, `history`: one way to write a change; every version kept.
- `*_pages`: one module per part of the site (menus, settings, history, switch, journal, boards).
"""
