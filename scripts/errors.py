"""The one place where errors become exit codes: one line on stderr, no traceback.

One hierarchy: every problem of this package that a user can fix is a `UserError` (the pipeline's
are `PipelineError`s: an unknown scene, a missing tool, a scene module that cannot be imported, an
ffmpeg failure...). The estimator, which imports nothing from the CLI, has its own root,
`estimator.errors.InputError`. `ExplainerGroup.invoke` is the only code that turns exceptions into
exit statuses, for every command:

    UserError, InputError          Error: <message>           exit 2
    OSError (disk full, read-only  Error: <what and the fix>  exit 2
      folder, permission, ...)
    Ctrl-C (SIGINT), SIGTERM       Interrupted: <message>     exit 130 (SIGINT), 143 (SIGTERM)

    click's usage errors           Error: <message> (see `glmm-explainer CMD --help`)  exit 2
      (an unknown option, a bad choice such as --theme sepia)
"""
from __future__ import annotations

import errno
import signal
import sys
import threading
from contextlib import contextmanager

import click

from estimator.errors import InputError


class UserError(Exception):
    """A problem the user can fix: the message names it and the fix, on one line (exit 2)."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class PipelineError(UserError):
    """A problem of the render pipeline (its subclasses: CatalogError, MissingTool, EncodeError)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the command stops, keeps what finished and exits 128 + the signal.
    A KeyboardInterrupt, so every `except KeyboardInterrupt` cleanup path also sees SIGTERM."""

    def __init__(self, signum: int = signal.SIGINT, detail: str = ""):
        super().__init__(signum, detail)
        self.signum = int(signum)
        self.detail = detail

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def message(self) -> str:
        how = "Ctrl-C (SIGINT)" if self.signum == signal.SIGINT else signal.Signals(self.signum).name
        return f"stopped by {how}" + (f"; {self.detail}" if self.detail else "")


class _Exit(click.ClickException):
    """What click prints and exits with: '<label>: <message>' on one line."""

    def __init__(self, message: str, exit_code: int = 2, label: str = "Error"):
        super().__init__(" ".join(str(message).split()))
        self.exit_code = exit_code
        self.label = label

    def show(self, file=None) -> None:
        if self.label == "Interrupted" and sys.stderr.isatty():
            click.echo(err=True)  # off the line the terminal's ^C echo is on
        click.echo(f"{self.label}: {self.message}", err=True)


def os_error_message(exc: OSError) -> str:
    """An OS error as the user should read it: the file, what went wrong and what to do."""
    name = f" '{exc.filename}'" if exc.filename else ""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        where = f" (writing{name})" if name else ""
        return (f"no space left on the device{where}: free some space or choose another --out; "
                "files already finished are kept")
    if code == errno.EROFS:
        return f"{name.strip() or 'the output'} is on a read-only file system: choose a writable --out"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied for{name}: choose a writable location"
    if code == errno.EISDIR:
        return f"{name.strip()} is a folder: give a file path"
    return f"{exc.strerror or type(exc).__name__}{name and ' (' + name.strip() + ')'}"


class _SignalState:
    """Whether SIGINT/SIGTERM raise now, later (inside `interrupts_deferred`) or no more."""

    def __init__(self):
        self.fired = False
        self.deferring = 0
        self.pending: int | None = None

    def handler(self, signum, frame):
        if self.fired:
            return  # already stopping: let the clean-up (bounded by timeouts) finish
        if self.deferring:
            self.pending = signum
            return
        self.fired = True
        raise Interrupted(signum)


_state: _SignalState | None = None


@contextmanager
def _signals_interrupt():
    """SIGINT and SIGTERM raise `Interrupted` in the main thread, once. Signals the caller
    ignores (a background job's SIGINT) stay ignored."""
    global _state
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, _state = _state, _SignalState()
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) in (signal.default_int_handler, signal.SIG_DFL):
            previous[sig] = signal.signal(sig, _state.handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _state = outer


@contextmanager
def interrupts_deferred():
    """A step that must not be cut in two (placing files + writing their manifest): a signal
    arriving meanwhile is raised when the step is done."""
    state = _state
    if state is None:
        yield
        return
    state.deferring += 1
    try:
        yield
    finally:
        state.deferring -= 1
    if not state.deferring and state.pending is not None and not state.fired:
        state.fired = True
        raise Interrupted(state.pending)


class ExplainerGroup(click.Group):
    """Turns every error of every command into one line and an exit status (see the module)."""

    def invoke(self, ctx):
        try:
            with _signals_interrupt():
                return super().invoke(ctx)
        except (UserError, InputError) as exc:
            raise _Exit(str(exc), getattr(exc, "exit_code", 2)) from None
        except click.UsageError as exc:  # click prints usage + hint + error on three lines
            where = exc.ctx.command_path if exc.ctx is not None else ctx.command_path
            raise _Exit(f"{exc.format_message()} (see `{where} --help`)", exc.exit_code) from None
        except KeyboardInterrupt as exc:
            interrupted = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
            raise _Exit(interrupted.message(), interrupted.exit_code, "Interrupted") from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # stdout closed by the reader (`| head`): click handles it quietly
            raise _Exit(os_error_message(exc)) from None
