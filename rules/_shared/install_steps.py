"""Which shell commands install dependencies, and from which files.

Data first (manifest names per ecosystem), then one reader per tool family
that turns an argv into an ``InstallStep``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from dlint.ir.shell import ShellCommand, ShellScript, ShellWord

# "manifest": installs dependencies listed in manifest files (npm ci, pip -r)
# "named":    installs named packages or tools; needs no project file (apt-get)
# "project":  builds the project itself and fetches its dependencies on the way
#             (pip install ., mvn package): it needs the sources.
StepKind = Literal["manifest", "named", "project"]

# Dependency manifests and lock files, by ecosystem family.
MANIFESTS: dict[str, tuple[str, ...]] = {
    "python": (
        "requirements*.txt", "requirements/*.txt", "constraints*.txt", "pyproject.toml",
        "setup.py", "setup.cfg", "poetry.lock", "poetry.toml", "Pipfile", "Pipfile.lock",
        "uv.lock", "pdm.lock", "environment.yml", "environment.yaml", "conda-lock.yml",
    ),
    "node": (
        "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", ".yarnrc",
        ".yarnrc.yml", ".npmrc", "pnpm-lock.yaml", "pnpm-workspace.yaml", "bun.lockb", "bun.lock",
        ".yarn/releases/*", ".yarn/plugins/*",
    ),
    "go": ("go.mod", "go.sum", "go.work", "go.work.sum"),
    "maven": ("pom.xml", "mvnw", "mvnw.cmd", ".mvn/*"),
    "gradle": (
        "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
        "gradle.properties", "gradlew", "gradlew.bat", "gradle/*", "gradle/wrapper/*",
        "gradle/libs.versions.toml",
    ),
    "ruby": ("Gemfile", "Gemfile.lock", "*.gemspec", ".ruby-version"),
    "php": ("composer.json", "composer.lock", "auth.json"),
    "rust": ("Cargo.toml", "Cargo.lock", "recipe.json", "rust-toolchain", "rust-toolchain.toml"),
    "dotnet": (
        "*.csproj", "*.fsproj", "*.vbproj", "*.sln", "*.slnx", "nuget.config", "NuGet.Config",
        "Directory.Build.props", "Directory.Packages.props", "packages.lock.json", "global.json",
    ),
}  # fmt: skip
# Files in a context that are neither sources nor manifests.
BUILD_FILES = ("Dockerfile", "*.Dockerfile", "Dockerfile.*", ".dockerignore", "*.dockerignore")

_DEFAULT_MANIFESTS: dict[str, tuple[str, ...]] = {
    "npm": ("package.json", "package-lock.json"),
    "yarn": ("package.json", "yarn.lock"),
    "pnpm": ("package.json", "pnpm-lock.yaml"),
    "bun": ("package.json", "bun.lock"),
    "go": ("go.mod", "go.sum"),
    "maven": ("pom.xml",),
    "gradle": ("build.gradle", "settings.gradle"),
    "bundler": ("Gemfile", "Gemfile.lock"),
    "composer": ("composer.json", "composer.lock"),
    "cargo": ("Cargo.toml", "Cargo.lock"),
    "dotnet": ("*.csproj",),
    "poetry": ("pyproject.toml", "poetry.lock"),
    "uv": ("pyproject.toml", "uv.lock"),
    "pipenv": ("Pipfile", "Pipfile.lock"),
    "pdm": ("pyproject.toml", "pdm.lock"),
    "pip": ("pyproject.toml",),
}
FAMILY = {
    "pip": "python", "uv": "python", "poetry": "python", "pipenv": "python", "pdm": "python",
    "conda": "python", "npm": "node", "yarn": "node", "pnpm": "node", "bun": "node",
    "go": "go", "maven": "maven", "gradle": "gradle", "bundler": "ruby", "gem": "ruby",
    "composer": "php", "cargo": "rust", "dotnet": "dotnet",
}  # fmt: skip
SYSTEM_MANAGERS = frozenset({"apt-get", "apt", "apk", "dnf", "yum", "microdnf", "zypper", "tdnf"})


@dataclass(frozen=True, slots=True)
class InstallStep:
    """A command that installs dependencies or packages."""

    command: ShellCommand
    tool: str  # "pip", "npm", "apt-get", ...
    kind: StepKind
    manifests: tuple[str, ...] = ()  # files it reads, as written (relative to its directory)

    @property
    def family(self) -> str:
        return FAMILY.get(self.tool, "system")

    @property
    def text(self) -> str:
        words = " ".join(w.literal for w in self.command.unwrapped())
        return words if len(words) <= 60 else words[:57] + "..."


def _values(argv: Sequence[ShellWord]) -> list[str]:
    return [w.literal for w in argv]


def _positionals(args: list[str], with_value: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            if a in with_value:
                skip = True
            continue
        out.append(a)
    return out


def _option_values(args: list[str], *names: str) -> list[str]:
    out: list[str] = []
    for i, a in enumerate(args):
        for name in names:
            if a == name and i + 1 < len(args):
                out.append(args[i + 1])
            elif name.startswith("--") and a.startswith(name + "="):
                out.append(a.split("=", 1)[1])
            elif not name.startswith("--") and a.startswith(name) and len(a) > len(name):
                out.append(a[len(name) :])
    return out


def _is_local_path(arg: str) -> bool:
    return arg in (".", "..") or arg.startswith(("./", "../", "/", "file:")) or arg.endswith("/")


_PIP_VALUE_OPTS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
     "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
     "--platform", "--python-version", "--implementation", "--abi", "--trusted-host",
     "--cache-dir", "--src", "--progress-bar", "--python", "-p", "--upgrade-strategy"}
)  # fmt: skip


def _pip(tool: str, args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if not args or args[0] not in ("install", "sync"):
        return None
    rest = args[1:]
    manifests = tuple(_option_values(rest, "-r", "--requirement", "-c", "--constraint"))
    if args[0] == "sync":  # pip-sync / uv pip sync requirements.txt
        manifests += tuple(_positionals(rest, _PIP_VALUE_OPTS))
    editable = _option_values(rest, "-e", "--editable")
    positionals = _positionals(rest, _PIP_VALUE_OPTS)
    local = [p for p in positionals + editable if _is_local_path(p)]
    if local:
        return InstallStep(cmd, tool, "project", manifests or ("pyproject.toml",))
    if manifests:
        return InstallStep(cmd, tool, "manifest", manifests)
    links = _option_values(rest, "-f", "--find-links")
    if "--no-index" in rest or any(not link.startswith(("http://", "https://")) for link in links):
        return None  # packages from local files (wheels built from the sources?): not judged
    if positionals or editable:
        return InstallStep(cmd, tool, "named")
    return None


def _python(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if len(args) >= 2 and args[0] == "-m" and args[1] in ("pip", "pip3"):
        return _pip("pip", args[2:], cmd)
    return None


def _uv(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:1] == ["pip"]:
        return _pip("uv", args[1:], cmd)
    if args[:1] == ["sync"]:
        no_project = any(
            a in ("--no-install-project", "--only-deps", "--no-install-workspace") for a in args
        )
        return InstallStep(
            cmd, "uv", "manifest" if no_project else "project", _DEFAULT_MANIFESTS["uv"]
        )
    return None


def _poetry(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:1] != ["install"]:
        return None
    kind: StepKind = "manifest" if "--no-root" in args else "project"
    return InstallStep(cmd, "poetry", kind, _DEFAULT_MANIFESTS["poetry"])


def _pipenv(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if not args or args[0] not in ("install", "sync"):
        return None
    named = _positionals(args[1:])
    if named:
        return InstallStep(cmd, "pipenv", "named")
    return InstallStep(cmd, "pipenv", "manifest", _DEFAULT_MANIFESTS["pipenv"])


def _pdm(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if not args or args[0] not in ("install", "sync"):
        return None
    kind: StepKind = "manifest" if "--no-self" in args else "project"
    return InstallStep(cmd, "pdm", kind, _DEFAULT_MANIFESTS["pdm"])


def _conda(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:2] in (["env", "create"], ["env", "update"]) or args[:1] in (
        ["create"],
        ["install"],
        ["update"],
    ):
        files = _option_values(args, "-f", "--file")
        if files:
            return InstallStep(cmd, "conda", "manifest", tuple(files))
        if args[0] == "env":
            return InstallStep(cmd, "conda", "manifest", ("environment.yml",))
        if args[0] in ("install", "create") and _positionals(
            args[1:], frozenset({"-n", "--name", "-p", "--prefix", "-c", "--channel"})
        ):
            return InstallStep(cmd, "conda", "named")
    return None


_NPM_INSTALL = frozenset(
    {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isntall", "add"}
)
_NPM_VALUE_OPTS = frozenset(
    {
        "--prefix",
        "-C",
        "--registry",
        "--cache",
        "--omit",
        "--include",
        "--workspace",
        "-w",
        "--loglevel",
    }
)


def _node(tool: str, args: list[str], cmd: ShellCommand) -> InstallStep | None:
    defaults = _DEFAULT_MANIFESTS[tool]
    if tool == "yarn" and (not args or args[0].startswith("-")):
        return InstallStep(cmd, tool, "manifest", defaults)
    if not args:
        return None
    sub = args[0]
    if tool == "npm" and sub in ("ci", "clean-install", "install-clean", "isntall-clean", "ic"):
        return InstallStep(cmd, tool, "manifest", defaults)
    if tool in ("pnpm",) and sub == "fetch":
        return InstallStep(cmd, tool, "manifest", ("pnpm-lock.yaml",))
    if tool == "yarn" and sub == "global":
        return InstallStep(cmd, tool, "named")
    if sub in _NPM_INSTALL or (tool == "yarn" and sub == "install"):
        rest = args[1:]
        packages = _positionals(rest, _NPM_VALUE_OPTS)
        if (
            "-g" in rest
            or "--global" in rest
            or (packages and not all(_is_local_path(p) for p in packages))
        ):
            return InstallStep(cmd, tool, "named")
        if sub == "add" and not packages:
            return None
        return InstallStep(cmd, tool, "manifest", defaults)
    return None


def _go(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:2] == ["mod", "download"]:
        return InstallStep(cmd, "go", "manifest", _DEFAULT_MANIFESTS["go"])
    if args[:1] in (["install"], ["get"]):
        targets = _positionals(args[1:])
        if targets and all("@" in t for t in targets):
            return InstallStep(cmd, "go", "named")
    return None


_MVN_RESOLVE = re.compile(
    r"(^|:)(go-offline|resolve|resolve-plugins|resolve-dependencies|copy-dependencies)$"
)
_MVN_BUILD = frozenset(
    {"compile", "test-compile", "test", "package", "verify", "install", "deploy"}
)


def _maven(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    goals = _positionals(
        args,
        frozenset(
            {
                "-f",
                "--file",
                "-s",
                "--settings",
                "-P",
                "--activate-profiles",
                "-pl",
                "--projects",
                "-T",
                "--threads",
                "-Dmaven.repo.local",
            }
        ),
    )
    if any(_MVN_RESOLVE.search(g) for g in goals):
        return InstallStep(
            cmd,
            "maven",
            "manifest",
            tuple(_option_values(args, "-f", "--file")) or _DEFAULT_MANIFESTS["maven"],
        )
    if any(g in _MVN_BUILD or g.startswith("spring-boot:") for g in goals):
        return InstallStep(cmd, "maven", "project", _DEFAULT_MANIFESTS["maven"])
    return None


_GRADLE_RESOLVE = frozenset(
    {"dependencies", "downloadDependencies", "resolveDependencies", "androidDependencies"}
)
_GRADLE_BUILD = frozenset(
    {
        "build",
        "assemble",
        "jar",
        "bootJar",
        "shadowJar",
        "installDist",
        "distTar",
        "distZip",
        "test",
        "compileJava",
        "compileKotlin",
        "classes",
        "war",
        "bootWar",
        "nativeCompile",
    }
)


def _gradle(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    tasks = [
        t.rsplit(":", 1)[-1]
        for t in _positionals(
            args, frozenset({"-p", "--project-dir", "-b", "--build-file", "-x", "--exclude-task"})
        )
    ]
    if any(t in _GRADLE_RESOLVE for t in tasks) or ("--refresh-dependencies" in args and not tasks):
        return InstallStep(cmd, "gradle", "manifest", _DEFAULT_MANIFESTS["gradle"])
    if any(t in _GRADLE_BUILD for t in tasks):
        return InstallStep(cmd, "gradle", "project", _DEFAULT_MANIFESTS["gradle"])
    return None


def _bundle(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if not args or args[0] == "install" or args[0].startswith("-"):
        return InstallStep(cmd, "bundler", "manifest", _DEFAULT_MANIFESTS["bundler"])
    return None


def _gem(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:1] == ["install"] and _positionals(args[1:]):
        return InstallStep(cmd, "gem", "named")
    return None


def _composer(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:1] in (["install"], ["update"]) or args[:1] == ["i"]:
        return InstallStep(cmd, "composer", "manifest", _DEFAULT_MANIFESTS["composer"])
    if args[:2] == ["global", "require"] or args[:1] == ["require"]:
        return InstallStep(cmd, "composer", "named")
    return None


def _cargo(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:1] == ["fetch"] or args[:2] == ["chef", "cook"]:
        files = ("recipe.json",) if args[:1] == ["chef"] else _DEFAULT_MANIFESTS["cargo"]
        return InstallStep(cmd, "cargo", "manifest", files)
    if args[:1] in (["build"], ["test"]) or (args[:1] == ["install"] and "--path" in args):
        return InstallStep(cmd, "cargo", "project", _DEFAULT_MANIFESTS["cargo"])
    if args[:1] == ["install"] and _positionals(args[1:]):
        return InstallStep(cmd, "cargo", "named")
    return None


def _dotnet(args: list[str], cmd: ShellCommand) -> InstallStep | None:
    if args[:1] == ["restore"]:
        targets = tuple(_positionals(args[1:]))
        return InstallStep(cmd, "dotnet", "manifest", targets or _DEFAULT_MANIFESTS["dotnet"])
    if args[:1] in (["build"], ["publish"], ["test"]) and "--no-restore" not in args:
        return InstallStep(cmd, "dotnet", "project", _DEFAULT_MANIFESTS["dotnet"])
    return None


def _system(tool: str, args: list[str], cmd: ShellCommand) -> InstallStep | None:
    verbs = {"apk": ("add",), "zypper": ("install", "in")}.get(tool, ("install",))
    if any(a in verbs for a in _positionals(args)[:1]):
        return InstallStep(cmd, tool, "named")
    return None


_Reader = Callable[[list[str], ShellCommand], "InstallStep | None"]
_READERS: dict[str, _Reader] = {
    "pip": lambda a, c: _pip("pip", a, c),
    "uv": _uv,
    "poetry": _poetry,
    "pipenv": _pipenv,
    "pdm": _pdm,
    "conda": _conda,
    "mamba": _conda,
    "micromamba": _conda,
    "npm": lambda a, c: _node("npm", a, c),
    "yarn": lambda a, c: _node("yarn", a, c),
    "pnpm": lambda a, c: _node("pnpm", a, c),
    "bun": lambda a, c: _node("bun", a, c),
    "go": _go,
    "mvn": _maven,
    "mvnw": _maven,
    "gradle": _gradle,
    "gradlew": _gradle,
    "bundle": _bundle,
    "bundler": _bundle,
    "gem": _gem,
    "composer": _composer,
    "cargo": _cargo,
    "dotnet": _dotnet,
}
_PIP_NAME = re.compile(r"^pip(3(\.\d+)?)?$")
_PYTHON_NAME = re.compile(r"^python(3(\.\d+)?)?$")


def classify(cmd: ShellCommand) -> InstallStep | None:
    """The install step ``cmd`` is, if it is one."""
    argv = cmd.unwrapped()
    program = cmd.unwrapped_program()
    if program is None:
        return None
    args = _values(argv[1:])
    if _PIP_NAME.match(program):
        return _pip("pip", args, cmd)
    if _PYTHON_NAME.match(program):
        return _python(args, cmd)
    if program in SYSTEM_MANAGERS:
        return _system(program, args, cmd)
    reader = _READERS.get(program)
    return reader(args, cmd) if reader else None


def install_steps(script: ShellScript | None) -> Iterator[InstallStep]:
    """Install steps of a RUN, in order."""
    if script is None:
        return
    for cmd in script.commands:
        step = classify(cmd)
        if step is not None:
            yield step
