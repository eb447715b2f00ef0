"""Page weight, measured in real Chromium: what each page type costs an older phone.

The development server does not compress, so every same-origin response body is
gzipped here (level 6, what a typical proxy sends) to report what would go over
the wire. Budgets come from shared/design/elder-ux.md:

* the first HTML response, critical CSS included, fits in 14 KB compressed
  (one TCP round trip, RFC 6928);
* the whole page at most 100 KB compressed, of which at most 10 KB JavaScript;
* no requests to other origins and no web fonts.

Used by ``bench/page_weight.py`` and ``tests/browser/test_page_weight.py``.
"""

import gzip
from urllib.parse import urlsplit

KB = 1024
BUDGETS = {
    "first_html_gz": 14 * KB,
    "page_gz": 100 * KB,
    "js_gz": 10 * KB,
    "other_origin_requests": 0,
    "fonts": 0,
}

# Every page type, with its Chinese and English address in the demo site.
PAGE_TYPES = {
    "home": ("/", "/en/"),
    "service index": ("/services/", "/en/services/"),
    "service page": ("/services/taxi/", "/en/services/taxi/"),
    "help page": ("/ask-a-person/", "/en/ask-a-person/"),
    "help page (centres)": ("/centres/", "/en/centres/"),
    "guide page": ("/guides/call-a-taxi/", "/en/guides/call-a-taxi/"),
    "practice (taxi)": ("/practice/taxi/", "/practice/en/taxi/"),
    "display form": ("/display/", "/en/display/"),
    "404": ("/no-such-page/", "/en/no-such-page/"),
}
FONT_EXTENSIONS = (".woff", ".woff2", ".ttf", ".otf", ".eot")


def gzip_size(body):
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def _origin(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc)


def _is_font(request, response):
    if request.resource_type == "font":
        return True
    if urlsplit(request.url).path.lower().endswith(FONT_EXTENSIONS):
        return True
    content_type = (response.headers.get("content-type", "") if response else "").lower()
    return content_type.startswith(("font/", "application/font", "application/x-font"))


def measure_page(browser, base_url, path, name=""):
    """Load one page in a fresh context (empty cache); return what it weighs."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        requests = []
        page.on("request", lambda request: requests.append(request))
        document = page.goto(base_url + path, wait_until="networkidle")
        if document is None:
            raise RuntimeError(f"{path}: no response")
        own_origin = _origin(base_url)
        html_body = document.body()
        result = {
            "name": name,
            "path": path,
            "status": document.status,
            "first_html_bytes": len(html_body),
            "first_html_gz": gzip_size(html_body),
            "page_bytes": 0,
            "page_gz": 0,
            "js_gz": 0,
            "requests": 0,
            "other_origin_requests": 0,
            "other_origin_urls": [],
            "fonts": 0,
            "font_urls": [],
        }
        for request in requests:
            if request.url.startswith(("data:", "blob:", "about:")):
                continue  # nothing goes over the network
            response = request.response()
            result["requests"] += 1
            if _is_font(request, response):
                result["fonts"] += 1
                result["font_urls"].append(request.url)
            if _origin(request.url) != own_origin:
                result["other_origin_requests"] += 1
                result["other_origin_urls"].append(request.url)
                continue
            if response is None or 300 <= response.status < 400:
                continue
            body = response.body()
            size = gzip_size(body)
            result["page_bytes"] += len(body)
            result["page_gz"] += size
            if request.resource_type == "script":
                result["js_gz"] += size
        return result
    finally:
        context.close()


def measure_all(browser, base_url, page_types=None):
    """Every page type in Chinese and in English."""
    results = []
    for name, paths in (page_types or PAGE_TYPES).items():
        for path in paths:
            results.append(measure_page(browser, base_url, path, name))
    return results


def budget_problems(results):
    """One sentence for every budget a page goes over (empty when all fit)."""
    problems = []
    for result in results:
        where = f"{result['name']} {result['path']}"
        for key in ("first_html_gz", "page_gz", "js_gz"):
            if result[key] > BUDGETS[key]:
                problems.append(
                    f"{where}: {key} is {result[key]} bytes, over the {BUDGETS[key]} budget"
                )
        if result["other_origin_requests"] > BUDGETS["other_origin_requests"]:
            problems.append(f"{where}: requests to other origins: {result['other_origin_urls']}")
        if result["fonts"] > BUDGETS["fonts"]:
            problems.append(f"{where}: web fonts loaded: {result['font_urls']}")
    return problems


def summary(results):
    """The numbers the bench prints as its JSON line."""
    return {
        "max_first_html_gz": max(r["first_html_gz"] for r in results),
        "max_page_gz": max(r["page_gz"] for r in results),
        "max_js_gz": max(r["js_gz"] for r in results),
        "other_origin_requests": sum(r["other_origin_requests"] for r in results),
        "fonts": sum(r["fonts"] for r in results),
        "budgets": {
            "first_html_gz": BUDGETS["first_html_gz"],
            "page_gz": BUDGETS["page_gz"],
            "js_gz": BUDGETS["js_gz"],
        },
        "within_budget": not budget_problems(results),
        "pages": [
            {
                key: r[key]
                for key in (
                    "name",
                    "path",
                    "status",
                    "first_html_bytes",
                    "first_html_gz",
                    "page_bytes",
                    "page_gz",
                    "js_gz",
                    "requests",
                    "other_origin_requests",
                    "fonts",
                )
            }
            for r in results
        ],
    }


def format_table(results):
    """A plain-text table, sizes in bytes (gz = gzip level 6)."""
    header = (
        "page type",
        "path",
        "status",
        "html",
        "html gz",
        "page gz",
        "js gz",
        "requests",
        "other origins",
        "fonts",
    )
    rows = [
        (
            r["name"],
            r["path"],
            str(r["status"]),
            str(r["first_html_bytes"]),
            str(r["first_html_gz"]),
            str(r["page_gz"]),
            str(r["js_gz"]),
            str(r["requests"]),
            str(r["other_origin_requests"]),
            str(r["fonts"]),
        )
        for r in results
    ]
    budget = (
        "budget",
        "",
        "",
        "",
        str(BUDGETS["first_html_gz"]),
        str(BUDGETS["page_gz"]),
        str(BUDGETS["js_gz"]),
        "",
        "0",
        "0",
    )
    widths = [max(len(row[i]) for row in [header, *rows, budget]) for i in range(len(header))]

    def line(row):
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows), rule, line(budget)])
