"""A private key, a credentials file or a secret value is written into an image layer.

## What it does
In the stages whose layers make the image (the last stage and the stages it
is built `FROM`), and in `ONBUILD` triggers, reports:
- a `COPY` or `ADD` of a file whose name says it holds a secret: an SSH
  private key (`id_rsa`, `id_ed25519`...), a private key or key bundle
  (`*.key`, `*.p12`, `*.pfx`, `*.ppk`, and a `*.pem` whose name says `key` or
  `priv`), a credentials file (`.netrc`, `.git-credentials`, `.pgpass`,
  `.pypirc`, `.dockercfg`, AWS's `credentials`, `credentials.json`,
  `kubeconfig`, `.env`, `.env.production`...), or a folder of them (`.ssh`,
  `.aws`, `.gnupg`);
- a `COPY` of a folder (`COPY . .`) whose build context holds such a file
  that `.dockerignore` does not leave out (files under `test`, `fixtures`,
  `examples`, `docs`, `node_modules` or `vendor` folders are taken for test
  data);
- a `RUN` that writes a secret into a file: an `ARG` or `ENV` whose name says
  it is a secret (`NPM_TOKEN`, `GITHUB_TOKEN`, `DB_PASSWORD`, `API_KEY`...),
  or the variable a secret mount sets (`--mount=type=secret,env=TOKEN`),
  given to a command that stores it (`npm config set`, `yarn config set`,
  `git config`, `composer config`, `poetry config`, `bundle config`,
  `aws configure set`, `sed -i`, or `tee` fed by `echo`/`printf`), and a
  `cp` of a mounted secret file (`cp /run/secrets/npmrc ~/.npmrc`). A file
  that a later command of the same `RUN` removes (`rm ~/.npmrc`,
  `npm config delete`, `git config --unset`) is not reported.

Not reported: certificates (`*.crt`, `*.pem` without `key` in the name) and
public keys (`*.pub`, names with `pub`, `signing`, `gpg`, `keyring`, `repo`
or `archive`, such as `nginx_signing.key`), and templates (`.env.example`,
`.env.sample`, `.env.template`...).

## Why is this bad?
Everything written into a layer stays in the image for good: deleting the
file in a later instruction hides it but leaves it in the earlier layer,
where `docker save` or any registry client can read it. Anyone who can pull
the image gets the key or the token. A secret mount (`RUN
--mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) gives the file to
the one step that needs it and writes it into no layer; an SSH mount
(`RUN --mount=type=ssh git clone ...`) does the same for SSH keys. A key the
container needs when it runs (a TLS key) belongs in a secret or a volume
mounted when it starts.

## Example
```dockerfile
FROM node:22-slim
ARG NPM_TOKEN
COPY id_ed25519 /root/.ssh/id_ed25519
RUN npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN" && npm ci
```

## Use instead
```dockerfile
FROM node:22-slim
RUN --mount=type=ssh \
    --mount=type=secret,id=npmrc,target=/root/.npmrc \
    npm ci
```

## Known limitations
- Shell redirections are not in dlint's shell model yet, so the most common
  spelling, `echo "$NPM_TOKEN" > ~/.npmrc`, is not found; `tee`, `sed -i` and
  the tools' own `config set` commands are.
- `.npmrc` and `.yarnrc.yml` are not reported when copied: most of them hold
  only settings, or read the token from an environment variable
  (`_authToken=${NPM_TOKEN}`), which leaves no secret in the file.
- Only names are read: a secret in a file with a neutral name is not found.
- A stage that only hands files to others (`COPY --from=build`) is not
  checked: its layers are not in the image, although they stay in the build
  cache.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from dlint.ir.common import Severity, Span
from dlint.ir.context import BuildContext
from dlint.ir.dockerfile import Dockerfile
from dlint.ir.shell import ShellCommand, ShellWord
from dlint.rule import Finding, RuleMeta

from .._shared.runs import Run, runs, under
from .._shared.stages import shipped

META = RuleMeta(
    code="DF803",
    name="secret-in-layer",
    scope="dockerfile",
    severity=Severity.WARNING,
    tags=("security", "secrets"),
    precision="high",
    security_severity=7.5,
    preview=True,
)

# --- file names -------------------------------------------------------------------

_SSH_KEYS = frozenset(
    {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"}
)
_CREDENTIAL_FILES = {
    ".netrc": "a .netrc file (login credentials)",
    "_netrc": "a .netrc file (login credentials)",
    ".git-credentials": "Git credentials",
    ".pgpass": "PostgreSQL passwords",
    ".pypirc": "a .pypirc file (PyPI credentials)",
    ".dockercfg": "Docker registry credentials",
    ".s3cfg": "S3 credentials",
    ".vault-token": "a Vault token",
    "credentials": "a credentials file",
    "credentials.json": "a credentials file",
    "kubeconfig": "a kubeconfig (cluster credentials)",
}
_SECRET_FOLDERS = {
    ".ssh": "an .ssh folder (SSH keys)",
    ".aws": "an .aws folder (AWS credentials)",
    ".gnupg": "a .gnupg folder (GPG private keys)",
}
_KEY_EXTENSIONS = {
    ".key": "a private key",
    ".p12": "a PKCS#12 key bundle",
    ".pfx": "a PKCS#12 key bundle",
    ".ppk": "a PuTTY private key",
}
# how the words of a public key file's name start (repository signing keys...)
_PUBLIC = ("pub", "sign", "gpg", "keyring", "repo", "archive", "release", "trust")
# words of a ``*.pem`` name that make it a private key (``server-key.pem``, ``privkey.pem``)
_KEY_WORDS = frozenset({"key", "privkey", "pkey"})
# ``.env.<name>`` files that are templates, not settings
_TEMPLATES = frozenset(
    {"example", "sample", "template", "tpl", "dist", "default", "defaults", "schema", "tmpl"}
)


def _secret_file(path: str) -> str | None:
    """What secret a file or folder name says it holds (None: none)."""
    name = posixpath.basename(posixpath.normpath(path.strip().rstrip("/")))
    lowered = name.lower()
    if name in _SSH_KEYS:
        return "an SSH private key"
    if lowered in _CREDENTIAL_FILES:
        return _CREDENTIAL_FILES[lowered]
    if name in _SECRET_FOLDERS:
        return _SECRET_FOLDERS[name]
    if lowered == ".env" or (
        lowered.startswith(".env.") and lowered[5:] and lowered[5:] not in _TEMPLATES
    ):
        return "an .env file (application secrets)"
    stem, ext = posixpath.splitext(lowered)
    if not stem or ext not in (*_KEY_EXTENSIONS, ".pem"):
        return None
    words = [w for w in stem.replace("_", "-").replace(".", "-").split("-") if w]
    if ext in (".p12", ".pfx", ".ppk"):
        public = any(w.startswith(("trust", "pub")) or w in ("ca", "cacerts") for w in words)
        return None if public else _KEY_EXTENSIONS[ext]
    if any(w.startswith(_PUBLIC) for w in words):
        return None
    if ext == ".key" or any(w in _KEY_WORDS or w.startswith("priv") for w in words):
        return "a private key"
    return None


# --- variable names -----------------------------------------------------------------

_SECRET_WORDS = frozenset({"token", "password", "passwd", "secret", "apikey", "pat"})
_SECRET_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key"),
     ("client", "secret"), ("auth", "token")}
)  # fmt: skip
# words that make the name point at a secret, or name something that is not one
_NOT_SECRET = frozenset(
    {"file", "path", "dir", "url", "uri", "host", "user", "username", "name", "id", "type",
     "version", "length", "endpoint", "header", "public"}
)  # fmt: skip


def _name_words(name: str) -> list[str]:
    """``GH_TOKEN`` -> gh, token; ``apiKey`` -> api, key."""
    words: list[str] = []
    current = ""
    for i, ch in enumerate(name):
        if not ch.isalnum():
            if current:
                words.append(current)
            current = ""
            continue
        if ch.isupper() and current and (name[i - 1].islower() or name[i - 1].isdigit()):
            words.append(current)
            current = ""
        current += ch.lower()
    if current:
        words.append(current)
    return words


def _secret_name(name: str) -> bool:
    words = _name_words(name)
    if not words or _NOT_SECRET.intersection(words):
        return False
    return bool(_SECRET_WORDS.intersection(words)) or any(
        pair in _SECRET_PAIRS for pair in pairwise(words)
    )


# --- COPY and ADD -------------------------------------------------------------------


# folders whose keys are test data or examples, not secrets (``tests/fixtures/id_rsa``)
_SAMPLES = frozenset(
    {"test", "tests", "testdata", "test-data", "fixtures", "__tests__", "spec", "specs",
     "examples", "example", "samples", "sample", "docs", "node_modules", "vendor"}
)  # fmt: skip


def _context_secrets(context: BuildContext) -> dict[str, str]:
    """The files of the build context whose names say they hold a secret (test data and
    examples left out)."""
    out: dict[str, str] = {}
    for f in context.files or ():
        parts = f.split("/")
        if _SAMPLES.intersection(p.lower() for p in parts[:-1]):
            continue
        folder = next((p for p in parts[:-1] if p in _SECRET_FOLDERS), None)
        what = _SECRET_FOLDERS[folder] if folder is not None else _secret_file(parts[-1])
        if what is not None:
            out[f] = what
    return out


def _copies(df: Dockerfile, images: frozenset[int]) -> Iterator[Finding]:
    in_context = _context_secrets(df.context)
    for stage in df.all_stages:
        if stage.index not in images:
            continue
        for layer in stage.layers:
            if layer.kind == "run":
                continue
            keyword = layer.instruction.keyword
            for source in layer.sources:
                if source.kind not in ("context", "stage", "image") or source.unresolved:
                    continue
                if source.kind == "context" and layer.copy_from is not None:
                    continue
                what = _secret_file(source.path)
                if what is not None:
                    yield _copied(keyword, source.path, source.span, what)
                    continue
                if layer.copy_from is not None or not in_context or source.kind != "context":
                    continue
                brought = df.context.matching(source.path) or ()
                hit = next((f for f in brought if f in in_context), None)
                if hit is not None:
                    yield Finding(
                        source.span,
                        f"`{keyword} {source.path}` brings `{hit}`, {in_context[hit]}, into "
                        "the image, where anyone who pulls it can read it: add it to "
                        f"`.dockerignore` and {_instead(in_context[hit])}.",
                    )
    for outer in df.instructions:
        ins = outer.trigger
        if outer.keyword != "ONBUILD" or ins is None or ins.keyword not in ("COPY", "ADD"):
            continue
        if ins.heredocs:
            continue
        for word in ins.args[:-1]:
            path = word.value.strip("\"'")
            what = _secret_file(path) if "$" not in path else None
            if what is not None:
                yield _copied(ins.keyword, path, word.span, what)


def _copied(keyword: str, path: str, span: Span, what: str) -> Finding:
    return Finding(
        span,
        f"{keyword} `{path}` puts {what} into an image layer, where anyone who pulls the "
        f"image can read it: {_instead(what)}.",
    )


def _instead(what: str) -> str:
    mount = "--mount=type=ssh" if "SSH" in what else "--mount=type=secret"
    return (
        f"mount it where it is needed instead (`RUN {mount}` for a build step, a secret "
        "or a volume for the container)"
    )


# --- RUN ------------------------------------------------------------------------------

# programs whose ``config`` (``set``) command stores a value in a file, and the files
_CONFIG_FILES = {
    "npm": (".npmrc",),
    "pnpm": (".npmrc",),
    "yarn": (".yarnrc", ".yarnrc.yml"),
    "git": (".gitconfig", "config", "gitconfig"),
    "composer": ("auth.json", "config.json"),
    "poetry": ("auth.toml", "config.toml"),
    "bundle": ("config",),
    "aws": ("credentials", "config"),
}
_CONFIG_SUBCOMMANDS = {
    "npm": ("config", "set"),
    "pnpm": ("config", "set"),
    "yarn": ("config", "set"),
    "git": ("config",),
    "composer": ("config",),
    "poetry": ("config",),
    "bundle": ("config",),
    "aws": ("configure", "set"),
}
# where each one writes, for a message
_CONFIG_SHOWN = {
    "npm": "`~/.npmrc`",
    "pnpm": "`~/.npmrc`",
    "yarn": "yarn's configuration file",
    "git": "the Git configuration",
    "composer": "Composer's `auth.json`",
    "poetry": "Poetry's `auth.toml`",
    "bundle": "Bundler's configuration",
    "aws": "`~/.aws/credentials`",
}
_UNDO = frozenset({"--unset", "--unset-all", "--remove-section", "delete", "rm", "unset"})
_READ_ONLY = _UNDO | frozenset(
    {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "--list", "-l", "get", "list",
     "--show-origin", "--edit", "-e"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Write:
    """A command of a RUN that stores a secret in a file."""

    word: ShellWord  # where the secret is written
    what: str  # "`$NPM_TOKEN`, a build argument,"
    how: str  # "`npm config set`"
    files: tuple[str, ...]  # base names of the files it may write
    program: str  # its program (a later undo of the same program cancels it)
    at: Span  # the command
    into: str  # the file, for a message
    mounted: bool  # the secret comes from a secret mount of the RUN


def _mounted_secrets(run: Run) -> dict[str, str]:
    """The variables a secret mount of the RUN sets (``env=NAME``)."""
    out: dict[str, str] = {}
    for mount in run.mounts:
        env = mount.option("env") if mount.type == "secret" else None
        if env:
            out[env] = "a secret from a secret mount"
    return out


def _describe(run: Run, name: str, where: Span, mounted: dict[str, str]) -> str | None:
    """What secret ``$name`` holds at ``where`` (None: none dlint knows of)."""
    if name in mounted:
        return mounted[name]
    variable = run.variable(name)
    if variable is None or not _secret_name(name):
        return None
    if run.script.setters(name, where) != ():
        return None  # the script sets it itself
    return "a build argument" if variable.kind == "arg" else "an ENV variable"


@dataclass(frozen=True, slots=True)
class _Secret:
    word: ShellWord  # the word that holds it
    what: str  # "`$NPM_TOKEN`, a build argument,"
    mounted: bool  # from a secret mount of the RUN


def _secret_in(run: Run, words: tuple[ShellWord, ...], mounted: dict[str, str]) -> _Secret | None:
    for word in words:
        for name in word.variables:
            what = _describe(run, name, word.span, mounted)
            if what is not None:
                return _Secret(word, f"`${name}`, {what},", name in mounted)
    return None


def _targets(words: tuple[ShellWord, ...]) -> tuple[str, ...]:
    """Base names of the file operands among ``words`` (options left out)."""
    return tuple(
        posixpath.basename(w.literal.rstrip("/"))
        for w in words
        if not w.literal.startswith("-") and w.literal
    )


def _shown(words: tuple[ShellWord, ...]) -> str:
    """The first file operand among ``words``, for a message."""
    found = next((w.literal for w in words if w.literal and not w.literal.startswith("-")), None)
    return f"`{found}`" if found else "a file"


def _config_write(run: Run, cmd: ShellCommand, mounted: dict[str, str]) -> _Write | None:
    argv = cmd.unwrapped()
    program = cmd.unwrapped_program()
    sub = _CONFIG_SUBCOMMANDS.get(program or "")
    if program is None or sub is None:
        return None
    words = [w.value for w in argv[1:]]
    plain = [w for w in words if w is not None and not w.startswith("-")]
    if tuple(plain[: len(sub)]) != sub and not (
        program == "npm" and plain[:1] == ["set"]  # `npm set` is `npm config set`
    ):
        return None
    if any(w in _READ_ONLY for w in words if w is not None):
        return None
    found = _secret_in(run, argv[1:], mounted)
    if found is None:
        return None
    how = f"`{program} {' '.join(sub)}`"
    into = _CONFIG_SHOWN[program]
    if program == "git":
        into = (
            "`~/.gitconfig`"
            if "--global" in words
            else "`/etc/gitconfig`"
            if ("--system" in words)
            else "`.git/config`"
        )
    return _Write(
        found.word, found.what, how, _CONFIG_FILES[program], program, cmd.span, into,
        found.mounted,
    )  # fmt: skip


def _sed_write(run: Run, cmd: ShellCommand, mounted: dict[str, str]) -> _Write | None:
    argv = cmd.unwrapped()
    if cmd.unwrapped_program() != "sed":
        return None
    if not any(
        (w.value or "").startswith(("-i", "--in-place"))
        or (
            (w.value or "").startswith("-")
            and not (w.value or "").startswith("--")
            and "i" in (w.value or "")[1:]
        )
        for w in argv[1:]
    ):
        return None
    found = _secret_in(run, argv[1:], mounted)
    if found is None:
        return None
    operands = tuple(w for w in argv[1:] if w is not found.word)
    files = _targets(operands)
    into = _shown(operands)
    return _Write(found.word, found.what, "`sed -i`", files, "sed", cmd.span, into, found.mounted)


def _tee_writes(
    run: Run, commands: tuple[ShellCommand, ...], mounted: dict[str, str]
) -> Iterator[_Write]:
    """``echo "$TOKEN" | tee file``: the secret an echo or printf feeds to tee."""
    feeders: dict[int, list[ShellCommand]] = {}
    for cmd in commands:
        if cmd.pipeline is None:
            continue
        program = cmd.unwrapped_program()
        if program in ("echo", "printf"):
            feeders.setdefault(cmd.pipeline, []).append(cmd)
        elif program == "tee":
            operands = cmd.unwrapped()[1:]
            files = _targets(operands)
            for feeder in feeders.get(cmd.pipeline, ()):
                found = _secret_in(run, feeder.unwrapped()[1:], mounted)
                if found is not None and files:
                    into = _shown(operands)
                    yield _Write(
                        found.word, found.what, "`tee`", files, "tee", cmd.span, into,
                        found.mounted,
                    )  # fmt: skip
                    break


def _cp_writes(run: Run, cmd: ShellCommand) -> _Write | None:
    """``cp /run/secrets/id ~/.npmrc``: a mounted secret file copied into the layer."""
    argv = cmd.unwrapped()
    if cmd.unwrapped_program() != "cp" or len(argv) < 3:
        return None
    places = []
    for mount in run.mounts:
        if mount.type != "secret":
            continue
        if mount.target:
            places.append(mount.target)
        name = mount.option("id") or mount.source
        if name and not mount.target:
            places.append(posixpath.join("/run/secrets", name))
    operands = [w for w in argv[1:] if not w.literal.startswith("-")]
    if len(operands) < 2:
        return None
    for word in operands[:-1]:
        if word.value is not None and any(under(word.value, p) for p in places if p):
            last = tuple(operands[-1:])
            return _Write(
                word,
                f"the mounted secret `{word.value}`",
                "`cp`",
                _targets(last),
                "cp",
                cmd.span,
                _shown(last),
                True,
            )
    return None


@dataclass
class _Removals:
    """Where the commands of a RUN last remove a file (by base name), any file, or undo
    a program's setting: a write before that place is undone."""

    files: dict[str, Span]
    any_file: Span | None
    undo: dict[str, Span]

    def undone(self, write: _Write) -> bool:
        if write.files:
            removed = any(f in self.files and self.files[f] > write.at for f in write.files)
        else:
            removed = self.any_file is not None and self.any_file > write.at
        undo = self.undo.get(write.program)
        return removed or (undo is not None and undo > write.at)


