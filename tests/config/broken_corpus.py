"""A corpus of broken configs, one fault each, with where the fault must be reported.

Each case is a folder of files; `where` is the `file:line` the problem must name and `says`
a part of its message. Most cases are a working menu (`HOME_OK`) plus one settings file with
one fault, or one fault added to the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

HOME_OK = "menus:\n  - id: home\n    items:\n      - label: Water\n"
"""Four lines: a fault added after it starts at line 5."""
MORE_OK = HOME_OK + "      - label: More\n        menu: more\n  - id: more\n    items:\n      - label: Tea\n"


@dataclass(frozen=True)
class Broken:
    category: str
    name: str
    files: dict[str, str | bytes]
    where: str
    says: str


CORPUS: list[Broken] = []


def setting(category: str, name: str, body: str, line: int, says: str) -> None:
    """A fault in `settings.yaml` ("settings:" is line 1, so `body` starts at line 2)."""
    files: dict[str, str | bytes] = {"menus.yaml": HOME_OK, "settings.yaml": "settings:\n" + body}
    CORPUS.append(Broken(category, name, files, f"settings.yaml:{line}", says))


def menu(category: str, name: str, extra: str, line: int, says: str, base: str = HOME_OK) -> None:
    """A fault in `menus.yaml` (`extra` follows `base`; after HOME_OK it starts at line 5)."""
    CORPUS.append(Broken(category, name, {"menus.yaml": base + extra}, f"menus.yaml:{line}", says))


def files(category: str, name: str, given: dict[str, str | bytes], where: str, says: str) -> None:
    CORPUS.append(Broken(category, name, given, where, says))


# Syntax.
S = "syntax"
menu(S, "unclosed double quote", '      - label: "Tea\n      - label: Juice\n', 5, "never closed")
menu(S, "unclosed single quote", "      - label: 'Tea\n      - label: Juice\n", 5, "never closed")
files(
    S,
    "unclosed [ with a block list inside",
    {"menus.yaml": "menus:\n  - id: home\n    items: [\n      - label: x\n"},
    "menus.yaml:3",
    "'[' is never closed",
)
menu(S, "unclosed {", "      - {label: Tea\n      - label: Juice\n", 5, "'{' is never closed")
setting(
    S,
    "unclosed [ in settings",
    '  rest:\n    reminders: ["10:30", "15:00"\n  help:\n    hold_seconds: 3\n',
    3,
    "'[' is never closed",
)
setting(S, "unclosed quote in a message", '  messages:\n    back: "Back\n    help: Help\n', 3, "never closed")
files(
    S,
    "tab indentation",
    {"menus.yaml": "menus:\n  - id: home\n    items:\n\t- label: x\n"},
    "menus.yaml:4",
    "tab",
)
menu(S, "colon inside plain text", "      - label: Note: hello\n", 5, "put the text in quotes")
menu(S, "a second document", "---\nsettings: {}\n", 5, "one document")
menu(S, "unknown escape in double quotes", '      - label: "a\\q"\n', 5, "escape")
menu(S, "text after a quoted value", '      - label: "Tea" please\n', 5, "text after a value")
menu(S, "bad block scalar indicator", "      - label: |x\n", 5, "'|'")
files(
    S,
    "stray closing bracket",
    {"menus.yaml": "menus:\n  - id: home\n    items: [{label: A}]]\n"},
    "menus.yaml:3",
    "']'",
)
setting(S, "bad indentation", "  scanning:\n    interval: 2\n   loops: 3\n", 4, "indent")
files(
    S,
    "top level is a list",
    {"menus.yaml": "- id: home\n  items: [{label: A}]\n"},
    "menus.yaml:1",
    "'settings:' and/or 'menus:'",
)
files(S, "top level is text", {"menus.yaml": "hello\n"}, "menus.yaml:1", "'settings:' and/or 'menus:'")
menu(S, "key given twice", "        label: Tea\n", 5, "'label' is given twice")
setting(S, "section given twice", "  scanning: {}\n  scanning: {}\n", 3, "'scanning' is given twice")
files(
    S,
    "settings in two files",
    {"a.yaml": HOME_OK + "settings: {}\n", "b.yaml": "settings:\n  voice_commands: true\n"},
    "b.yaml:1",
    "settings are given again",
)
menu(S, "a list where a key is expected", "      - label: Tea\n        - say: tea\n", 6, "")

# Types.
T = "types"
setting(
    T, "bool for a whole number", "  scanning:\n    loops: true\n", 3, "expected a whole number, got true"
)
setting(
    T,
    "yes for seconds",
    "  scanning:\n    interval: yes\n",
    3,
    "expected a number of seconds, got `yes` (read as true)",
)
setting(
    T,
    "text for seconds",
    "  scanning:\n    interval: fast\n",
    3,
    "expected a number of seconds, got text 'fast'",
)
setting(T, "quoted number", '  scanning:\n    interval: "1.5"\n', 3, "got text '1.5'")
setting(T, "a list for seconds", "  scanning:\n    interval: [1, 2]\n", 3, "got a list")
setting(T, "keys for seconds", "  scanning:\n    interval: {a: 1}\n", 3, "got keys")
setting(T, "no value for seconds", "  scanning:\n    interval:\n", 3, "has no value")
setting(T, "fraction for a count", "  scanning:\n    loops: 2.5\n", 3, "expected a whole number, got 2.5")
setting(T, "number for true or false", "  scanning:\n    auditory: 1\n", 3, "expected true or false, got 1")
setting(
    T,
    "quoted yes for true or false",
    '  scanning:\n    auditory: "yes"\n',
    3,
    "expected true or false, got text 'yes'",
)
setting(
    T, "maybe for true or false", "  voice_commands: maybe\n", 2, "expected true or false, got text 'maybe'"
)
menu(T, "No as a label", "      - label: No\n", 5, "`No` is read as false: put it in quotes")
menu(T, "yes as a label", "      - label: yes\n", 5, "`yes` is read as true: put it in quotes")
menu(T, "number as a label", "      - label: 5\n", 5, "`5` is read as the number 5: put it in quotes")
menu(T, "time as a label", "      - label: 12:30\n", 5, "`12:30` is read as the number 750")
menu(T, "date as a label", "      - label: 2024-01-05\n", 5, "read as a date")
menu(T, "list as a label", "      - label: [a, b]\n", 5, "expected text, got a list")
menu(T, "impossible date as a label", "      - label: 2024-13-45\n", 5, "put it in quotes")
menu(T, "= as a label", "      - label: =\n", 5, "put it in quotes")
setting(T, "no as a message", "  messages:\n    back: no\n", 3, "`no` is read as false: put it in quotes")
setting(T, "text for a section", "  messages: hello\n", 2, "messages: expected keys")
setting(T, "number for a section", "  scanning: 5\n", 2, "scanning: expected keys")
setting(T, "one key, not a list", "  switches:\n    switch1: space\n", 3, "expected a list")
setting(T, "one time, not a list", '  rest:\n    reminders: "10:30"\n', 3, "expected a list")
setting(
    T,
    "text in a list of minutes",
    "  rest:\n    choices_minutes: [5, fast]\n",
    3,
    "rest.choices_minutes[1]: expected a number of minutes",
)
setting(
    T,
    "numbers in the check-in scale",
    "  check_ins:\n    scale: [1, 2, 3]\n",
    3,
    "check_ins.scale[0]: `1` is read as the number 1",
)
setting(
    T,
    "follow-up answers not a list",
    "  check_ins:\n    follow_ups:\n      - {question: Q, answers: yes}\n",
    4,
    "check_ins.follow_ups[0].answers",
)
menu(
    T,
    "bool for minutes",
    "      - label: Rest\n        action: rest\n        minutes: true\n",
    7,
    "menus[0].items[1].minutes: expected a number of minutes, got true",
)
menu(T, "number for voice words", "      - label: Tea\n        voice: 5\n", 6, "put it in quotes")
menu(T, "bool for an action", "      - label: Tea\n        action: true\n", 6, "expected one of")
setting(T, "bool for a mode", "  scanning:\n    mode: on\n", 3, "expected one of")
setting(T, "number for a channel", "  speech:\n    main:\n      channel: 1\n", 4, "expected one of")
files(
    T,
    "menus as keys, not a list",
    {"menus.yaml": "menus:\n  id: home\n  items: [{label: A}]\n"},
    "menus.yaml:1",
    "menus: expected a list",
)
files(
    T,
    "items as text",
    {"menus.yaml": "menus:\n  - id: home\n    items: Water\n"},
    "menus.yaml:3",
    "menus[0].items: expected a list",
)
menu(T, "an item that is only text", "      - Tea\n", 5, "menus[0].items[1]: expected keys")
files(
    T,
    "number as a menu id",
    {"menus.yaml": "menus:\n  - id: 5\n    items: [{label: A}]\n"},
    "menus.yaml:2",
    "put it in quotes",
)
setting(T, "fraction for presses", "  help:\n    presses: 3.5\n", 3, "expected a whole number")
setting(
    T,
    "text for pitch",
    "  speech:\n    cue:\n      pitch: high\n",
    4,
    "expected a whole number, got text 'high'",
)
setting(T, "fillers not a list", "  listening:\n    fillers: um\n", 3, "expected a list")

# Ranges.
R = "ranges"
setting(
    R,
    "interval too long",
    "  scanning:\n    interval: 20\n",
    3,
    "scanning.interval: 20 is outside its range 0.25 to 10 s",
)
setting(R, "interval too short", "  scanning:\n    interval: 0.1\n", 3, "outside its range")
setting(
    R, "no passes", "  scanning:\n    loops: 0\n", 3, "scanning.loops: 0 is outside its range 1 to 20 passes"
)
setting(R, "too many passes", "  scanning:\n    loops: 21\n", 3, "outside its range")
setting(R, "negative acceptance", "  scanning:\n    acceptance: -1\n", 3, "outside its range")
setting(R, "debounce too long", "  scanning:\n    debounce: 3\n", 3, "outside its range")
setting(R, "long press too short", "  scanning:\n    long_press: 0.1\n", 3, "outside its range")
setting(R, "speed step of one", "  scanning:\n    speed_step: 1.0\n", 3, "outside its range")
setting(R, "interval not a number", "  scanning:\n    interval: .nan\n", 3, "scanning.interval")
setting(R, "interval infinite", "  scanning:\n    interval: .inf\n", 3, "outside its range")
setting(
    R, "speech too slow", "  speech:\n    cue:\n      rate: 20\n", 4, "speech.cue.rate: 20 is not 50 to 500"
)
setting(R, "volume above one", "  speech:\n    main:\n      volume: 1.5\n", 4, "speech.main.volume")
setting(R, "pitch too high", "  speech:\n    cue: {pitch: 120}\n", 3, "speech.cue.pitch: 120 is not 0 to 100")
setting(
    R,
    "earcon too loud",
    "  speech:\n    earcons:\n      select: 2\n",
    4,
    "speech.earcons.select: 2 is not 0 to 1",
)
setting(R, "confidence above one", "  listening:\n    min_confidence: 1.5\n", 3, "listening.min_confidence")
setting(R, "a rest of no minutes", "  rest:\n    choices_minutes: [5, 0]\n", 3, "rest.choices_minutes[1]")
setting(R, "rest offer too late", "  rest:\n    after_active_minutes: 601\n", 3, "rest.after_active_minutes")
setting(R, "help hold too long", "  help:\n    hold_seconds: 20\n", 3, "help.hold_seconds")
setting(R, "one press for help", "  help:\n    presses: 1\n", 3, "help.presses")
setting(R, "no notify tries", "  help:\n    notify_retries: 0\n", 3, "help.notify_retries")
setting(R, "fatigue window too small", "  fatigue:\n    window: 2\n", 3, "fatigue.window")
menu(
    R,
    "rest item of no minutes",
    "      - label: Rest\n        action: rest\n        minutes: 0\n",
    7,
    "menus[0].items[1].minutes: must be more than 0",
)
menu(
    R,
    "rest item of days",
    "      - label: Rest\n        action: rest\n        minutes: 5000\n",
    7,
    "at most 1440",
)
setting(
    R,
    "acceptance not shorter than long press",
    "  scanning:\n    acceptance: 0.8\n",
    3,
    "must be shorter than scanning.long_press",
)
setting(
    R,
    "debounce over half the interval",
    "  scanning:\n    interval: 1\n    debounce: 0.8\n",
    4,
    "at most half",
)
setting(R, "help hold inside a long press", "  scanning:\n    long_press: 2\n", 1, "")
setting(R, "hour 25", '  rest:\n    reminders: ["25:00"]\n', 3, "rest.reminders")
setting(R, "a time in words", '  check_ins:\n    times: ["9am"]\n', 3, "check_ins.times")
setting(R, "an empty scale", "  check_ins:\n    scale: []\n", 3, "needs at least one answer")

# References.
F = "references"
menu(F, "menu not defined", "      - label: More\n        menu: mroe\n", 6, "menu 'mroe' is not defined")
files(
    F,
    "home renamed",
    {"menus.yaml": "menus:\n  - id: start\n    items: [{label: A}]\n"},
    "menus.yaml:2",
    "no menu with id 'home'",
)
files(
    F,
    "home renamed among files",
    {
        "a.yaml": "menus:\n  - id: feelings\n    items: [{label: Tired}]\n",
        "home.yaml": "menus:\n  - id: Home\n    items:\n      - {label: Feel, menu: feelings}\n",
    },
    "home.yaml:2",
    "no menu with id 'home'",
)
menu(
    F,
    "menu nobody opens",
    "  - id: lost\n    items:\n      - label: Alone\n",
    5,
    "cannot be reached from home",
)
files(
    F,
    "menu id used twice",
    {"a.yaml": MORE_OK, "b.yaml": "menus:\n  - id: more\n    items: [{label: Two}]\n"},
    "b.yaml:2",
    "menu id 'more' is used twice",
)
menu(
    F,
    "item id used twice",
    "        id: w\n      - label: Tea\n        id: w\n",
    7,
    "item id 'w' is used twice",
)
menu(
    F,
    "menu action without a menu",
    "      - label: More\n        action: menu\n",
    6,
    "needs 'menu: <menu id>'",
)
menu(F, "minutes on a speak item", "        minutes: 5\n", 5, "'minutes' goes with 'action: rest'")
menu(F, "mode on a speak item", "        mode: step\n", 5, "'mode' goes with 'action: mode'")
menu(
    F, "menu id of the companion's own", "  - id: ~rest\n    items: [{label: A}]\n", 5, "ids starting with ~"
)
files(
    F,
    "a menu without items",
    {"menus.yaml": "menus:\n  - id: home\n    items: []\n"},
    "menus.yaml:3",
    "menu 'home' has no items",
)
menu(
    F,
    "same voice words twice in a menu",
    "      - label: Drink\n        voice: [drink, WATER!]\n",
    5,
    "have the same voice words",
)
setting(F, "bad placeholder", "  messages:\n    slower: Slower {secs}\n", 3, "bad placeholder 'secs'")
setting(
    F,
    "another message's placeholder",  # the companion stopped where it said the rest
    "  messages:\n    rest: 'Resting {name}'\n",
    3,
    "messages.rest: bad placeholder 'name' (known: {minutes})",
)
setting(
    F,
    "a placeholder in a message that has none",  # it would be said as typed, braces and all
    "  messages:\n    rest_half: 'Halfway, {name}.'\n",
    3,
    "messages.rest_half: bad placeholder 'name' (it has none)",
)
menu(F, "unknown action", "      - label: Fly\n        action: fly\n", 6, "unknown action 'fly'")
menu(F, "misspelt key", "        lable: Drink\n", 5, "unknown key 'lable' (did you mean 'label'?)")
setting(F, "misspelt setting", "  scanning:\n    intervall: 2\n", 3, "unknown key 'intervall'")
menu(F, "item without a label", "      - say: Hello\n", 5, "missing 'label'")
files(F, "menu without items", {"menus.yaml": "menus:\n  - id: home\n"}, "menus.yaml:2", "missing 'items'")
setting(
    F, "same words for two commands", "  commands:\n    sleep: [stop]\n", 3, "'stop' is both stop and sleep"
)
setting(
    F, "empty command words", '  commands:\n    next: [""]\n', 3, "commands.next[0]: words must not be empty"
)
menu(F, "empty voice words", '        voice: ""\n', 5, "voice: words must not be empty")

# Blank labels and messages.
B = "blank text"
menu(B, "empty label", '      - label: ""\n', 5, "menus[0].items[1].label is blank")
menu(B, "blank label", '      - label: "   "\n', 5, "is blank")
menu(B, "no label value", "      - label:\n", 5, "has no value")
setting(B, "empty Back label", '  messages:\n    back: ""\n', 3, "messages.back is blank")
setting(B, "blank help message", '  messages:\n    help: "  "\n', 3, "messages.help is blank")
setting(B, "empty check-in question", '  check_ins:\n    question: ""\n', 3, "check_ins.question is blank")
setting(
    B, "blank answer on the scale", '  check_ins:\n    scale: [low, ""]\n', 3, "check_ins.scale[1] is blank"
)
setting(
    B,
    "blank follow-up question",
    '  check_ins:\n    follow_ups:\n      - {question: "", answers: [a]}\n',
    4,
    "check_ins.follow_ups[0].question is blank",
)
setting(
    B,
    "blank follow-up answer",
    '  check_ins:\n    follow_ups:\n      - {question: Q, answers: [a, " "]}\n',
    4,
    "check_ins.follow_ups[0].answers[1] is blank",
)
files(
    B,
    "empty menu id",
    {"menus.yaml": 'menus:\n  - id: ""\n    items: [{label: A}]\n'},
    "menus.yaml:2",
    "menus[0].id is blank",
)

# Keys.
K = "keys"
setting(K, "unknown key name", "  switches:\n    switch1: [spacebar]\n", 3, "unknown key name 'spacebar'")
setting(
    K,
    "Space and space",
    "  switches:\n    switch2: [Space]\n",
    3,
    "switches.switch2[0]: 'Space' is the same key as switch1's 'space'",
)
setting(
    K,
    "esc and escape",
    "  switches:\n    switch1: [esc]\n",
    3,
    "switches.caregiver[0]: 'escape' is the same key as switch1's 'esc'",
)
setting(
    K,
    "Return and enter",
    "  switches:\n    switch1: [Return]\n",
    3,
    "switches.switch2[0]: 'enter' is the same key as switch1's 'Return'",
)
setting(
    K,
    "caregiver on the switch",
    "  switches:\n    caregiver: [SPACE]\n",
    3,
    "is the same key as switch1's 'space'",
)
setting(
    K,
    "one mouse button twice",
    "  switches:\n    switch1: [mouse:left]\n    switch2: [mouse:LEFT]\n",
    4,
    "the same key as switch1's 'mouse:left'",
)
setting(
    K,
    "a switch without keys",
    "  switches:\n    switch1: []\n",
    3,
    "switches.switch1: needs at least one key",
)
setting(K, "an empty key name", '  switches:\n    switch1: [""]\n', 3, "unknown key name ''")
setting(K, "f25", "  switches:\n    switch1: [f25]\n", 3, "unknown key name 'f25'")
setting(
    K,
    "scroll wheel as a switch",
    "  switches:\n    caregiver: [mouse:button4]\n",
    3,
    "unknown key name 'mouse:button4'",
)
setting(K, "a digit key read as a number", "  switches:\n    switch1: [5]\n", 3, "put it in quotes")

# The call for help: webhook and notify command.
H = "help channels"
setting(
    H,
    "plain http webhook",
    "  help:\n    webhook: http://example.org/hook\n",
    3,
    "help.webhook: must start with https://",
)
setting(
    H,
    "webhook without a scheme",
    "  help:\n    webhook: example.org/hook\n",
    3,
    "help.webhook: must start with https://",
)
setting(H, "ftp webhook", "  help:\n    webhook: ftp://example.org/hook\n", 3, "must start with https://")
setting(
    H,
    "webhook with a password",
    "  help:\n    webhook: https://me:secret@example.org/hook\n",
    3,
    "user name or password",
)
setting(H, "webhook without a host", "  help:\n    webhook: https:///hook\n", 3, "no host")
setting(H, "blank webhook", '  help:\n    webhook: "  "\n', 3, "help.webhook is blank")
setting(
    H,
    "insecure allowed but not https or http",
    "  help:\n    allow_insecure_webhook: true\n    webhook: file:///etc/passwd\n",
    4,
    "http",
)
setting(
    H,
    "allow_insecure_webhook as text",
    "  help:\n    allow_insecure_webhook: please\n",
    3,
    "expected true or false",
)
setting(
    H,
    "plain http heartbeat",
    "  help:\n    heartbeat_url: http://hc.example.org/ping/abc123\n",
    3,
    "help.heartbeat_url: must start with https://",
)
setting(
    H,
    "heartbeat with a password",
    "  help:\n    heartbeat_url: https://me:secret@hc.example.org/ping/x\n",
    3,
    "help.heartbeat_url: a user name or password",
)
setting(H, "blank heartbeat", '  help:\n    heartbeat_url: " "\n', 3, "help.heartbeat_url is blank")
setting(H, "heartbeat every 0 minutes", "  help:\n    heartbeat_minutes: 0\n", 3, "help.heartbeat_minutes")
setting(
    H, "empty notify command", '  help:\n    notify_command: [""]\n', 3, "help.notify_command[0] is blank"
)
setting(H, "blank notify command", '  help:\n    notify_command: ["  ", "x"]\n', 3, "is blank")
setting(
    H,
    "notify command that does not exist",
    "  help:\n    notify_command: [/nonexistent/page-carer]\n",
    3,
    "no such program",
)
setting(
    H,
    "notify command not on PATH",
    "  help:\n    notify_command: [no-such-pager-xyz]\n",
    3,
    "not found on PATH",
)
setting(
    H, "notify command not executable", "  help:\n    notify_command: [/etc/passwd]\n", 3, "not executable"
)
setting(
    H, "notify command as one text", "  help:\n    notify_command: notify-send hi\n", 3, "expected a list"
)
setting(H, "relative notify command", "  help:\n    notify_command: [bin/page-carer]\n", 3, "full path")
# Contacts (issue 15): each URL parsed by Apprise, never sent to; named by the contact's name.
CONTACT = "  help:\n    contacts:\n      - name: Anna\n"
setting(
    H,
    "contact URL Apprise does not know",
    CONTACT + "        url: bogus://tok3n-s3cret\n",
    5,
    "'Anna': not a",
)
setting(
    H,
    "contact https URL (not a service)",
    CONTACT + "        url: https://example.org/x\n",
    5,
    "Apprise knows",
)
setting(
    H,
    "contact with neither url nor command",
    CONTACT + "        after_seconds: 60\n",
    4,
    "either url or command",
)
setting(
    H,
    "contact with url and command",
    CONTACT + "        url: ntfy://topic\n        command: [/bin/true]\n",
    4,
    "either url or command",
)
setting(H, "contact command missing", CONTACT + "        command: [/nonexistent/x]\n", 5, "no such program")
setting(H, "contact without a name", "  help:\n    contacts:\n      - url: ntfy://topic\n", 4, "name")
setting(
    H,
    "contact named twice",
    CONTACT + "        url: ntfy://a\n      - name: Anna\n        url: ntfy://b\n",
    6,
    "named twice",
)
setting(
    H,
    "contact called before the call",
    CONTACT + "        url: ntfy://a\n        after_seconds: -5\n",
    6,
    "below 0",
)

# Encodings.
E = "encodings"
files(
    E,
    "latin-1 byte",
    {"menus.yaml": HOME_OK.encode() + b"      - label: Caf\xe9\n"},
    "menus.yaml:5",
    "line 5, column 19",
)
files(E, "UTF-16 file", {"menus.yaml": HOME_OK.encode("utf-16")}, "menus.yaml:1", "UTF-16")
files(
    E, "NUL byte", {"menus.yaml": HOME_OK.encode() + b"      - label: T\x00ea\n"}, "menus.yaml:5", "column 17"
)
files(
    E,
    "bell character",
    {"menus.yaml": HOME_OK + "      - label: T\x07ea\n"},
    "menus.yaml:5",
    "control character",
)
files(
    E,
    "broken UTF-8 sequence in settings",
    {"menus.yaml": HOME_OK, "settings.yaml": b"settings:\n  messages:\n    back: Zur\xc3ck\n"},
    "settings.yaml:3",
    "column 14",
)
files(
    E,
    "encoded surrogate",
    {"menus.yaml": HOME_OK.encode() + b"      - label: \xed\xa0\x80\n"},
    "menus.yaml:5",
    "not UTF-8",
)
files(
    E,
    "a picture named .yaml",
    {"menus.yaml": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
    "menus.yaml:1",
    "not UTF-8",
)

# Sizes.
Z = "sizes"
files(
    Z,
    "a file of two megabytes",
    {"menus.yaml": HOME_OK + ("# " + "x" * 98 + "\n") * 21000},
    "menus.yaml:1",
    "too large",
)
menu(Z, "a label of ten thousand characters", "      - label: " + "x" * 10000 + "\n", 5, "too long")
menu(Z, "a phrase of fifty thousand characters", "        say: " + "x" * 50000 + "\n", 5, "too long")
setting(
    Z, "a message of five thousand characters", "  messages:\n    idle: " + "x" * 5000 + "\n", 3, "too long"
)

# Hostile YAML.
Y = "hostile yaml"
menu(Y, "python object tag", "      - label: !!python/object/apply:os.system [echo hi]\n", 5, "tags")
menu(Y, "python name tag", "      - label: !!python/name:os.system\n", 5, "tags")
menu(Y, "local tag", "      - label: !foo bar\n", 5, "tags")
menu(Y, "str tag", "      - label: !!str 5\n", 5, "put it in quotes instead")
menu(Y, "binary tag", "      - label: !!binary aGVsbG8=\n", 5, "tags")
menu(Y, "tag on an item", "      - !Item {label: Tea}\n", 5, "tags")
files(
    Y,
    "tag directive",
    {
        "menus.yaml": "%TAG !x! tag:example.org,2024:\n---\nmenus:\n  - id: home\n"
        "    items: [!x!item {label: A}]\n"
    },
    "menus.yaml:5",
    "tags",
)
menu(
    Y,
    "merge key",
    "      - &base {label: Tea, say: tea}\n      - <<: *base\n        label: Tea 2\n",
    6,
    "'<<'",
)
menu(Y, "merge key without an alias", "      - <<: {say: tea}\n        label: Tea\n", 5, "'<<'")
files(
    Y,
    "alias inside itself",
    {"menus.yaml": "menus: &m\n  - id: home\n    items: [{label: A}]\n  - *m\n"},
    "menus.yaml:4",
    "inside itself",
)
files(
    Y,
    "alias of a sequence inside itself",
    {"menus.yaml": HOME_OK + "settings:\n  listening:\n    fillers: &f [um, *f]\n"},
    "menus.yaml:7",
    "inside itself",
)
LAUGHS = "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n" for n in range(1, 10))
files(Y, "billion laughs", {"menus.yaml": "l0: &l0 lol\n" + LAUGHS}, "menus.yaml:2", "aliases")
files(
    Y,
    "deep flow nesting",
    {"menus.yaml": "menus: " + "[" * 5000 + "]" * 5000 + "\n"},
    "menus.yaml:1",
    "nested too deeply",
)
files(
    Y,
    "deep block nesting",
    {"menus.yaml": "".join("  " * n + f"k{n}:\n" for n in range(200)) + "  " * 200 + "v\n"},
    "menus.yaml:40",
    "nested too deeply",
)
menu(Y, "undefined alias", "      - label: *nothing\n", 5, "*nothing")
menu(Y, "many aliases", "      - &t {label: Tea}\n" + "      - *t\n" * 300, 106, "more than 100 aliases")
menu(Y, "a list as a key", "      - ? [a, b]\n        : c\n", 5, "a key must be a word")

# The bedside window's theme.
D = "display"
setting(
    D,
    "custom text too faint",
    '  display:\n    theme: custom\n    colors:\n      background: "#555555"\n      text: "#777777"\n',
    6,
    "text #777777 on background #555555 has contrast 1.66:1; at least 4.5:1",
)
setting(
    D,
    "custom highlight text too faint",
    '  display:\n    colors:\n      highlight: "#ffff00"\n      highlight_text: "#ffffff"\n',
    5,
    "highlight_text #ffffff on highlight #ffff00 has contrast 1.07:1",
)
setting(
    D,
    "frame lost in the background",
    '  display:\n    colors: {background: "#000000", frame: "#202020"}\n',
    3,
    "frame #202020 on background #000000",
)
setting(
    D,
    "colour name",
    "  display:\n    colors:\n      text: yellow\n",
    4,
    "'yellow' is not a colour like #ffcc00",
)
setting(D, "short hex colour", '  display:\n    colors:\n      text: "#ff0"\n', 4, "'#ff0' is not a colour")
setting(
    D,
    "colour not in quotes",
    "  display:\n    colors:\n      text: #ffffff\n",
    4,
    'YAML reads #ffffff as a comment: put it in quotes, "#ffffff"',
)
setting(
    D,
    "window words with an unknown placeholder",
    "  display:\n    words:\n      more_above: '{n} more'\n",
    4,
    "display.words.more_above: bad placeholder 'n' (known: {count})",
)
setting(D, "unknown theme", "  display:\n    theme: dark\n", 3, "'dark'")
setting(D, "frame too thin", "  display:\n    frame_width: 1\n", 3, "display.frame_width: 1 is not 2 to 40")
setting(D, "font scale zero", "  display:\n    font_scale: 0\n", 3, "display.font_scale")
setting(D, "too many columns", "  display:\n    columns: 9\n", 3, "display.columns: 9 is not 1 to 8")

P = "caregiver page"
setting(
    P,
    "listen on a name",
    "  caregiver_page:\n    listen: localhost\n",
    3,
    "caregiver_page.listen: 'localhost' is not an IP address",
)
setting(P, "listen on nothing", "  caregiver_page:\n    listen: ''\n", 3, "is not an IP address")
setting(
    P,
    "port below 1024",
    "  caregiver_page:\n    port: 80\n",
    3,
    "caregiver_page.port: 80 is not 1024 to 65535",
)
setting(P, "port as text", "  caregiver_page:\n    port: '8765'\n", 3, "caregiver_page.port")
