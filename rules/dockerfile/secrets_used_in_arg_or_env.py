"""An ARG or ENV name says it holds a secret (a password, a token, a key).

## What it does
Reports an `ARG` or `ENV` (also under `ONBUILD`) whose name is a well-known
secret variable (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`,
`POSTGRES_PASSWORD`, `OPENAI_API_KEY`, `VAULT_TOKEN`...) or contains, in any
case, `api_key`, `client_key`, `password`, `private`, `secret`, `token` or
`username` (hadolint's DL3064), or has one of the words `apikey`, `auth`,
`credential(s)`, `key`, `passwd`, `password`, `pword`, `secret` or `token`
between underscores (`GIT_KEY`, `NODE_AUTH`: BuildKit's
`SecretsUsedInArgOrEnv`).

Not reported: names that point at a secret rather than hold one, with a word
`file`, `path`, `dir`, `public` or `version` (`POSTGRES_PASSWORD_FILE`,
`TOKEN_PATH`), words that only start like one of the words above
(`TOKENIZERS_PARALLELISM`, `PASSWORDLESS_LOGIN`), and a `username` variable
that a `USER` instruction reads (`ARG USERNAME=vscode` then `USER
$USERNAME`): it names the image's own account, which the image configuration
shows anyway. Of the names only BuildKit's words match, those that say where
or how to authenticate rather than with what are not reported either
(`AUTH_URL`, `AUTH_ENABLED`, `KEY_ID`... with a word `url`, `uri`, `host`,
`port`, `server`, `endpoint`, `type`, `method`, `mode`, `enabled`,
`disabled`, `id` or `name`), nor GnuPG key fingerprints (`GPG_KEY`, a public
value) and `APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE`.

## Why is this bad?
`ENV` values are stored in the image's configuration, and build arguments end
up in its history (`docker history`, `docker image inspect`) as soon as a
`RUN` uses them: anyone who can pull the image can read them. Build secrets
belong in a secret mount, which is never stored in the image; runtime secrets
belong in the runtime's secret store (Compose or Kubernetes secrets), often
passed as a `*_FILE` path.

## Example
```dockerfile
FROM node:22-alpine
ARG NPM_TOKEN
ENV DB_PASSWORD=changeme
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
```

## Use instead
```dockerfile
FROM node:22-alpine
ENV DB_PASSWORD_FILE=/run/secrets/db_password
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \
    echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
```

## Differences from hadolint
hadolint reports the names listed under "Not reported" too, although none of
them holds a secret. It reports an instruction once, where dlint reports each
name, and it misses `apiKey` and `clientKey` written in camelCase, which dlint
splits into words. It does not know BuildKit's words (`auth`, `key`...).

## Differences from BuildKit
- BuildKit checks only the ARGs and ENVs of build stages; dlint also checks
  the global ARGs (before the first `FROM`) and `ONBUILD ARG`/`ENV`, as
  hadolint does, and hadolint's names (`private`, `username`, `api_key` inside
  a word).
- BuildKit reports the names under "Not reported" that its words match
  (`SSH_KEY_PATH`, `GPG_KEY`, `AUTH_URL`).
- The finding points at the name. When the name sits on a continuation line,
  it starts at the instruction (the line BuildKit reports) and ends at the
  name.

## Known limitations
The rule reads names only: a secret in a variable with a neutral name
(`ENV CONN=postgres://user:pass@db/app`) is not found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlint.ir.common import Severity, Span
from dlint.ir.dockerfile import Dockerfile, Instruction, Word
from dlint.rule import Finding, RuleMeta

from .._shared.instructions import references
from .._shared.names import name_words, piece_in

META = RuleMeta(
    code="DL3064",
    name="secrets-used-in-arg-or-env",
    redirects=("secret-in-arg-or-env",),
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("security", "secrets"),
    precision="high",
    security_severity=7.0,
    buildkit=("SecretsUsedInArgOrEnv",),
)

# hadolint's list of well-known secret variables
_KNOWN = frozenset(
    {
        "ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD",
        "CF_USERNAME", "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD", "CI_DEPLOY_USER",
        "DOCKERHUB_PASSWORD", "DOCKER_EMAIL", "DOCKER_PASSWORD", "DOCKER_USERNAME",
        "FACEBOOK_ACCESS_TOKEN", "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN",
        "FIREBASE_TOKEN", "FOSSA_API_KEY", "GH_ENTERPRISE_TOKEN", "GH_TOKEN",
        "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN", "HEROKU_API_KEY", "HEROKU_API_USER",
        "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID", "OKTA_CLIENT_ORGURL",
        "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID", "OKTA_OAUTH2_CLIENTSECRET",
        "OPENAI_API_KEY", "OS_PASSWORD", "OS_USERNAME", "POSTGRES_PASSWORD", "SLACK_TOKEN",
        "STRIPE_API_KEY", "STRIPE_DEVICE_NAME", "TRAVIS_OS_NAME", "TRAVIS_SECURE_ENV_VARS",
        "TRAVIS_SUDO", "VAULT_CLIENT_KEY", "VAULT_TOKEN",
    }
)  # fmt: skip
# hadolint's suspicious pieces of a name
_PIECES = ("api_key", "client_key", "password", "private", "secret", "token", "username")
# what turns a piece into another word: TOKENIZERS_PARALLELISM, PASSWORDLESS_LOGIN
_OTHER_WORDS = {"token": ("iz", "is"), "secret": ("ar",), "password": ("less",)}
# a word that makes the name point at a secret (or say something public about it)
_POINTERS = frozenset({"file", "files", "path", "dir", "public", "version"})
# BuildKit's words: a whole `_`-delimited part of the name, in any case
_BUILDKIT_WORDS = re.compile(
    r"(?i)(?:_|^)(apikey|auth|credentials?|key|password|pword|passwd|secret|token)(?:_|$)"
)
# with one of BuildKit's words only, these words make the name say where or how to
# authenticate (AUTH_URL, KEY_ID), or name a public key (GPG_KEY)
_SETTINGS = frozenset(
    {
        "url", "uri", "host", "port", "server", "endpoint", "type", "method", "mode",
        "enabled", "disabled", "id", "name", "gpg", "pgp", "gnupg",
    }
)  # fmt: skip
_NOT_SECRETS = frozenset({"APT_KEY_DONT_WARN_ON_DANGEROUS_USAGE"})


def _piece(name: str) -> str | None:
    """The suspicious piece a name holds, if any."""
    words = name_words(name)
    if not words or _POINTERS.intersection(words):
        return None
    return piece_in(words, _PIECES, _OTHER_WORDS)


def _buildkit_word(name: str) -> str | None:
    """The word of BuildKit's list the name has, unless other words make it harmless."""
    m = _BUILDKIT_WORDS.search(name)
    if m is None or name.upper() in _NOT_SECRETS:
        return None
    words = name_words(name)
    if _POINTERS.intersection(words) or _SETTINGS.intersection(words):
        return None
    return m.group(1).lower()


