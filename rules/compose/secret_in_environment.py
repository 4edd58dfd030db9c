"""A service's environment or build arguments hold a literal secret.

## What it does
Reports, under a service's `environment` and `build.args` (list and mapping
spellings):

- a variable whose name says it holds a secret (with a word such as
  `password`, `passwd`, `pass`, `secret`, `token`, `apikey`/`api_key`,
  `credentials`, or a key that is private: `private_key`, `access_key`,
  `secret_key`, `app_key`, `encryption_key`...) set to a literal, non-empty
  value. A default password such as `changeme` or `example` is reported: it is
  the password the service runs with until someone changes it;
- any variable whose value is a URL with a password in it
  (`postgres://app:s3cret@db/app`).

Not reported: a value that is a variable reference (`${DB_PASSWORD}`, set
outside the file) or holds one where the secret is (`postgres://app:${PW}@db`);
a name that points at a secret or describes it rather than holds it, with a
word such as `file`, `path`, `dir`, `url`, `host`, `port`, `user`, `name`,
`id`, `length`, `enabled` or `expiry` (`POSTGRES_PASSWORD_FILE`,
`TOKEN_EXPIRY`, `MYSQL_ALLOW_EMPTY_PASSWORD`); a value that is a boolean
(`yes`, `true`), a `/run/secrets/` path or a template placeholder
(`<your-token>`, `{{ token }}`). The message never shows the value.

## Why is this bad?
The Compose file is committed, shared and copied into tickets and CI logs, so a
secret written in it is known to everyone who can read the repository, for as
long as its history exists. Environment variables are also shown by `docker
inspect` to anyone who can talk to the Docker daemon, and build arguments are
stored in the image's history. Put the value in an `.env` file kept out of
version control and refer to it (`${DB_PASSWORD}`), or better, use Compose
`secrets:` and the image's `*_FILE` variable.

## Example
```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: changeme
  app:
    image: example/app:1.4
    environment:
      - DATABASE_URL=postgres://app:changeme@db/app
```

## Use instead
```yaml
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets:
      - db_password
  app:
    image: example/app:1.4
    environment:
      - DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app
secrets:
  db_password:
    file: ./db_password.txt
```

## Known limitations
Only names and URLs are read: a secret in a variable with a neutral name
(`CONFIG=...`) is not found. After a merge with an override file or `extends`,
list entries (`- NAME=value`) lose how they were written: an entry whose value
a variable from `.env` may have given is then not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dlint.ir.common import Severity, Span
from dlint.ir.project import Project
from dlint.ir.yaml import YMapping, YScalar, YSequence, node_text
from dlint.rule import Finding, RuleMeta

from .._shared.compose_values import mask
from .._shared.names import name_words, piece_in

if TYPE_CHECKING:
    from dlint.ir.compose import ComposeProject, Service
    from dlint.ir.yaml import YNode

META = RuleMeta(
    code="DC309",
    name="secret-in-environment",
    scope="project",
    reads=("compose",),
    severity=Severity.WARNING,
    tags=("security", "secrets"),
    precision="high",
    security_severity=7.0,
)

# pieces of a name (its words joined by `_`) that say it holds a secret; the word
# logic follows rules/dockerfile/secrets_used_in_arg_or_env.py
_PIECES = ("password", "passwd", "pword", "secret", "token", "api_key", "apikey", "credential")
_OTHER_WORDS = {"token": ("iz", "is"), "secret": ("ar",), "password": ("less",)}
# whole words that say so
_WORDS = frozenset({"pass", "pwd", "passphrase", "credentials", "creds"})
# a key word makes it a secret with one of these before it
_KEY_QUALIFIERS = frozenset(
    {
        "private", "access", "secret", "app", "api", "encryption", "signing", "master",
        "jwt", "session", "client", "license", "auth", "cookie", "hmac", "crypt",
    }
)  # fmt: skip
# words that make the name point at a secret or describe it rather than hold it
_DESCRIBING = frozenset(
    {
        "file", "files", "path", "dir", "public", "version", "url", "uri", "host",
        "hostname", "port", "server", "endpoint", "type", "mode", "method", "enabled",
        "enable", "disabled", "disable", "required", "require", "allow", "empty", "random",
        "generate", "length", "min", "max", "policy", "expiry", "expire", "expires",
        "expiration", "ttl", "timeout", "lifetime", "seconds", "minutes", "hours", "days",
        "header", "prefix", "name", "id", "user", "username", "login", "hash", "hashed",
        "algorithm", "algo", "provider", "backend", "issuer", "audience", "location",
        "format", "rotation", "validity", "reset", "size", "count", "mount",
        "env", "var", "field", "param", "cmd", "command", "script", "store", "storage",
        "strategy",
    }
)  # fmt: skip
_BOOLEANS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "none"})
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\{\{.*\}\}|\{[^{}]*\}|\[[^\[\]]*\]|[x*.]+|\$\{[^}]*\})$")


def _secret_name(name: str) -> str | None:
    """The word that makes ``name`` a secret's name, if any."""
    words = name_words(name)
    if not words or _DESCRIBING.intersection(words):
        return None
    found = piece_in(words, _PIECES, _OTHER_WORDS)
    if found is not None:
        return found
    for i, word in enumerate(words):
        if word in _WORDS and (word != "pwd" or len(words) > 1):
            return word
        if word in ("key", "keys") and i > 0 and words[i - 1] in _KEY_QUALIFIERS:
            return f"{words[i - 1]}_key"
    return None


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    value: str  # as the file writes it, variables masked (NUL)
    span: Span  # the value
    file: str
    known: bool  # False: how the file writes the value is lost (a merged list entry)