def _writes(df: Dockerfile, images: frozenset[int]) -> Iterator[Finding]:
    for run in runs(df):
        if run.onbuild is None and run.stage.index not in images:
            continue
        mounted = _mounted_secrets(run)
        commands = run.script.commands
        found: list[_Write] = []
        removals = _Removals({}, None, {})
        for cmd in commands:
            argv = cmd.unwrapped()
            program = cmd.unwrapped_program()
            if program == "rm":
                for name in _targets(argv[1:]):
                    removals.files[name] = max(cmd.span, removals.files.get(name, cmd.span))
                removals.any_file = max(cmd.span, removals.any_file or cmd.span)
            elif program in _CONFIG_SUBCOMMANDS and any(w.value in _UNDO for w in argv[1:]):
                removals.undo[program] = max(cmd.span, removals.undo.get(program, cmd.span))
            for write in (
                _config_write(run, cmd, mounted),
                _sed_write(run, cmd, mounted),
                _cp_writes(run, cmd),
            ):
                if write is not None:
                    found.append(write)
        found.extend(_tee_writes(run, commands, mounted))
        for write in found:
            if removals.undone(write):
                continue
            if write.mounted:
                fix = (
                    "mount the secret where the tool reads it "
                    "(`--mount=type=secret,id=...,target=<file>`), or remove the file in "
                    "the same RUN"
                )
            else:
                fix = (
                    "give the tool its file as a secret mount "
                    "(`RUN --mount=type=secret,id=...,target=<file>`), or remove the file "
                    "in the same RUN"
                )
            yield Finding(
                write.word.span,
                f"{write.how} writes {write.what} into {write.into}, which stays in the "
                f"image layer: {fix}.",
            )


def check(df: Dockerfile) -> Iterator[Finding]:
    images = shipped(df)
    yield from _copies(df, images)
    yield from _writes(df, images)