def _reason(name: str, image_users: set[str]) -> str | None:
    if name.upper() in _KNOWN:
        return "is a well-known secret variable"
    piece = _piece(name)
    if piece == "username" and name in image_users:
        piece = None
    piece = piece or _buildkit_word(name)
    if piece is None:
        return None
    return f"looks like a secret (it contains `{piece}`)"


def _image_users(df: Dockerfile) -> set[str]:
    """The variables a USER instruction reads: they name the image's own account, which
    the image configuration shows anyway."""
    return {
        ref.name
        for ins in df.instructions
        if ins.keyword == "USER" and ins.args
        for ref in references(ins.args[0].value, df.escape)
    }


def _names(ins: Instruction) -> list[Word]:
    if ins.keyword == "ARG":
        return [name for name, _default in ins.declarations]
    if ins.keyword == "ENV":
        return [key for key, _value, _eq in ins.pairs]
    return []


def _span(outer: Instruction, word: Word) -> Span:
    """The name's span, starting on the instruction's first line (BuildKit's line)."""
    span = word.span
    if span.line == outer.span.line:
        return span
    return Span(outer.span.line, outer.span.column, span.end_line, span.end_column)


def check(df: Dockerfile) -> Iterator[Finding]:
    image_users = _image_users(df)
    for outer in df.instructions:
        ins = outer.trigger if outer.keyword == "ONBUILD" and outer.trigger else outer
        for word in _names(ins):
            reason = _reason(word.value, image_users)
            if reason is None:
                continue
            if ins.keyword == "ENV":
                where = "ENV values are stored in the image configuration"
                instead = "pass it at run time (a secret or a `*_FILE` path)"
            else:
                where = "build arguments end up in the image history"
                instead = "use a secret mount (`RUN --mount=type=secret`)"
            yield Finding(
                _span(outer, word),
                f"{ins.keyword} `{word.value}` {reason}: {where}, readable by anyone who "
                f"pulls the image; {instead}.",
            )
