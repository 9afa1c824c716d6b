"""Tessera's stateful Python kernel: JSON requests on stdin, JSON events on fd 3.

Protocol (one JSON object per line; lib/sandbox/python-kernel.ts is the other end):
  in   {"id", "code"} | {"id", "preload": ["numpy", ...]}
  out  {"type": "ready", "python"}            once, at start-up
       {"id", "type": "stdout"|"stderr", "text"}
       {"id", "type": "result", "results", "error", "durationMs"}
       {"id": str|None, "type": "protocol_error", "message"}
Events go to fd 3, not fd 1, so nothing user code or its subprocesses write to the real stdout
can be mistaken for protocol. fd 0 is swapped for /dev/null so subprocesses cannot eat requests.
"""
import ast, base64, builtins, collections, importlib, io, json, linecache, os, re, sys  # noqa: E401
import threading, time, traceback, types  # noqa: E401

CELL = "<cell>"
MAX_ROWS = 1000
MAX_CELLS = 200_000  # table cells per result: keeps very wide frames from producing giant lines
MAX_TEXT = 100_000
MAX_HTML = 2_000_000
MAX_JSON = 1_000_000
MAX_FIGURES = 50
CHUNK = 65_536  # characters per stream event, so no single print makes an oversized line
CO_COROUTINE = 0x80
ALIASES = {"numpy": "np", "pandas": "pd", "matplotlib.pyplot": "plt"}
MODULE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\Z")

# Before anything can import matplotlib: Agg makes plt.show() a no-op instead of looking for a display.
os.environ["MPLBACKEND"] = "Agg"

# User code runs in a real module registered as __main__, so pickle, dataclasses and
# multiprocessing find the classes it defines; the kernel's own names stay out of its namespace.
_kernel_module = sys.modules["__main__"]
_main = types.ModuleType("__main__")
_main.__dict__["__builtins__"] = builtins
G = _main.__dict__
sys.modules["__main__"] = _main

_events = None
_emit_lock = threading.Lock()
_state = {"agg": False, "loop": None}
# Code objects and source of recent cells: every cell is "<cell>", so linecache only holds the
# current one; frames from functions defined earlier get their lines from here instead.
_history = collections.deque(maxlen=200)


def _emit(event):
    line = json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n"
    with _emit_lock:
        try:
            _events.write(line)
        except (BrokenPipeError, ValueError):
            os._exit(1)  # the host is gone; nobody is left to serve


