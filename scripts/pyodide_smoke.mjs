// Driver for scripts/pyodide_smoke.sh: load Pyodide under Node, install the given wheels without
// resolving dependencies, import hipaa_xl.udfs and run the golden cases the way xlwings Lite passes
// cell values (blank cells as 0, "" or None, dates as serial numbers, ranges as lists of lists).
//
//   node scripts/pyodide_smoke.mjs --pyodide DIR --golden DIR [--xlwings real|stub] WHEEL...
//
//   node scripts/pyodide_smoke.mjs --lite DIR [--extra FILE.py] --pyodide DIR --golden DIR WHEEL...
//
// With --lite, DIR holds the main.py and requirements.txt taken out of a workbook bound to xlwings Lite
// (`hipaa-xl lite show BOOK --extract DIR`): main.py is imported as Lite does (module "main", no hipaa_xl
// wheel loaded: the code comes from main.py's own bundle), the functions Lite would register are the
// ones checked, error cells must be bare codes, and --extra runs more Python checks afterwards.
// Prints PASS/FAIL per case and "N passed, M failed"; exits 1 on any failure, 2 on a setup error.
import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
  const opts = { pyodide: null, golden: null, xlwings: "real", lite: null, extra: null, wheels: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--pyodide") opts.pyodide = resolve(argv[++i]);
    else if (a === "--golden") opts.golden = resolve(argv[++i]);
    else if (a === "--xlwings") opts.xlwings = argv[++i];
    else if (a === "--lite") opts.lite = resolve(argv[++i]);
    else if (a === "--extra") opts.extra = resolve(argv[++i]);
    else opts.wheels.push(resolve(a));
  }
  if (!opts.pyodide || !opts.golden || !["real", "stub"].includes(opts.xlwings)) {
    console.error("usage: pyodide_smoke.mjs --pyodide DIR --golden DIR [--xlwings real|stub] WHEEL...");
    process.exit(2);
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const seconds = (t) => ((performance.now() - t) / 1000).toFixed(1) + " s";

const t0 = performance.now();
const { loadPyodide, version: pyodideJsVersion } = await import(pathToFileURL(join(opts.pyodide, "pyodide.mjs")).href);
// XLWINGS_LICENSE_KEY is passed on only when the runner set it (docs/decisions.md, decision 43).
const env = { HOME: "/home/pyodide" };
if (process.env.XLWINGS_LICENSE_KEY) env.XLWINGS_LICENSE_KEY = process.env.XLWINGS_LICENSE_KEY;
const pyodide = await loadPyodide({
  indexURL: opts.pyodide + "/",
  env,
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
console.log(`pyodide ${pyodide.version ?? pyodideJsVersion} loaded in ${seconds(t0)} (node ${process.version})`);

// Local wheels only, no dependency resolution (deps=False): what hipaa_xl.udfs needs and nothing else,
// so an import of openpyxl, lxml, typer, rich or defusedxml would fail loudly below.
const t1 = performance.now();
const loadMessages = [];
try {
  await pyodide.loadPackage(opts.wheels, {
    messageCallback: (m) => loadMessages.push(m),
    errorCallback: (m) => loadMessages.push("ERROR " + m),
    checkIntegrity: false,
  });
} catch (err) {
  console.error(loadMessages.join("\n"));
  console.error(`FAIL loading wheels: ${err}`);
  process.exit(2);
}
const loadErrors = loadMessages.filter((m) => m.startsWith("ERROR"));
if (loadErrors.length) {
  console.error(loadErrors.join("\n"));
  process.exit(2);
}
console.log(`wheels loaded in ${seconds(t1)}: ${opts.wheels.map((w) => basename(w)).join(", ")}`);

const golden = {};
for (const name of readdirSync(opts.golden).filter((n) => n.endsWith(".json")).sort()) {
  golden[name] = readFileSync(join(opts.golden, name), "utf8");
}
pyodide.globals.set("GOLDEN_FILES", pyodide.toPy(golden));
pyodide.globals.set("XLWINGS_MODE", opts.xlwings);
pyodide.globals.set("LITE_MAIN", opts.lite ? readFileSync(join(opts.lite, "main.py"), "utf8") : undefined);
pyodide.globals.set("LITE_REQUIREMENTS", opts.lite ? readFileSync(join(opts.lite, "requirements.txt"), "utf8") : undefined);
pyodide.globals.set("EXTRA_CHECKS", opts.extra ? readFileSync(opts.extra, "utf8") : undefined);
if (opts.extra) {  // the checks may write results beside their file (large outputs, not through stdout)
  pyodide.FS.mkdirTree("/home/pyodide/extra");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: dirname(opts.extra) }, "/home/pyodide/extra");
}

const t2 = performance.now();
let failed;
try {
  failed = await pyodide.runPythonAsync(casesPython());
} catch (err) {
  console.error(`FAIL: the Python side raised: ${err}`);
  process.exit(1);
}
console.log(`cases ran in ${seconds(t2)}; total ${seconds(t0)}`);
process.exit(failed === 0 ? 0 : 1);

// The Python side, run inside Pyodide (kept here so the smoke test is one driver file).
function casesPython() {
  return String.raw`# Runs inside Pyodide. Globals set by the driver: GOLDEN_FILES (file name -> JSON text), XLWINGS_MODE.
import datetime as dt
import inspect
import json
import re
import sys
import time
import traceback
import types

results = []


def report(ok, case_id, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + case_id + ("" if ok or not detail else "  -- " + detail))


# ---- xlwings: the real wheel built for Pyodide, or pass-through decorators when told so.
if XLWINGS_MODE == "stub":
    stub = types.ModuleType("xlwings")

    def _decorator(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda f: f

    stub.func = stub.arg = stub.ret = _decorator
    stub.__version__ = "stub"
    sys.modules["xlwings"] = stub
    print("NOTE xlwings is a stub here (func/arg/ret pass through); xlwings Lite provides the real module")

# ---- record what our declarations hand to xlwings (xw.arg / xw.func), so the checks below can apply
# the rules xlwings Lite enforces when it registers a function. The decorators still run unchanged.
import xlwings as _xw

declared = {}  # function -> {"args": {name: options}, "func": options}


def _recording(kind, decorator):
    def record(*args, **kwargs):
        inner = decorator(*args, **kwargs) if not (kind == "func" and len(args) == 1 and callable(args[0])) else None
        if inner is None:  # @xw.func used bare
            declared.setdefault(args[0], {"args": {}, "func": {}})
            return decorator(args[0])

        def apply(f):
            entry = declared.setdefault(f, {"args": {}, "func": {}})
            if kind == "arg":
                entry["args"][args[0]] = dict(kwargs)
            else:
                entry["func"] = dict(kwargs)
            return inner(f)

        return apply

    return record


_xw.arg = _recording("arg", _xw.arg)
_xw.func = _recording("func", _xw.func)

# ---- import hipaa_xl.udfs (or, with --lite, the workbook's main.py as module "main", as Lite does);
# on failure, name the chain of our modules that led to the missing one.
LITE = LITE_MAIN is not None
t = time.perf_counter()
try:
    if LITE:
        import os
        os.makedirs("/home/pyodide/lite", exist_ok=True)
        with open("/home/pyodide/lite/main.py", "w", encoding="utf-8", newline="") as out:
            out.write(LITE_MAIN)
        sys.path.insert(0, "/home/pyodide/lite")
        import main as udfs
    else:
        from hipaa_xl import udfs
except ImportError as exc:
    chain = [
        f"{fr.filename.split('site-packages/')[-1]}:{fr.lineno}"
        for fr in traceback.extract_tb(exc.__traceback__)
        if "/hipaa_xl/" in fr.filename or fr.filename.endswith("main.py")
    ]
    print(f"FAIL import {'main.py' if LITE else 'hipaa_xl.udfs'}: {type(exc).__name__}: {exc}")
    print("     import chain: " + " -> ".join(chain) + f" -> {getattr(exc, 'name', '?')}")
    print("0 passed, 1 failed")
    failed = 1
else:
    failed = None
import_seconds = time.perf_counter() - t

if failed is None:
    import hipaa_xl
    import pydantic
    import pydantic_core
    import xlwings

    print(
        f"python {sys.version.split()[0]} on {sys.platform}; hipaa_xl {hipaa_xl.__version__}; "
        f"pydantic {pydantic.VERSION}; pydantic-core {pydantic_core.__version__}; "
        f"xlwings {getattr(xlwings, '__version__', '?')}; import hipaa_xl.udfs took {import_seconds:.2f} s"
    )
    internal = {"__main__", "main", "_pyodide", "pyodide", "pyodide_js", "js", "_pyodide_core", "micropip"}
    third_party = sorted(
        m for m in {m.split(".")[0] for m in list(sys.modules)} - set(sys.stdlib_module_names) - internal
        if m != "hipaa_xl" and not m.startswith("_sysconfigdata")
    )
    ours = sorted(m for m in sys.modules if m == "hipaa_xl" or m.startswith("hipaa_xl."))
    print("third-party modules imported: " + ", ".join(third_party))
    print("hipaa_xl modules imported: " + ", ".join(ours))
    heavy = sorted({"openpyxl", "lxml", "typer", "rich", "defusedxml", "click"} & set(third_party))
    report(not heavy, "imports: hipaa_xl.udfs needs none of openpyxl/lxml/typer/rich/defusedxml", f"imported {heavy}")

    if LITE:
        # Lite registers every member of main.py that xw.func declared, under the function's own name
        members = {name: obj for name, obj in inspect.getmembers(udfs) if isinstance(obj, types.FunctionType) and obj in declared}
        NAMES = sorted(members)
        import hipaa_xl.udfs as package_udfs
        want = sorted([*package_udfs.__all__, "ERROR_REASON"])
        print("registered by main.py: " + ", ".join(NAMES))
        report(NAMES == want, f"lite: main.py registers exactly the {len(want)} functions", f"got {NAMES}, want {want}")
        misnamed = [n for n, obj in members.items() if obj.__name__ != n]
        report(not misnamed, "lite: each function registers under its Excel name", f"{misnamed}")
        where = getattr(hipaa_xl, "__file__", "")
        report(".zip" in where and "site-packages" not in where, "lite: hipaa_xl comes from main.py's bundle", where)
        bad = sorted(m for m in sys.modules if m.startswith(("hipaa_xl.cli", "hipaa_xl.recalc", "hipaa_xl.files", "hipaa_xl.ooxml.package",
                                                                 "hipaa_xl.lite.binding", "hipaa_xl.lite.bundle")))
        report(not bad, "lite: no CLI, recalc or package-writer module loaded", f"{bad}")
        reqs = [line.split("#")[0].strip() for line in LITE_REQUIREMENTS.splitlines() if line.split("#")[0].strip()]
        names_req = sorted(re.split(r"[<>=!~ ]", r)[0].lower() for r in reqs)
        required = sorted(re.split(r"[<>=!~ ]", line)[0].lower() for line in LITE_REQUIREMENTS.splitlines()
                          if line.rstrip().endswith("# required"))
        report(names_req == sorted(["holidays", "pydantic", *required]) and "xlwings" in required,
               "lite: requirements.txt names Lite's required lines, pydantic and holidays only", f"{reqs}")
        # Lite's script decorator finds the book by the parameter's type hint (an xw.Book)
        import typing
        script = getattr(udfs, "refresh_exposure", None)
        hints = typing.get_type_hints(script) if callable(script) else {}
        report(hints.get("book") is xlwings.Book, "lite: main.py offers the script refresh_exposure(book: xw.Book)",
               repr(hints))
    else:
        NAMES = list(udfs.__all__)

    # ---- each Excel function is one that xlwings Lite accepts: positional parameters only, no
    # keyword-only ones, no *args together with defaults.
    for name in NAMES:
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        kinds = {p.kind for p in params}
        bad = []
        if inspect.Parameter.KEYWORD_ONLY in kinds or inspect.Parameter.VAR_KEYWORD in kinds:
            bad.append("keyword arguments")
        if inspect.Parameter.VAR_POSITIONAL in kinds and any(p.default is not p.empty for p in params):
            bad.append("*args with defaults")
        report(not bad, f"signature {name}", ", ".join(bad))
        # Lite raises "Invalid argument name" for an xw.arg naming no parameter; every parameter
        # should carry a doc for Excel's function tooltip; ndim=2 decides what the function receives
        entry = declared.get(getattr(udfs, name), {"args": {}, "func": None})
        names = [p.name for p in inspect.signature(getattr(udfs, name)).parameters.values()]
        problems = []
        if entry["func"] is None:
            problems.append("not declared with xw.func")
        if set(entry["args"]) != set(names):
            problems.append(f"xw.arg names {sorted(entry['args'])} != parameters {names}")
        if any(not o.get("doc") or o.get("ndim") != 2 for o in entry["args"].values()):
            problems.append("an argument without doc or without ndim=2")
        report(not problems, f"declaration {name}: xw.func + xw.arg(doc, ndim=2) for all {len(names)} parameters", "; ".join(problems))

    # ---- how Lite passes values
    ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    EPOCH = dt.date(1899, 12, 30)

    def serial(text):
        """ISO text as an Excel (1900 system) serial number, computed here, not by the package."""
        days = (dt.date.fromisoformat(text) - EPOCH).days
        return days if days >= 61 else days - 1

    def lite_value(value, blank):
        if value is None:
            return blank
        if isinstance(value, str) and ISO.match(value):
            try:
                if dt.date.fromisoformat(value) >= dt.date(1900, 1, 1):
                    return serial(value)
            except ValueError:
                pass  # not a real date: stays text, as a typed-in text would
        return value

    def lite_args(args, blank=0):
        """An omitted trailing argument stays omitted (Lite gives the Python default); a blank cell
        in the middle arrives as the given blank; dates as serial numbers."""
        args = list(args)
        while args and args[-1] is None:
            args.pop()
        return [lite_value(a, blank) for a in args]

    def verdict(result, case):
        if "expect_error" in case:
            code = case["expect_error"]
            if LITE:  # Lite: the bare code, which Lite shows as a real error cell
                return result == code, f"expected exactly {code}, got {result!r}"
            ok = isinstance(result, str) and result.startswith(code) and len(result) > len(code) + 3
            return ok, f"expected {code}..., got {result!r}"
        ok = result == case["expect"] and type(result) is type(case["expect"])
        return ok, f"expected {case['expect']!r}, got {result!r}"

    too_long = []

    def longest(value):
        if isinstance(value, list):
            return max((longest(v) for v in value), default=0)
        return len(value) if isinstance(value, str) else 0

    def call(name, args):
        try:
            result = getattr(udfs, name)(*args)
        except Exception as exc:  # a function must never raise
            return f"RAISED {type(exc).__name__}: {exc}"
        if longest(result) > 255:
            too_long.append(f"{name}{tuple(args)!r}"[:120])
        return result

    cases = []
    for fname in sorted(GOLDEN_FILES):
        for case in json.loads(GOLDEN_FILES[fname])["cases"]:
            cases.append((f"{fname.removesuffix('.json')}:{case['id']}", case))

    # 1. every golden case as written (ISO text dates, omitted arguments as None)
    for cid, case in cases:
        result = call(case["call"], case["args"])
        ok, why = verdict(result, case)
        report(ok, f"golden {cid}", why)
        if LITE and "expect_error" in case:  # the reason is not lost: ERROR_REASON gives it
            why_text = call("ERROR_REASON", [case["call"], *case["args"]])
            code = case["expect_error"]
            ok = isinstance(why_text, str) and why_text.startswith(code + " ") and len(why_text) > len(code) + 3
            report(ok, f"lite ERROR_REASON {cid}", repr(why_text))

    # 2. every golden case as Lite sends single cells: dates as serials, blanks as 0
    for cid, case in cases:
        args = lite_args(case["args"])
        result = call(case["call"], args)
        ok, why = verdict(result, case)
        report(ok, f"lite {cid} {case['call']}{tuple(args)}", why)

    # 2b. the same, as the arguments reach the function through our declaration xw.arg(..., ndim=2):
    #    Lite's argument conversion (xlwings 0.37.8) makes every given argument a list of lists, so a
    #    single cell arrives as [[value]] and the result is a 1x1 grid, which Excel shows as one value
    for cid, case in cases:
        args = [[[a]] for a in lite_args(case["args"])]
        grid = call(case["call"], args)
        if isinstance(grid, list) and len(grid) == 1 and isinstance(grid[0], list) and len(grid[0]) == 1:
            ok, why = verdict(grid[0][0], case)
        else:
            ok, why = False, f"expected a 1x1 grid, got {grid!r}"
        report(ok, f"lite-ndim2 {cid}", why)

    # 3. per function, all its golden cases in one call with every argument a column range
    #    (list of lists; a blank cell inside a range arrives as None: xlwings 0.37.8 turns Office.js'
    #    null or "" in a range into None), as a spilled dynamic array
    by_call = {}
    for cid, case in cases:
        by_call.setdefault(case["call"], []).append((cid, case))
    for name, group in sorted(by_call.items()):
        rows = [lite_args(case["args"], blank=None) for _, case in group]
        width = max(len(r) for r in rows)
        rows = [r + [None] * (width - len(r)) for r in rows]
        columns = [[[r[j]] for r in rows] for j in range(width)]
        grid = call(name, columns)
        if not (isinstance(grid, list) and len(grid) == len(group) and all(isinstance(r, list) and len(r) == 1 for r in grid)):
            report(False, f"array {name} x{len(group)}", f"expected a {len(group)}x1 grid, got {grid!r}"[:300])
            continue
        bad = [f"{cid}: {why}" for (cid, case), row in zip(group, grid) for ok, why in [verdict(row[0], case)] if not ok]
        report(not bad, f"array {name} x{len(group)} rows", "; ".join(bad))

    # 4. the cases named in the brief and a few more of Lite's shapes
    def expect(cid, got, want):
        ok = got == want and type(got) is type(want)
        report(ok, cid, f"expected {want!r}, got {got!r}")

    expect('CMP_MAX("B", 10, 0, "regulation")', call("CMP_MAX", ["B", 10, 0, "regulation"]), 500000)
    expect('CMP_MAX("B", 10, "", "regulation")', call("CMP_MAX", ["B", 10, "", "regulation"]), 500000)
    expect('CMP_MAX([["B"]], [[10]], [[0]], [["regulation"]])', call("CMP_MAX", [[["B"]], [[10]], [[0]], [["regulation"]]]), [[500000]])
    expect('CMP_MAX([["B"]], [[10]], [[""]], [[None]])', call("CMP_MAX", [[["B"]], [[10]], [[""]], [[None]]]), [[500000]])
    expect('CMP_MAX("B", 10.0) (a JS number that is whole)', call("CMP_MAX", ["B", 10.0]), 500000)
    expect('ANNUAL_CAP("A", 43952, "statute")', call("ANNUAL_CAP", ["A", 43952, "statute"]), 25000)
    expect('ANNUAL_CAP("A", 43952.75, "statute") (date-time serial)', call("ANNUAL_CAP", ["A", 43952.75, "statute"]), 25000)
    expect('CMP_MAX("#N/A", 1) passes the error on', call("CMP_MAX", ["#N/A", 1]), "#N/A")
    got = call("CMP_MAX", ["E", 1])
    if LITE:
        report(got == "#VALUE!", 'lite: CMP_MAX("E", 1) returns the bare "#VALUE!"', repr(got))
    else:
        report(isinstance(got, str) and got.startswith("#VALUE! "), 'CMP_MAX("E", 1) returns "#VALUE! <reason>"', repr(got))
    got = call("CMP_MAX", [[["A"], ["B"], ["E"]], [[1], [10], [1]]])
    error_cell = (lambda v: v == "#VALUE!") if LITE else (lambda v: str(v).startswith("#VALUE! "))
    ok = isinstance(got, list) and got[:2] == [[50000], [500000]] and error_cell(got[2][0])
    report(ok, 'CMP_MAX({"A";"B";"E"}, {1;10;1}) spills 3x1 with an error cell', repr(got))
    got = call("CMP_EXPLAIN_ROWS", [[["B"]], [[10]], [[""]], [["regulation"]]])
    ok = (isinstance(got, list) and got[0] == ["Rule", "Amount", "Citation"] and all(len(r) == 3 for r in got)
          and ["Maximum = min(violations x per-violation maximum, cap)", 500000, "45 CFR 160.404(b)(2)(ii)(A)"] in got)
    report(ok, 'CMP_EXPLAIN_ROWS("B", 10) spills rule/amount/citation rows', repr(got)[:300])
    got = call("CMP_MIN", [[["A", "B"]], [[1], [2]], 0, "regulation"])
    want = [[call("CMP_MIN", [t, n]) for t in ("A", "B")] for n in (1, 2)]
    report(got == want and want[0][0] == 100, 'CMP_MIN({"A","B"}, {1;2}) broadcasts to 2x2', f"expected {want!r}, got {got!r}")
    got = call("SCHEDULE_SOURCE", [])
    report(isinstance(got, str) and not got.startswith("#"), "SCHEDULE_SOURCE() returns its citation", repr(got)[:200])

    report(not too_long, "every result cell is at most 255 characters", "; ".join(too_long[:5]))
    if EXTRA_CHECKS:
        exec(EXTRA_CHECKS, {"report": report, "udfs": udfs, "__name__": "extra_checks"})

    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")

failed
`;
}
