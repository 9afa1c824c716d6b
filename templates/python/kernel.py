"""Tessera's Python kernel: a supervisor that runs each request in a process forked from itself.

Protocol with the host (one JSON object per line; lib/sandbox/python-kernel.ts is the other end):
  in  (stdin)  {"id", "code", "prelude"?, "timeoutMs", "maxOutputBytes"} | {"id", "preload": [...]}
  out (fd 3)   {"type": "ready", "python"}                                  once, at start-up
               {"id", "type": "stdout"|"stderr", "text"}
               {"id", "type": "result", "results", "error", "durationMs", "truncatedBytes", "exit"?, "killedBy"?}
               {"id": str|None, "type": "protocol_error", "message"}

Why a supervisor: the code a request runs is hostile. It runs in a child forked from this warm
interpreter (numpy, pandas and matplotlib already imported), which holds neither the host's
channel (fd 3) nor its requests (stdin), and never learns the request's id. A call ends when that
child has exited — a fact this process sees, not a message the code could forge — and everything
the child started (threads die with it; processes, daemons included, are adopted by this
subreaper) is killed before the result goes out. This process runs no user code: it is made
non-dumpable, so same-uid code cannot read its memory or descriptors through /proc (and the
sandbox's seccomp filter refuses ptrace). Output is capped here, at the source: past the cap it
is counted and dropped, and a flood past 16 times the cap ends the call. State does not carry
from one call to the next; every call starts from the same warm interpreter.
"""
import ctypes, errno, json, os, select, signal, sys, tempfile, time  # noqa: E401

HERE = os.path.dirname(os.path.abspath(__file__))
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
MAX_LINE = 16 * 1024 * 1024  # one event from the child: a result with figures and tables fits
FLOOD_FACTOR = 16
WORKDIR = "/workspace"  # where calls run: the directory the kernel was started in
DRAIN_AFTER_EXIT_S = 0.2


def _prctl(option, value):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the sandbox around us is what holds