class _Stream(io.TextIOBase):
    """sys.stdout/sys.stderr while a request runs: text becomes events, a line (or 64K) at a time."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, rid, name):
        super().__init__()
        self._rid, self._name, self._parts, self._size = rid, name, [], 0
        self._lock = threading.Lock()

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        with self._lock:
            self._parts.append(s)
            self._size += len(s)
            if "\n" in s or self._size >= CHUNK:
                self._drain()
        return len(s)

    def flush(self):
        with self._lock:
            self._drain()

    def _drain(self):
        text = "".join(self._parts)
        self._parts.clear()
        self._size = 0
        for i in range(0, len(text), CHUNK):
            _emit({"id": self._rid, "type": self._name, "text": text[i : i + CHUNK]})


def _codes(co):
    found = [co]
    for const in co.co_consts:
        if isinstance(const, types.CodeType):
            found += _codes(const)
    return found


def _exec_cell(code):
    lines = code.splitlines(True)
    linecache.cache[CELL] = (len(code), None, lines, CELL)
    try:
        tree = ast.parse(code, CELL)
    except SyntaxError as e:
        raise e.with_traceback(None)  # the parser's frames are ours, not the user's
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    body = compile(tree, CELL, "exec", flags=flags)
    expr = compile(last, CELL, "eval", flags=flags) if last else None
    _history.append(([c for top in (body, expr) if top for c in _codes(top)], lines))
    _run_code(body)
    return _run_code(expr) if expr else None


def _run_code(co):
    value = eval(co, G)
    if co.co_flags & CO_COROUTINE:
        if _state["loop"] is None:
            import asyncio  # only cells that use top-level await pay for it

            _state["loop"] = asyncio.new_event_loop()
        value = _state["loop"].run_until_complete(value)
    return value


def _frame_summary(fs, frame, current):
    code = frame.f_code
    if fs.filename != CELL or any(c is code for c in current):
        return fs
    line = ""
    for codes, lines in reversed(_history):
        if any(c is code for c in codes):
            line = lines[fs.lineno - 1] if fs.lineno and 0 < fs.lineno <= len(lines) else ""
            break
    return traceback.FrameSummary(CELL, fs.lineno, fs.name, lookup_line=False, line=line)


def _format_traceback(e, tb):
    if _history:
        linecache.cache[CELL] = (0, None, _history[-1][1], CELL)  # user code may have cleared it
    te = traceback.TracebackException(type(e), e, tb)
    current = _history[-1][0] if _history else []
    todo, seen = [(te, e, tb)], set()
    while todo:
        te_, exc, exc_tb = todo.pop()
        if te_ is None or exc is None or id(te_) in seen:
            continue
        seen.add(id(te_))
        frames = [frame for frame, _ in traceback.walk_tb(exc_tb)]
        te_.stack = traceback.StackSummary.from_list([_frame_summary(fs, f, current) for fs, f in zip(te_.stack, frames)])
        for link in ("__cause__", "__context__"):
            linked = getattr(exc, link)
            todo.append((getattr(te_, link), linked, getattr(linked, "__traceback__", None)))
    return "".join(te.format())


def _error(e):
    try:
        tb = e.__traceback__
        # Start at the user's first frame; with none (syntax errors, preload) drop only our own.
        first = tb
        while first is not None and first.tb_frame.f_code.co_filename != CELL:
            first = first.tb_next
        if first is None:
            while tb is not None and tb.tb_frame.f_code.co_filename == _SELF:
                tb = tb.tb_next
        text = _format_traceback(e, first or tb)
    except Exception as failure:  # never lose the error itself to a formatting problem
        text = f"{type(e).__name__} (traceback unavailable: {type(failure).__name__})"
    try:
        value = str(e)
    except Exception:
        value = f"<unprintable {type(e).__name__}>"
    return {"name": type(e).__name__, "value": _cap(value, 10_000), "traceback": _cap(text, MAX_TEXT)}


def _cap(text, limit):
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n… [{len(text) - limit} more characters]"


def _rich(value):
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        return _table(value, pd)
    # Looked up on the type so objects with a catch-all __getattr__ are not mistaken for displayables.
    png = getattr(type(value), "_repr_png_", None)
    data = png(value) if callable(png) else None
    data = data[0] if isinstance(data, tuple) and data else data
    if isinstance(data, bytes):
        return {"type": "png", "base64": base64.b64encode(data).decode("ascii")}
    html = getattr(type(value), "_repr_html_", None)
    data = html(value) if callable(html) else None
    if isinstance(data, str) and len(data) <= MAX_HTML:
        return {"type": "html", "html": data}
    if isinstance(value, (dict, list, int, float)):
        try:
            dumped = json.dumps(value, allow_nan=False)
            if len(dumped) <= MAX_JSON:
                return {"type": "json", "json": json.loads(dumped)}
        except (TypeError, ValueError, RecursionError):
            pass  # not JSON after all: shown as text
    return {"type": "text", "text": _cap(repr(value), MAX_TEXT)}


def _table(value, pd):
    frame = value.to_frame() if isinstance(value, pd.Series) else value
    limit = min(MAX_ROWS, max(1, MAX_CELLS // max(1, len(frame.columns))))
    # The rows carry no separate index, so a meaningful one becomes leading columns.
    flat = frame
    if not isinstance(frame.index, pd.RangeIndex):
        try:
            flat = frame.reset_index()
        except ValueError:
            pass  # an index name clashes with a column: keep the columns alone
    head = flat.head(limit)
    try:
        rows = json.loads(head.to_json(orient="values", date_format="iso", default_handler=str))
    except Exception:
        rows = head.astype(str).values.tolist()
    # The html keeps pandas' own "…" row and "N rows × M columns" footer when rows were cut.
    html = frame.to_html(max_rows=limit, show_dimensions="truncate")
    return {"type": "table", "columns": [str(c) for c in head.columns], "rows": rows, "html": html}


def _figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    out = []
    try:
        numbers = plt.get_fignums()
        for num in numbers[:MAX_FIGURES]:
            buf = io.BytesIO()
            plt.figure(num).savefig(buf, format="png", dpi=100)
            out.append({"type": "png", "base64": base64.b64encode(buf.getvalue()).decode("ascii")})
        if len(numbers) > MAX_FIGURES:
            out.append({"type": "text", "text": f"[{len(numbers) - MAX_FIGURES} more figures not shown]"})
    finally:
        plt.close("all")
    return out


def _use_agg():
    mpl = sys.modules.get("matplotlib")
    if mpl is not None and not _state["agg"]:
        mpl.use("Agg")
        _state["agg"] = True


def _preload(names):
    failed = []
    for name in names:
        try:
            module = importlib.import_module(name)
            top = name.split(".")[0]
            G[ALIASES.get(name, top)] = module if name in ALIASES else sys.modules[top]
        except Exception as e:
            failed.append(f"{name} ({type(e).__name__}: {e})")
    _use_agg()
    if failed:
        raise ImportError("could not preload " + ", ".join(failed))


def _serve(rid, work):
    started = time.perf_counter()
    out, err = _Stream(rid, "stdout"), _Stream(rid, "stderr")
    saved = sys.stdout, sys.stderr, sys.stdin
    # A fresh empty stdin: input() gets EOFError, and exit() closes this rather than our requests.
    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO()
    results, error = [], None
    try:
        try:
            _use_agg()
            value = work()
            if value is not None:
                G["_"] = value
                results.append(_rich(value))
        except BaseException as e:  # SystemExit and KeyboardInterrupt included: the kernel lives on
            error = _error(e)
        try:
            results += _figures()
        except BaseException as e:
            error = error or _error(e)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        out.flush()
        err.flush()
    duration = round((time.perf_counter() - started) * 1000, 3)
    try:
        _emit({"id": rid, "type": "result", "results": results, "error": error, "durationMs": duration})
    except (TypeError, ValueError) as e:  # a result JSON cannot carry: the host must still hear back
        error = {"name": "KernelError", "value": f"the result could not be encoded: {e}", "traceback": ""}
        _emit({"id": rid, "type": "result", "results": [], "error": error, "durationMs": duration})


def _handle(raw):
    try:
        req = json.loads(raw)
    except ValueError as e:
        return _emit({"id": None, "type": "protocol_error", "message": f"request is not JSON: {e}"})
    rid = req.get("id") if isinstance(req, dict) else None
    if not isinstance(rid, str):
        return _emit({"id": None, "type": "protocol_error", "message": "request must be an object with a string id"})
    code, names = req.get("code"), req.get("preload")
    if isinstance(code, str):
        return _serve(rid, lambda: _exec_cell(code))
    if isinstance(names, list) and all(isinstance(n, str) and MODULE_NAME.match(n) for n in names):
        return _serve(rid, lambda: _preload(names))
    _emit({"id": rid, "type": "protocol_error", "message": 'request needs "code" (a string) or "preload" (module names)'})


def _open_channels():
    global _events
    try:
        os.set_inheritable(3, False)  # subprocesses must not be able to write protocol
        _events = os.fdopen(3, "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    except OSError:
        sys.stderr.write("kernel.py: fd 3 must be a pipe for protocol events\n")
        sys.exit(2)
    requests = os.fdopen(os.dup(0), "rb")
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
    except OSError:
        pass  # no /dev/null: subprocesses share our stdin, as before
    return requests


def main():
    requests = _open_channels()
    _emit({"type": "ready", "python": sys.version.split()[0]})
    while True:
        try:
            raw = requests.readline()
            if not raw:
                return
            if raw.strip():
                _handle(raw)
        except KeyboardInterrupt:
            continue  # a stray SIGINT between requests is not a reason to lose the session


_SELF = _emit.__code__.co_filename

if __name__ == "__main__":
    main()
