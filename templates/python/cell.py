"""Runs one request's Python code and reports it as JSON events (the forked child's half of kernel.py).

The child writes one JSON object per line to the pipe its supervisor gave it:
  {"type": "stdout"|"stderr", "text"}        output, a line (or 64K) at a time
  {"type": "result", "results", "error", "durationMs"}
It never sees the host's request id or the host's event channel: the supervisor tags what it
forwards, and the call is over when this process has exited, whatever it wrote.
"""
import ast, base64, builtins, importlib, io, json, linecache, os, sys, threading, time, traceback, types  # noqa: E401

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

# Names the supervisor preloaded (np, pd, plt), given to every cell's namespace.
_preloaded = {}
# The bundled packages the supervisor may preload once a run has shown it uses them.
WARMABLE = ("numpy", "pandas", "matplotlib.pyplot")
_events = None
_emit_lock = threading.Lock()
_state = {"agg": False, "loop": None}
_sources = {}  # code object -> source lines, for tracebacks through earlier cells of this call


_warm_modules = set()


def preload(names):
    """In the supervisor: import trusted modules once, so every forked call starts with them."""
    failed = []
    for name in names:
        try:
            module = importlib.import_module(name)
            _warm_modules.add(name)
            top = name.split(".")[0]
            _preloaded[ALIASES.get(name, top)] = module if name in ALIASES else sys.modules[top]
        except Exception as e:
            failed.append(f"{name} ({type(e).__name__}: {e})")
    _use_agg()
    return failed


def _emit(event):
    line = json.dumps(event, ensure_ascii=False, allow_nan=False) + "\n"
    with _emit_lock:
        try:
            _events.write(line)
            _events.flush()
        except (BrokenPipeError, ValueError, OSError):
            os._exit(1)  # the supervisor is gone; nobody is left to serve


class _Stream(io.TextIOBase):
    """sys.stdout/sys.stderr while the code runs: text becomes events, a line (or 64K) at a time."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name):
        super().__init__()
        self._name, self._parts, self._size = name, [], 0
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
            _emit({"type": self._name, "text": text[i : i + CHUNK]})


def _codes(co):
    found = [co]
    for const in co.co_consts:
        if isinstance(const, types.CodeType):
            found += _codes(const)
    return found


def _exec_cell(code, namespace):
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
    for top in (body, expr):
        for c in _codes(top) if top else []:
            _sources[c] = lines
    _run_code(body, namespace)
    return _run_code(expr, namespace) if expr else None


def _run_code(co, namespace):
    value = eval(co, namespace)
    if co.co_flags & CO_COROUTINE:
        if _state["loop"] is None:
            import asyncio  # only cells that use top-level await pay for it

            _state["loop"] = asyncio.new_event_loop()
        value = _state["loop"].run_until_complete(value)
    return value


def _frame_summary(fs, frame):
    if fs.filename != CELL:
        return fs
    lines = _sources.get(frame.f_code, [])
    line = lines[fs.lineno - 1] if fs.lineno and 0 < fs.lineno <= len(lines) else ""
    return traceback.FrameSummary(CELL, fs.lineno, fs.name, lookup_line=False, line=line)


def _format_traceback(e, tb):
    te = traceback.TracebackException(type(e), e, tb)
    todo, seen = [(te, e, tb)], set()
    while todo:
        te_, exc, exc_tb = todo.pop()
        if te_ is None or exc is None or id(te_) in seen:
            continue
        seen.add(id(te_))
        frames = [frame for frame, _ in traceback.walk_tb(exc_tb)]
        te_.stack = traceback.StackSummary.from_list([_frame_summary(fs, f) for fs, f in zip(te_.stack, frames)])
        for link in ("__cause__", "__context__"):
            linked = getattr(exc, link)
            todo.append((getattr(te_, link), linked, getattr(linked, "__traceback__", None)))
    return "".join(te.format())


_OWN_FILES = {__file__, os.path.join(os.path.dirname(__file__), "kernel.py")}


def _error(e):
    try:
        tb = e.__traceback__
        # Start at the user's first frame; with none (syntax errors) drop only our own.
        first = tb
        while first is not None and first.tb_frame.f_code.co_filename != CELL:
            first = first.tb_next
        if first is None:
            while tb is not None and tb.tb_frame.f_code.co_filename in _OWN_FILES:
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


def _prefer_project_packages(namespace):
    """A project that installed its own numpy, pandas or matplotlib gets it, not the warm copy."""
    import importlib.machinery  # noqa: PLC0415

    for top in sorted({name.split(".")[0] for name in _warm_modules}):
        loaded = sys.modules.get(top)
        spec = importlib.machinery.PathFinder.find_spec(top, sys.path)
        if loaded is None or spec is None or spec.origin == getattr(loaded, "__file__", None):
            continue
        for name in [n for n in sys.modules if n == top or n.startswith(top + ".")]:
            del sys.modules[name]
        for alias, module in list(_preloaded.items()):
            if getattr(module, "__name__", "").split(".")[0] == top:
                namespace.pop(alias, None)
        _warm_modules.difference_update({n for n in _warm_modules if n.split(".")[0] == top})


def _namespace():
    # User code runs in a real module registered as __main__, so pickle, dataclasses and
    # multiprocessing find the classes it defines.
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    main.__dict__.update(_preloaded)
    sys.modules["__main__"] = main
    return main.__dict__


def run(events_fd, code, prelude=None):
    """In the forked child: run `prelude` (the runner's setup) then `code`, report, and return."""
    global _events
    _events = os.fdopen(events_fd, "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    started = time.perf_counter()
    namespace = _namespace()
    out, err = _Stream("stdout"), _Stream("stderr")
    # A fresh empty stdin: input() gets EOFError.
    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO()
    results, error = [], None
    try:
        try:
            _use_agg()
            if prelude:
                _exec_cell(prelude, namespace)
            _prefer_project_packages(namespace)
            value = _exec_cell(code, namespace)
            if value is not None:
                namespace["_"] = value
                results.append(_rich(value))
        except BaseException as e:  # SystemExit and KeyboardInterrupt included: they end this cell only
            error = _error(e)
        try:
            results += _figures()
        except BaseException as e:
            error = error or _error(e)
    finally:
        out.flush()
        err.flush()
    duration = round((time.perf_counter() - started) * 1000, 3)
    # Which bundled packages this run imported that the warm interpreter lacks: the supervisor
    # imports them itself for the runs after this one (it takes only names from WARMABLE).
    imported = [name for name in WARMABLE if name in sys.modules and name not in _warm_modules]
    try:
        _emit({"type": "result", "results": results, "error": error, "durationMs": duration, "imported": imported})
    except (TypeError, ValueError) as e:  # a result JSON cannot carry: the supervisor must still hear back
        error = {"name": "KernelError", "value": f"the result could not be encoded: {e}", "traceback": ""}
        _emit({"type": "result", "results": [], "error": error, "durationMs": duration})