class Host:
    """fd 3 to the host: the only writer is this process."""

    def __init__(self):
        os.set_inheritable(3, False)
        self.out = os.fdopen(3, "w", buffering=1, encoding="utf-8", errors="backslashreplace")

    def emit(self, event):
        try:
            self.out.write(json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n")
        except (BrokenPipeError, ValueError, OSError):
            os._exit(1)  # the host is gone


def _children():
    try:
        with open(f"/proc/self/task/{os.getpid()}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _reap_all(deadline_s=10.0):
    """Kill every descendant (the spare included): orphans come to us (subreaper), so repeat until
    none is left. Something that will not die in time ends the kernel: the host, which sees every
    process in the kernel's cgroup, is then the one to clean up (it keeps this process's children
    between calls, so none may be left that is not our spare)."""
    end = time.monotonic() + deadline_s
    while True:
        kids = _children()
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                break
        if not kids and not _children():
            return
        if time.monotonic() > end:
            sys.stderr.write("kernel.py: a call's processes would not die; stopping\n")
            os._exit(1)
        time.sleep(0.005)


class Call:
    def __init__(self, host, req):
        self.host, self.id = host, req["id"]
        self.cap = int(req.get("maxOutputBytes") or 1024 * 1024)
        self.timeout_s = max(0.05, int(req.get("timeoutMs") or 60_000) / 1000)
        self.kept = 0
        self.truncated = 0
        self.result = None
        self.killed_by = None
        self.warm = []

    def on_event(self, raw):
        try:
            event = json.loads(raw)
        except ValueError:
            return
        if not isinstance(event, dict):
            return
        kind = event.get("type")
        if kind in ("stdout", "stderr") and isinstance(event.get("text"), str):
            self.on_output(kind, event["text"])
        elif kind == "result":
            # The last one counts: code that writes a result of its own before failing does not
            # hide the failure (the real result comes after it).
            self.result = event
            imported = event.get("imported")
            if isinstance(imported, list):
                import cell  # noqa: PLC0415

                self.warm = [name for name in imported if name in cell.WARMABLE]

    def on_output(self, stream, text):
        data = text.encode("utf-8", "backslashreplace")
        room = self.cap - self.kept
        if room > 0:
            piece = data[:room].decode("utf-8", "ignore")
            self.kept += min(len(data), room)
            self.host.emit({"id": self.id, "type": stream, "text": piece})
        self.truncated += max(0, len(data) - max(0, room))
        if self.truncated > self.cap * FLOOD_FACTOR and self.killed_by is None:
            self.killed_by = "output"

    def report(self, exit_info):
        r = self.result if isinstance(self.result, dict) else {}
        results = r.get("results") if isinstance(r.get("results"), list) else []
        event = {
            "id": self.id,
            "type": "result",
            "results": results if self.killed_by is None else [],
            "error": r.get("error"),
            "durationMs": r.get("durationMs"),
            "truncatedBytes": self.truncated,
        }
        if self.result is None or self.killed_by is not None:
            event["exit"] = exit_info
        if self.killed_by is not None:
            event["killedBy"] = self.killed_by
        self.host.emit(event)


class Spare:
    """A child forked ahead of the next call, waiting for its code: the fork's cost is paid between calls."""

    def __init__(self):
        code_r, code_w = os.pipe()
        events_r, events_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: everything from here on may run hostile code
            try:
                _become_call(keep=(code_r, events_w))
                with os.fdopen(code_r, "rb") as f:
                    raw = f.read()
                if not raw:
                    os._exit(0)  # the supervisor went away before a call came
                req = json.loads(raw)
                import cell  # noqa: PLC0415 (imported by the supervisor before this fork)

                cell.run(events_w, req["code"], req.get("prelude"))
            finally:
                os._exit(0)
        os.close(code_r)
        os.close(events_w)
        self.pid, self.code_w, self.events_r = pid, code_w, events_r
        self.exited = os.pidfd_open(pid)

    def discard(self):
        for fd in (self.code_w, self.events_r, self.exited):
            try:
                os.close(fd)
            except OSError:
                pass

    def start(self, req):
        payload = json.dumps({"code": req["code"], "prelude": req.get("prelude")}).encode()
        try:
            os.write(self.code_w, payload)
        except OSError:
            pass  # it died waiting: the call reports how it ended
        os.close(self.code_w)


def _become_call(keep):
    """In a new child: its own process group, nothing of the supervisor's (no host channel, no
    requests, no other pipe), stdin from /dev/null, the project as its working directory."""
    os.setpgid(0, 0)
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    if HERE in sys.path:
        sys.path.remove(HERE)
    os.chdir(WORKDIR)
    signal.signal(signal.SIGINT, signal.default_int_handler)


_spare = None


def _ensure_spare():
    global _spare
    if _spare is None:
        try:
            _spare = Spare()
        except OSError:
            _spare = None  # at the process cap: the next call forks when it comes


def _run(host, req):
    global _spare
    call = Call(host, req)
    if _spare is not None and select.select([_spare.exited], [], [], 0)[0]:
        _spare.discard()  # it died waiting (killed from outside): fork a fresh one
        _reap_all()
        _spare = None
    _ensure_spare()
    child, _spare = _spare, None
    if child is None:
        return call.report({"code": None, "signal": None, "spawn": "no process could be started (the sandbox is at its process cap)"})
    child.start(req)
    pid, r, exited = child.pid, child.events_r, child.exited
    deadline = time.monotonic() + call.timeout_s
    buf = bytearray()
    discarding = False
    status = None
    eof = False
    exited_at = None
    while True:
        now = time.monotonic()
        if status is not None and (eof or now - exited_at > DRAIN_AFTER_EXIT_S):
            break
        if status is None and (now >= deadline or call.killed_by):
            call.killed_by = call.killed_by or "timeout"
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            _, status = os.waitpid(pid, 0)
            exited_at = time.monotonic()
            continue
        # Woken by the child's exit itself (a pidfd), not by polling: a call's end costs no latency.
        watch = ([r] if not eof else []) + ([exited] if status is None else [])
        wait = DRAIN_AFTER_EXIT_S - (now - exited_at) if status is not None else min(deadline - now, 0.25)
        ready, _, _ = select.select(watch, [], [], max(0.0, wait))
        if exited in ready:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status, exited_at = st, time.monotonic()
        if r not in ready:
            continue
        chunk = os.read(r, 1 << 16)
        if not chunk:
            eof = True
            continue
        start = 0
        while start < len(chunk):
            nl = chunk.find(b"\n", start)
            end = len(chunk) if nl == -1 else nl
            if not discarding:
                buf += chunk[start:end]
                if len(buf) > MAX_LINE:
                    buf.clear()
                    discarding = True  # an oversized line is dropped whole
            if nl == -1:
                break
            if not discarding and buf:
                call.on_event(bytes(buf).decode("utf-8", "backslashreplace"))
            buf.clear()
            discarding = False
            start = nl + 1
    os.close(exited)
    os.close(r)
    _reap_all()
    call.report(_describe(status))
    # The bundled packages this run used become part of the warm interpreter (imported here, by
    # name from a fixed list, never from the run's own path): later runs start with them.
    if call.warm and call.killed_by is None:
        import cell  # noqa: PLC0415

        cell.preload(call.warm)
    # Forked after the report, so the next call's fork is paid between calls, not in either one.
    _ensure_spare()


def _describe(status):
    if status is None:
        return {"code": None, "signal": None}
    if os.WIFSIGNALED(status):
        return {"code": None, "signal": os.WTERMSIG(status)}
    return {"code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None, "signal": None}


def _handle(host, raw):
    try:
        req = json.loads(raw)
    except ValueError as e:
        return host.emit({"id": None, "type": "protocol_error", "message": f"request is not JSON: {e}"})
    rid = req.get("id") if isinstance(req, dict) else None
    if not isinstance(rid, str):
        return host.emit({"id": None, "type": "protocol_error", "message": "request must be an object with a string id"})
    if isinstance(req.get("code"), str) and (req.get("prelude") is None or isinstance(req.get("prelude"), str)):
        return _run(host, req)
    names = req.get("preload")
    if isinstance(names, list) and all(isinstance(n, str) and n.replace(".", "").replace("_", "").isalnum() for n in names):
        import cell  # noqa: PLC0415

        global _spare
        started = time.monotonic()
        failed = cell.preload(names)
        # A spare forked before the preload lacks the modules: the next one is forked from now on.
        if _spare is not None:
            _spare.discard()
            _reap_all()
            _spare = None
        error = {"name": "ImportError", "value": "could not preload " + ", ".join(failed), "traceback": ""} if failed else None
        duration = round((time.monotonic() - started) * 1000, 3)
        host.emit({"id": rid, "type": "result", "results": [], "error": error, "durationMs": duration, "truncatedBytes": 0})
        return _ensure_spare()
    host.emit({"id": rid, "type": "protocol_error", "message": 'request needs "code" (a string) or "preload" (module names)'})


def main():
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    try:
        host = Host()
    except OSError:
        sys.stderr.write("kernel.py: fd 3 must be a pipe for protocol events\n")
        sys.exit(2)
    # Nothing the sandbox's code can write is read here: not the project directory (a matplotlibrc
    # there would be read at import), not a shared config directory.
    global WORKDIR
    WORKDIR = os.getcwd()
    os.chdir("/")
    os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="matplotlib-")
    os.environ["MPLBACKEND"] = "Agg"
    sys.path.insert(0, HERE)
    import cell  # noqa: F401, PLC0415

    requests = os.fdopen(os.dup(0), "rb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    host.emit({"type": "ready", "python": sys.version.split()[0]})
    _ensure_spare()
    while True:
        try:
            raw = requests.readline()
            if not raw:
                return
            if raw.strip():
                _handle(host, raw)
        except KeyboardInterrupt:
            continue
        except OSError as e:
            if e.errno != errno.EINTR:
                raise


if __name__ == "__main__":
    main()
