"""The caregiver's page: a small local web site served beside the running companion.

Server-rendered (Starlette, Jinja2, plain forms; no front-end build). Beside the running
companion it runs in a process of its own (`page_process`, started by `beside`), so nothing it
does can slow or stop the scan: in the companion's process its work held Python's
interpreter lock while the scan waited (page_process.py has the figures).
Every change goes through `saving.save`: the same checks as `check`, the config writer
(comments kept), a version in `history`, a journal entry, then applied live.

Modules by what they hold:
- `beside`: the companion's side: the page's process started, its messages handed to the
  loop, the config watcher and the journal, trace lines sent while the page listens.
- `page_process`: the page's process (`ProcessLink`); `channel`: JSON lines between the two.
- `server`: uvicorn on its own thread in that process; the page's address.
- `site`: the Starlette app, its templates and the route modules put together.
- `state`: what every page handler reaches (`PageState`).
- `link`: what the page may ask of the running companion (`CompanionLink`).
- `running`: the page started and stopped (in its process, or by the `caregiver` command); `cli`: the
  `caregiver` and `caregiver pin` commands; `own_config`: the caregiver's own copy of the
  built-in config, which the page edits when `run` has no `--config`.
- `auth`: sessions, PIN, pairing code, CSRF, the Host check, wrong tries slowed;
  `login_pages`: signing in and out; `secrets_shown`: secrets as the page shows them.
- `saving`, `history`: one way to write a change; every version kept.
- `*_pages`: one module per part of the site (menus, settings, history, switch, journal, boards).
"""
