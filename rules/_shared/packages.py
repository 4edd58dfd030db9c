"""Package-manager commands, read the way each tool reads its own command line.

One model for every rule about package managers (apt-get, apt, aptitude, apk,
dnf, yum, microdnf, zypper, pip and friends, npm, yarn, pnpm, gem, go, cargo,
dotnet): which tool a command runs (through ``sudo``, ``env A=1``,
``python -m pip``...), its subcommand (options may come first: ``apt-get -y
install``), its options under one canonical spelling each (``-y``, ``--yes``
and ``--assume-yes`` are all ``--yes``; ``-qy`` is ``-q -y``; ``-q=2`` is two
``-q``), the values of the options that take one (``-t bookworm-backports``
is no package), and what is left: the operands (packages), each a word with
its span.

Tables, not code, say what each tool accepts, so a rule never splits a string
or guesses a flag.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from dlint.ir.common import Span
from dlint.ir.shell import ShellCommand, ShellScript, ShellWord

from .memo import by_identity


@dataclass(frozen=True, slots=True)
class Tool:
    """How one package manager reads its command line."""

    name: str  # canonical: "apt-get", "pip", ...
    valued: frozenset[str] = frozenset()  # options that take a value (canonical spelling)
    aliases: Mapping[str, str] = field(default_factory=dict)  # spelling -> canonical
    subcommands: Mapping[str, str] = field(default_factory=dict)  # spelling -> canonical
    clusters: bool = True  # "-qy" is "-q -y" (short options take one letter each)
    groups: frozenset[str] = frozenset()  # subcommands named by two words ("tool install")
    # options that mean something else before the subcommand (zypper's global -n, -t...)
    global_aliases: Mapping[str, str] = field(default_factory=dict)
    global_valued: frozenset[str] | None = None  # None: the same as ``valued``
    boolean_words: bool = False  # npm: "--audit false" (a true/false word after a flag)


def _aliases(*groups: tuple[str, ...]) -> dict[str, str]:
    """Each group's spellings mapped to the group's first (canonical) spelling."""
    return {spelling: group[0] for group in groups for spelling in group}


def _same(*names: str) -> dict[str, str]:
    return {n: n for n in names}


_APT_OPTIONS = _aliases(
    ("--yes", "-y", "--assume-yes"),
    ("--quiet", "-q"),
    ("--target-release", "-t", "--default-release"),
    ("--option", "-o"),
    ("--config-file", "-c"),
    ("--fix-broken", "-f"),
    ("--simulate", "-s", "--just-print", "--dry-run", "--recon", "--no-act"),
    ("--download-only", "-d"),
    ("--no-install-recommends",),
    ("--install-recommends",),
    ("--no-install-suggests",),
    ("--allow-unauthenticated",),
    ("--allow-downgrades",),
    ("--allow-remove-essential",),
    ("--allow-change-held-packages",),
    ("--force-yes",),
    ("--reinstall",),
    ("--purge",),
    ("--auto-remove", "--autoremove"),
    ("--no-upgrade",),
    ("--only-upgrade",),
    ("--show-upgraded", "-u"),
    ("--verbose-versions", "-V"),
    ("--fix-missing", "-m", "--ignore-missing"),
    ("--ignore-hold",),
    ("--host-architecture", "-a"),
    ("--build-profiles", "-P"),
    ("--print-uris",),
    ("--list-cleanup",),
    ("--no-list-cleanup",),
    ("--assume-no",),
    ("--mark-auto",),
    ("--update",),
)
_APT_VALUED = frozenset(
    {"--target-release", "--option", "--config-file", "--host-architecture", "--build-profiles"}
)
_APT_SUBCOMMANDS = {
    **_same(
        "install", "update", "upgrade", "dist-upgrade", "full-upgrade", "remove", "purge",
        "autoremove", "auto-remove", "clean", "autoclean", "auto-clean", "source", "build-dep",
        "download", "check", "satisfy", "changelog", "indextargets", "dselect-upgrade",
        "search", "show", "list", "edit-sources", "reinstall", "policy", "depends", "rdepends",
        "moo", "distclean", "showsrc", "madison",
    ),
    "dist-clean": "distclean",
}  # fmt: skip

_RPM_OPTIONS = _aliases(
    ("--assumeyes", "-y"),
    ("--assumeno",),
    ("--quiet", "-q"),
    ("--verbose", "-v"),
    ("--config", "-c"),
    ("--installroot",),
    ("--releasever",),
    ("--enablerepo",),
    ("--disablerepo",),
    ("--repo", "--repoid"),
    ("--exclude", "-x"),
    ("--setopt",),
    ("--nodocs",),
    ("--nobest",),
    ("--best",),
    ("--noplugins",),
    ("--enableplugin",),
    ("--disableplugin",),
    ("--nogpgcheck",),
    ("--skip-broken",),
    ("--allowerasing",),
    ("--refresh",),
    ("--downloadonly",),
    ("--downloaddir", "--destdir"),
    ("--debuglevel", "-d"),
    ("--errorlevel", "-e"),
    ("--rpmverbosity",),
    ("--cacheonly", "-C"),
    ("--security",),
    ("--setopt",),
    ("--forcearch",),
    ("--comment",),
    ("--color",),
    ("--installonly-limit",),
    ("--noautoremove",),
    ("--no-best",),
    ("--skip-unavailable",),
    ("--use-host-config",),
    ("--allow-downgrade",),
    ("--disableexcludes", "--disableexcludepkgs"),
    ("--repofrompath",),
    ("--advisory", "--advisories"),
    ("--cve", "--cves"),
    ("--bz", "--bzs"),
    ("--sec-severity", "--secseverity"),
    ("--randomwait", "-R"),
    ("--excludepkgs",),
    ("--includepkgs",),
    ("--from-repo",),
    ("--enable-repo",),
    ("--disable-repo",),
)
_RPM_VALUED = frozenset(
    {"--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "--repo",
     "--exclude", "--setopt", "--downloaddir", "--debuglevel", "--errorlevel", "--rpmverbosity",
     "--enableplugin", "--disableplugin", "--forcearch", "--comment", "--color",
     "--installonly-limit", "--disableexcludes", "--repofrompath", "--advisory", "--cve",
     "--bz", "--sec-severity", "--randomwait", "--excludepkgs", "--includepkgs", "--from-repo",
     "--enable-repo", "--disable-repo"}
)  # fmt: skip
_RPM_SUBCOMMANDS = {
    **_same(
        "install", "groupinstall", "localinstall", "update", "upgrade", "upgrade-minimal",
        "reinstall", "remove", "erase", "clean", "makecache", "module", "group", "groups",
        "list", "info", "search", "provides", "repolist", "history", "check-update",
        "distro-sync", "downgrade", "autoremove", "swap", "builddep", "config-manager",
        "repoquery", "download", "mark", "versionlock", "shell", "deplist", "updateinfo",
    ),
    "in": "install", "up": "upgrade", "up-min": "upgrade-minimal", "rei": "reinstall",
    "rm": "remove", "mc": "makecache", "update-minimal": "upgrade-minimal",
    "dsync": "distro-sync", "distribution-synchronization": "distro-sync", "dg": "downgrade",
    "groupupdate": "group update", "groupupgrade": "group upgrade",
    "groupremove": "group remove", "grouperase": "group remove", "localupdate": "localupdate",
}  # fmt: skip

# zypper's options after the subcommand (install, remove...)
_ZYPPER_OPTIONS = _aliases(
    ("--no-confirm", "-y"),
    ("--non-interactive",),
    ("--auto-agree-with-licenses", "-l"),
    ("--no-recommends",),
    ("--recommends",),
    ("--force", "-f"),
    ("--repo", "-r"),
    ("--from",),
    ("--type", "-t"),
    ("--name", "-n"),
    ("--capability", "-C"),
    ("--dry-run", "-D"),
    ("--download-only", "-d"),
    ("--oldpackage",),
    ("--allow-vendor-change",),
    ("--no-refresh",),
    ("--clean-deps", "-u"),
    ("--all", "-a"),
    ("--details",),
    ("--download",),
)
_ZYPPER_VALUED = frozenset({"--repo", "--from", "--type", "--download"})
# and before it (global options: `zypper -n install` is non-interactive)
_ZYPPER_GLOBAL = _aliases(
    ("--non-interactive", "-n"),
    ("--quiet", "-q"),
    ("--verbose", "-v"),
    ("--no-gpg-checks",),
    ("--gpg-auto-import-keys",),
    ("--root", "-R"),
    ("--reposd-dir", "-D"),
    ("--cache-dir", "-C"),
    ("--raw-cache-dir",),
    ("--config", "-c"),
    ("--xmlout", "-x"),
    ("--terse", "-t"),
    ("--ignore-unknown", "-i"),
    ("--no-refresh",),
    ("--plus-repo", "-p"),
    ("--no-color",),
)
_ZYPPER_GLOBAL_VALUED = frozenset(
    {"--root", "--reposd-dir", "--cache-dir", "--raw-cache-dir", "--config", "--plus-repo"}
)
_ZYPPER_SUBCOMMANDS = {
    **_same(
        "install", "remove", "update", "patch", "dist-upgrade", "clean", "refresh",
        "source-install", "search", "info", "addrepo", "removerepo", "repos", "verify",
        "install-new-recommends", "patches", "lock", "addlock",
    ),
    "in": "install", "rm": "remove", "up": "update", "dup": "dist-upgrade", "cc": "clean",
    "ref": "refresh", "si": "source-install", "se": "search", "if": "info",
    "ar": "addrepo", "rr": "removerepo", "lr": "repos", "ve": "verify",
    "inr": "install-new-recommends",
}  # fmt: skip

_APK_OPTIONS = _aliases(
    ("--no-cache",),
    ("--update-cache", "-U", "--update"),
    ("--repository", "-X"),
    ("--virtual", "-t"),
    ("--root", "-p"),
    ("--arch",),
    ("--cache-dir",),
    ("--keys-dir",),
    ("--repositories-file",),
    ("--quiet", "-q"),
    ("--verbose", "-v"),
    ("--interactive", "-i"),
    ("--allow-untrusted",),
    ("--no-progress",),
    ("--progress",),
    ("--force-overwrite",),
    ("--force-broken-world",),
    ("--force",),
    ("--upgrade", "-u"),
    ("--latest", "-l"),
    ("--initdb",),
    ("--no-scripts",),
    ("--no-network",),
    ("--purge",),
    ("--wait",),
    ("--timeout",),
    ("--cache-max-age",),
    ("--print-arch",),
    ("--available", "-a"),
    ("--simulate", "-s"),
    ("--clean-protected",),
    ("--recursive", "-r"),
)
_APK_VALUED = frozenset(
    {"--repository", "--virtual", "--root", "--arch", "--cache-dir", "--keys-dir",
     "--repositories-file", "--wait", "--timeout", "--cache-max-age"}
)  # fmt: skip
_APK_SUBCOMMANDS = _same(
    "add", "del", "fix", "update", "upgrade", "cache", "info", "list", "dot", "policy",
    "search", "index", "fetch", "manifest", "verify", "audit", "stats", "version",
)  # fmt: skip

_PIP_OPTIONS = _aliases(
    ("--requirement", "-r"),
    ("--constraint", "-c"),
    ("--editable", "-e"),
    ("--index-url", "-i"),
    ("--extra-index-url",),
    ("--find-links", "-f"),
    ("--target", "-t"),
    ("--upgrade", "-U"),
    ("--user",),
    ("--no-deps",),
    ("--no-cache-dir",),
    ("--cache-dir",),
    ("--quiet", "-q"),
    ("--verbose", "-v"),
    ("--pre",),
    ("--force-reinstall",),
    ("--ignore-installed", "-I"),
    ("--no-index",),
    ("--prefix",),
    ("--root",),
    ("--src",),
    ("--upgrade-strategy",),
    ("--python-version",),
    ("--platform",),
    ("--abi",),
    ("--implementation",),
    ("--no-binary",),
    ("--only-binary",),
    ("--prefer-binary",),
    ("--progress-bar",),
    ("--trusted-host",),
    ("--log",),
    ("--proxy",),
    ("--retries",),
    ("--timeout",),
    ("--exists-action",),
    ("--cert",),
    ("--client-cert",),
    ("--global-option",),
    ("--install-option",),
    ("--config-settings", "-C"),
    ("--report",),
    ("--root-user-action",),
    ("--python",),
    ("--break-system-packages",),
    ("--require-hashes",),
    ("--no-build-isolation",),
    ("--use-pep517",),
    ("--no-use-pep517",),
    ("--compile",),
    ("--no-compile",),
    ("--no-warn-script-location",),
    ("--no-warn-conflicts",),
    ("--disable-pip-version-check",),
    ("--no-color",),
    ("--isolated",),
    ("--require-virtualenv",),
    ("--dry-run",),
    ("--only-deps",),
    ("--system",),
    ("--extra",),
    ("--group",),
    ("--build", "-b", "--build-dir"),
    ("--use-feature",),
    ("--use-deprecated",),
    ("--keyring-provider",),
    ("--pip-args",),
    ("--suffix",),
    ("--spec",),
    ("--log-file",),
    ("--resume-retries",),
    ("--build-directory",),
    ("--preinstall",),
)
_PIP_VALUED = frozenset(
    {"--requirement", "--constraint", "--editable", "--index-url", "--extra-index-url",
     "--find-links", "--target", "--cache-dir", "--prefix", "--root", "--src",
     "--upgrade-strategy", "--python-version", "--platform", "--abi", "--implementation",
     "--no-binary", "--only-binary", "--progress-bar", "--trusted-host", "--log", "--proxy",
     "--retries", "--timeout", "--exists-action", "--cert", "--client-cert",
     "--global-option", "--install-option", "--config-settings", "--report",
     "--root-user-action", "--python", "--extra", "--group", "--build", "--use-feature",
     "--use-deprecated", "--keyring-provider", "--pip-args", "--suffix", "--spec",
     "--log-file", "--resume-retries", "--build-directory", "--preinstall"}
)  # fmt: skip
_PIP_SUBCOMMANDS = _same(
    "install", "uninstall", "download", "wheel", "freeze", "list", "show", "check", "config",
    "cache", "hash", "completion", "debug", "help", "index", "inspect", "search", "lock",
    "sync", "compile", "run", "add", "tool", "venv", "pip",
)  # fmt: skip

_NPM_OPTIONS = _aliases(
    ("--global", "-g"),
    ("--save-dev", "-D"),
    ("--save-prod", "-P"),
    ("--save-optional", "-O"),
    ("--save-exact", "-E"),
    ("--no-save",),
    ("--production",),
    ("--omit",),
    ("--include",),
    ("--registry",),
    ("--prefix",),
    ("--cache",),
    ("--tag",),
    ("--workspace", "-w"),
    ("--userconfig",),
    ("--loglevel",),
    ("--legacy-peer-deps",),
    ("--force", "-f"),
    ("--ignore-scripts",),
    ("--no-audit",),
    ("--no-fund",),
    ("--unsafe-perm",),
    ("--silent", "-s"),
    ("--quiet", "-q"),
    ("--frozen-lockfile",),
    ("--pure-lockfile",),
    ("--cache-folder",),
    ("--modules-folder",),
    ("--network-timeout",),
    ("--non-interactive",),
    ("--immutable",),
    ("--dev", "-d"),
    ("--exact", "-e"),
    ("--store-dir",),
    ("--filter", "-F"),
    ("--dir", "-C"),
    ("--only",),
    ("--location",),
    ("--before",),
    ("--proxy",),
    ("--https-proxy",),
    ("--cpu",),
    ("--os",),
    ("--libc",),
    ("--cwd",),
    ("--mutex",),
    ("--global-folder",),
    ("--link-folder",),
    ("--audit",),
    ("--fund",),
    ("--install-strategy",),
    ("--audit-level",),
    ("--fetch-retries",),
    ("--fetch-retry-factor",),
    ("--fetch-retry-mintimeout",),
    ("--fetch-retry-maxtimeout",),
    ("--fetch-timeout",),
    ("--cafile",),
    ("--otp",),
    ("--node-options",),
    ("--script-shell",),
    ("--maxsockets",),
    ("--network-concurrency",),
    ("--use-yarnrc",),
    ("--globalconfig",),
    ("--ca",),
    ("--cert",),
    ("--key",),
)
_NPM_VALUED = frozenset(
    {"--omit", "--include", "--registry", "--prefix", "--cache", "--tag", "--workspace",
     "--userconfig", "--loglevel", "--cache-folder", "--modules-folder", "--network-timeout",
     "--store-dir", "--filter", "--dir", "--only", "--location", "--before", "--proxy",
     "--https-proxy", "--cpu", "--os", "--libc", "--cwd", "--mutex", "--global-folder",
     "--link-folder", "--install-strategy", "--audit-level", "--fetch-retries",
     "--fetch-retry-factor", "--fetch-retry-mintimeout", "--fetch-retry-maxtimeout",
     "--fetch-timeout", "--cafile", "--otp", "--node-options", "--script-shell",
     "--maxsockets", "--network-concurrency", "--use-yarnrc", "--globalconfig", "--ca",
     "--cert", "--key"}
)  # fmt: skip
_NPM_SUBCOMMANDS = {
    **_same(
        "install", "ci", "update", "uninstall", "run", "exec", "test", "start", "build",
        "cache", "config", "link", "pack", "publish", "audit", "rebuild", "prune", "dedupe",
        "add", "remove", "global", "upgrade", "clean", "why", "list", "outdated",
    ),
    "i": "install", "isntall": "install", "in": "install", "ins": "install", "inst": "install",
    "insta": "install", "instal": "install", "isnt": "install", "isnta": "install",
    "isntal": "install", "add": "install", "install-test": "install", "it": "install",
    "un": "uninstall", "unlink": "uninstall", "remove": "uninstall", "rm": "uninstall",
    "r": "uninstall", "up": "update", "upgrade": "update", "udpate": "update",
    "install-ci-test": "ci", "cit": "ci", "clean-install": "ci", "ic": "ci",
}  # fmt: skip

_GEM_OPTIONS = _aliases(
    ("--version", "-v"),
    ("--install-dir", "-i"),
    ("--bindir", "-n"),
    ("--source", "-s"),
    ("--platform",),
    ("--no-document", "-N"),
    ("--document",),
    ("--no-ri",),
    ("--no-rdoc",),
    ("--user-install",),
    ("--force", "-f"),
    ("--local", "-l"),
    ("--remote", "-r"),
    ("--both", "-b"),
    ("--clear-sources",),
    ("--conservative",),
    ("--minimal-deps",),
    ("--prerelease",),
    ("--quiet", "-q"),
    ("--silent",),
    ("--env-shebang", "-E"),
    ("--wrappers", "-w"),
    ("--build-root",),
    ("--file", "-g"),
    ("--without",),
    ("--jobs", "-j"),
    ("--trust-policy", "-P"),
    ("--bulk-threshold", "-B"),
    ("--http-proxy", "-p"),
    ("--config-file",),
    ("--target-rbconfig",),
)
_GEM_VALUED = frozenset(
    {"--version", "--install-dir", "--bindir", "--source", "--platform", "--build-root",
     "--file", "--without", "--jobs", "--trust-policy", "--bulk-threshold", "--http-proxy",
     "--config-file", "--target-rbconfig"}
)  # fmt: skip
_GEM_SUBCOMMANDS = {
    **_same("install", "update", "uninstall", "list", "build", "push", "cleanup", "fetch"),
    "i": "install",
}

_GO_SUBCOMMANDS = _same(
    "install", "get", "run", "build", "mod", "test", "generate", "env", "vet", "fmt", "work",
    "clean", "list", "tool", "version",
)  # fmt: skip
_GO_VALUED = frozenset(
    {"-mod", "-tags", "-ldflags", "-gcflags", "-asmflags", "-o", "-p", "-modfile",
     "-overlay", "-pkgdir", "-toolexec", "-exec", "-C", "-buildmode", "-compiler",
     "-installsuffix", "-pgo", "-covermode", "-coverpkg", "-gccgoflags"}
)  # fmt: skip

_CARGO_OPTIONS = _aliases(
    ("--version", "--vers"),
    ("--git",),
    ("--branch",),
    ("--tag",),
    ("--rev",),
    ("--path",),
    ("--root",),
    ("--registry",),
    ("--index",),
    ("--jobs", "-j"),
    ("--target",),
    ("--features", "-F"),
    ("--profile",),
    ("--locked",),
    ("--frozen",),
    ("--offline",),
    ("--force", "-f"),
    ("--no-default-features",),
    ("--all-features",),
    ("--bin",),
    ("--example",),
    ("--target-dir",),
    ("--config",),
    ("--quiet", "-q"),
    ("--verbose", "-v"),
    ("--release", "-r"),
    ("--debug",),
)
_CARGO_VALUED = frozenset(
    {"--version", "--git", "--branch", "--tag", "--rev", "--path", "--root", "--registry",
     "--index", "--jobs", "--target", "--features", "--profile", "--bin", "--example",
     "--target-dir", "--config"}
)  # fmt: skip

_DOTNET_OPTIONS = _aliases(
    ("--global", "-g"),
    ("--local",),
    ("--tool-path",),
    ("--version",),
    ("--add-source",),
    ("--configfile",),
    ("--framework", "-f"),
    ("--verbosity", "-v"),
    ("--prerelease",),
    ("--tool-manifest",),
    ("--source", "-s"),
    ("--packages",),
    ("--runtime", "-r"),
    ("--arch", "-a"),
    ("--os",),
    ("--configuration", "-c"),
    ("--output", "-o"),
    ("--no-restore",),
    ("--interactive",),
    ("--no-cache",),
    ("--locked-mode",),
)
_DOTNET_VALUED = frozenset(
    {"--tool-path", "--version", "--add-source", "--configfile", "--framework", "--verbosity",
     "--tool-manifest", "--source", "--packages", "--runtime", "--arch", "--os",
     "--configuration", "--output"}
)  # fmt: skip

TOOLS: dict[str, Tool] = {
    "apt-get": Tool("apt-get", _APT_VALUED, _APT_OPTIONS, _APT_SUBCOMMANDS),
    "apt": Tool("apt", _APT_VALUED, _APT_OPTIONS, _APT_SUBCOMMANDS),
    "aptitude": Tool("aptitude", _APT_VALUED, _APT_OPTIONS, _APT_SUBCOMMANDS),
    "apk": Tool("apk", _APK_VALUED, _APK_OPTIONS, _APK_SUBCOMMANDS),
    "dnf": Tool("dnf", _RPM_VALUED, _RPM_OPTIONS, _RPM_SUBCOMMANDS),
    "dnf5": Tool("dnf5", _RPM_VALUED, _RPM_OPTIONS, _RPM_SUBCOMMANDS),
    "yum": Tool("yum", _RPM_VALUED, _RPM_OPTIONS, _RPM_SUBCOMMANDS),
    "microdnf": Tool("microdnf", _RPM_VALUED, _RPM_OPTIONS, _RPM_SUBCOMMANDS),
    "tdnf": Tool("tdnf", _RPM_VALUED, _RPM_OPTIONS, _RPM_SUBCOMMANDS),
    "zypper": Tool(
        "zypper",
        _ZYPPER_VALUED,
        _ZYPPER_OPTIONS,
        _ZYPPER_SUBCOMMANDS,
        global_aliases=_ZYPPER_GLOBAL,
        global_valued=_ZYPPER_GLOBAL_VALUED,
    ),
    "pip": Tool("pip", _PIP_VALUED, _PIP_OPTIONS, _PIP_SUBCOMMANDS),
    "uv": Tool(
        "uv", _PIP_VALUED, _PIP_OPTIONS, _PIP_SUBCOMMANDS, groups=frozenset({"pip", "tool"})
    ),
    "pipx": Tool("pipx", _PIP_VALUED, _PIP_OPTIONS, _PIP_SUBCOMMANDS),
    "npm": Tool("npm", _NPM_VALUED, _NPM_OPTIONS, _NPM_SUBCOMMANDS, boolean_words=True),
    "yarn": Tool(
        "yarn",
        _NPM_VALUED,
        _NPM_OPTIONS,
        _NPM_SUBCOMMANDS,
        groups=frozenset({"global", "cache"}),
        boolean_words=True,
    ),
    "pnpm": Tool("pnpm", _NPM_VALUED, _NPM_OPTIONS, _NPM_SUBCOMMANDS, boolean_words=True),
    "gem": Tool("gem", _GEM_VALUED, _GEM_OPTIONS, _GEM_SUBCOMMANDS, boolean_words=True),
    "go": Tool("go", _GO_VALUED, {}, _GO_SUBCOMMANDS, clusters=False),
    "cargo": Tool("cargo", _CARGO_VALUED, _CARGO_OPTIONS, _same("install", "build", "fetch")),
    "dotnet": Tool(
        "dotnet",
        _DOTNET_VALUED,
        _DOTNET_OPTIONS,
        _same("tool", "restore", "add"),
        groups=frozenset({"tool", "add"}),
    ),
}
_PIP_PROGRAM = re.compile(r"^pip(?:\d+(?:\.\d+)*)?$")
_PYTHON_PROGRAM = re.compile(r"^python(?:\d+(?:\.\d+)*)?$")


@dataclass(frozen=True, slots=True)
class Opt:
    """One option as the tool reads it."""

    name: str  # canonical spelling ("--yes"); unknown options keep their own
    word: ShellWord  # where it is written
    value: str | None = None  # for an option that takes one: its value (None: unknown)
    value_word: ShellWord | None = None  # the word holding the value, when separate


@dataclass(frozen=True, slots=True)
class Invocation:
    """A package manager run by one command."""

    tool: str  # canonical tool name (TOOLS' keys)
    command: ShellCommand
    program: ShellWord  # as written (``pip3``, ``/usr/bin/apt-get``, ``python``)
    subcommand: str | None  # canonical ("install"); "tool install" for a group's
    subcommand_word: ShellWord | None
    options: tuple[Opt, ...]
    operands: tuple[ShellWord, ...]  # what follows the subcommand that is no option
    # words before the subcommand whose value dlint cannot know (``$OPTS``): options
    unknown: tuple[ShellWord, ...] = ()

    def has(self, *names: str) -> bool:
        """Whether any of the options ``names`` (canonical spellings) is given."""
        return any(o.name in names for o in self.options)

    def count(self, name: str) -> int:
        """How often an option is given (``-qq``: ``--quiet`` twice)."""
        return sum(1 for o in self.options if o.name == name)

    def values(self, name: str) -> tuple[str, ...]:
        return tuple(o.value for o in self.options if o.name == name and o.value is not None)

    @property
    def head(self) -> Span:
        """Where a finding about the whole run goes: the program and its subcommand
        (``apt-get -q install``), or the program alone when they are on different
        lines."""
        start, sub = self.program.span, self.subcommand_word
        if sub is None or sub.span.line != start.end_line:
            return start
        return start.cover(sub.span)


def _unwrapped(cmd: ShellCommand) -> tuple[ShellWord, ...]:
    """argv without ``sudo``/``env``... and ``python -m`` (pip, for ``python -m pip``)."""
    argv = cmd.unwrapped()
    if len(argv) >= 3 and argv[0].value is not None:
        base = posixpath.basename(argv[0].value)
        if _PYTHON_PROGRAM.match(base) and argv[1].value == "-m":
            return argv[2:]
    return argv


def tool_of(program: str) -> str | None:
    """The canonical tool a program name runs (``pip3.12`` -> ``pip``)."""
    base = posixpath.basename(program)
    if _PIP_PROGRAM.match(base):
        return "pip"
    return base if base in TOOLS else None


def _expand(
    tool: Tool, word: ShellWord, aliases: Mapping[str, str], valued: frozenset[str]
) -> list[tuple[str, str | None]]:
    """(canonical name, inline value) of each option one word holds."""
    text = word.value
    if text is None:
        return []
    if text.startswith("--"):
        name, eq, value = text.partition("=")
        return [(aliases.get(name, name), value if eq else None)]
    if not tool.clusters or len(text) == 2 or text[2:3] == "=":
        name, eq, value = text.partition("=")
        canonical = aliases.get(name, name)
        if eq and canonical == "--quiet" and value.isdigit():
            return [(canonical, None)] * int(value)  # -q=2: quiet level two
        return [(canonical, value if eq else None)]
    out: list[tuple[str, str | None]] = []
    for i, letter in enumerate(text[1:], start=1):
        canonical = aliases.get("-" + letter, "-" + letter)
        if canonical in valued:  # the rest of the word is its value (-tfoo)
            rest = text[i + 1 :].lstrip("=")
            out.append((canonical, rest or None))
            break
        if letter == "=":
            break
        out.append((canonical, None))
    return out


@by_identity(4096)
def parse(cmd: ShellCommand) -> Invocation | None:
    """The package-manager invocation ``cmd`` is, or None."""
    return _parse(cmd)


def _parse(cmd: ShellCommand) -> Invocation | None:
    argv = _unwrapped(cmd)
    if not argv or argv[0].value is None:
        return None
    name = tool_of(argv[0].value)
    if name is None:
        return None
    tool = TOOLS[name]
    global_aliases = {**tool.aliases, **tool.global_aliases}
    global_valued = tool.valued if tool.global_valued is None else tool.global_valued
    options: list[Opt] = []
    operands: list[ShellWord] = []
    unknown: list[ShellWord] = []
    subcommand: str | None = None
    sub_word: ShellWord | None = None
    expecting = True  # the next operand may still name the subcommand
    i = 1
    options_done = False
    while i < len(argv):
        word = argv[i]
        text = word.value
        i += 1
        if text is None and subcommand is None and expecting and not operands:
            unknown.append(word)  # `zypper $OPTS install`: options, most likely
            continue
        if text is None or options_done or not text.startswith("-") or text == "-":
            known = tool.subcommands.get(text or "") if subcommand is None else text
            if expecting and not operands and known is not None:
                if subcommand is None:
                    subcommand, sub_word = known, word
                    expecting = known in tool.groups
                else:  # the second word of a group: "tool install"
                    subcommand = f"{subcommand} {known}"
                    expecting = False
            else:
                expecting = False
                operands.append(word)
            continue
        if text == "--":
            options_done = True
            continue
        before = subcommand is None
        aliases = global_aliases if before else tool.aliases
        valued = global_valued if before else tool.valued
        for canonical, inline in _expand(tool, word, aliases, valued):
            if canonical in valued and inline is None:
                value_word = argv[i] if i < len(argv) else None
                i += 1
                value = value_word.value if value_word is not None else None
                options.append(Opt(canonical, word, value, value_word))
            elif (
                tool.boolean_words
                and inline is None
                and text.startswith("--")
                and i < len(argv)
                and argv[i].value in ("true", "false")
            ):
                options.append(Opt(canonical, word, argv[i].value, argv[i]))  # --audit false
                i += 1
            else:
                options.append(Opt(canonical, word, inline))
    return Invocation(
        name, cmd, argv[0], subcommand, sub_word, tuple(options), tuple(operands), tuple(unknown)
    )


def invocations(script: ShellScript | None, *tools: str) -> Iterator[Invocation]:
    """The package-manager commands of a script, in order (of ``tools`` only, if given)."""
    if script is None or script.dialect != "posix":
        return
    for _, found in parsed(script):
        if found is not None and (not tools or found.tool in tools):
            yield found


@by_identity(256)
def parsed(script: ShellScript) -> tuple[tuple[ShellCommand, Invocation | None], ...]:
    """Each command of ``script`` with the package-manager invocation it is, or None:
    every rule about packages goes through the commands of every RUN."""
    return tuple((cmd, parse(cmd)) for cmd in script.commands)