def _inner(item: Span, quoted: bool, offset: int, written: str, total: int) -> Span:
    """The span of ``written[offset:]`` inside a one-line item written ``total`` long."""
    q = 1 if quoted else 0
    if item.line != item.end_line or item.end_column - item.column != total + 2 * q:
        return item
    return Span(item.line, item.column + q + offset, item.line, item.end_column - q)


def _entries(node: YNode | None) -> Iterator[_Entry]:
    if isinstance(node, YSequence):
        for item in node.items:
            if not isinstance(item, YScalar) or not item.is_string:
                continue
            name, eq, rest = item.written.partition("=")
            if not eq or item.tag is not None:
                continue
            span = _inner(item.span, item.quoted, len(name) + 1, rest, len(item.written))
            yield _Entry(name.strip(), mask(rest), span, item.file, True)
    elif isinstance(node, YMapping):
        for key, value in node.pairs:
            if not isinstance(value, YScalar) or value.value is None:
                continue
            if isinstance(value.value, bool):
                continue
            name = key.text
            text = node_text(value) or ""
            if key.span == value.span:  # a `- NAME=value` entry turned into a pair by a merge
                if value.unresolved:
                    continue
                total = len(name) + 1 + len(text)
                span = _inner(value.span, value.quoted, len(name) + 1, text, total)
                if span == value.span and text:
                    continue  # its text changed when read: a variable was substituted
                yield _Entry(name, text, span, value.file, False)
            else:
                yield _Entry(name, mask(value.written), value.span, value.file, True)


def _url_password(value: str) -> str | None:
    """The password of the first URL in ``value`` that has one (``scheme://user:pass@host``).

    Read with string searches, one pass over the value: a value is text from a
    stranger, and a regular expression over it could backtrack for minutes."""
    start = 0
    while (found := value.find("://", start)) >= 0:
        start = found + 3
        first = found  # the scheme: letters, digits, + . - before `://`, a letter first
        while first > 0 and (value[first - 1].isalnum() or value[first - 1] in "+.-"):
            first -= 1
        if first == found or not value[first].isalpha():
            continue
        end = start
        while end < len(value) and value[end] not in "/ \t\n":
            end += 1
        authority = value[start:end]
        userinfo, at, host = authority.rpartition("@")
        if not at or not host:
            continue
        _user, colon, password = userinfo.partition(":")
        if colon and password:
            return password
    return None


def _literal(value: str) -> bool:
    v = value.strip()
    return (
        bool(v)
        and "\0" not in v
        and v.lower() not in _BOOLEANS
        and not v.startswith("/run/secrets/")
        and not _PLACEHOLDER.match(v)
    )


def _from_env(entry: _Entry, substituted: tuple[str, ...]) -> bool:
    """For an entry whose writing is lost: whether a value from an env file is in it."""
    return not entry.known and any(s in entry.value for s in substituted)


def _check(
    service: Service, substituted: tuple[str, ...], seen: set[tuple[str, int, int]]
) -> Iterator[Finding]:
    sources: list[tuple[str, YNode | None]] = [("environment", service.get("environment"))]
    build = service.get("build")
    if isinstance(build, YMapping):
        sources.append(("build.args", build.get("args")))
    for where, node in sources:
        for entry in _entries(node):
            key = (entry.file, entry.span.line, entry.span.column)
            if key in seen or _from_env(entry, substituted):
                continue
            if where == "build.args":
                stored = "build arguments are stored in the image history"
            else:
                stored = "`docker inspect` shows it too"
            word = _secret_name(entry.name)
            if word is not None and _literal(entry.value):
                seen.add(key)
                yield Finding(
                    entry.span,
                    f"service {service.name!r} sets {entry.name} under `{where}` to a literal "
                    f"secret (its name contains `{word}`): anyone who can read the Compose "
                    f"file has it, and {stored}; pass it as a variable (`${{{entry.name}}}`) "
                    "or use Compose `secrets:`.",
                    path=entry.file,
                )
                continue
            password = _url_password(entry.value)
            if password is not None and _literal(password):
                seen.add(key)
                yield Finding(
                    entry.span,
                    f"service {service.name!r} sets {entry.name} under `{where}` to a URL with "
                    f"a literal password: anyone who can read the Compose file has it, and "
                    f"{stored}; take the password from a variable "
                    "(`scheme://user:${PASSWORD}@host`) or use Compose `secrets:`.",
                    path=entry.file,
                )


def _project(compose: ComposeProject, seen: set[tuple[str, int, int]]) -> Iterator[Finding]:
    substituted = tuple(v for _, v in compose.substituted if v)
    for service in compose.services:
        yield from _check(service, substituted, seen)


def check(project: Project) -> Iterator[Finding]:
    seen: set[tuple[str, int, int]] = set()
    for compose in project.compose:
        yield from _project(compose, seen)
