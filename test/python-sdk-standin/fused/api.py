"""fused.api.log with the SDK's signature, forwarding to the local Fused server."""
import decimal
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request


class _Response:
    def __init__(self, status_code, text):
        self.status_code = status_code
        self.text = text


class RequestException(IOError):
    """Shaped like requests.RequestException (an OSError)."""


class HTTPError(RequestException):
    """Shaped like requests.HTTPError: the status is on .response.status_code."""

    def __init__(self, message, response):
        super().__init__(message)
        self.response = response


class ConnectionError(RequestException):  # noqa: A001 - the name requests uses
    """Shaped like requests.ConnectionError."""


def _odd_numbers(page):
    """What pandas/NumPy-based SDK code hands back: NaN, infinities, Decimal and NumPy scalars."""
    items = page.get("items", [])
    if len(items) > 0:
        items[0]["execution_time"] = float("nan")
        items[0]["standin_infinity"] = float("-inf")
    if len(items) > 1:
        items[1]["execution_time"] = decimal.Decimal("1.25")
        items[1]["standin_decimal_nan"] = decimal.Decimal("NaN")
    if len(items) > 2:
        try:
            import numpy
            items[2]["execution_time"] = numpy.float32(2.5)
            items[2]["standin_numpy_int"] = numpy.int64(7)
            items[2]["standin_numpy_nan"] = numpy.float64("nan")
            items[2]["standin_numpy_array"] = numpy.array([1.5, float("inf")])
        except ImportError:
            items[2]["execution_time"] = 2.5
            items[2]["standin_numpy_int"] = 7
    return page


def log(id=None, *, udf_id=None, udf_name=None, shared_token=None, exec_env=False, distinct=False,
        distinct_type=None, start_timestamp=None, end_timestamp=None, limit=100, scan_forward=True,
        page_token=None, max_records_to_scan=1000):
    # The real SDK prints progress now and then; replies must not depend on stdout being clean.
    print("standin: fused.api.log called", flush=True)
    params = {
        "id": id, "udf_id": udf_id, "udf_name": udf_name, "shared_token": shared_token,
        "exec_env": exec_env, "distinct": distinct, "distinct_type": distinct_type,
        "start_timestamp": start_timestamp, "end_timestamp": end_timestamp, "limit": limit,
        "scan_forward": scan_forward, "page_token": page_token, "max_records_to_scan": max_records_to_scan,
    }
    if os.environ.get("FUSED_STANDIN_CRASH") == "1":
        sys.exit(3)
    failure = os.environ.get("FUSED_STANDIN_RAISE")
    if failure == "http400":
        raise HTTPError("400 Client Error: Bad Request", _Response(400, '{"detail":"bad request"}'))
    if failure == "connection":
        raise ConnectionError("HTTPSConnectionPool(host='www.fused.io', port=443): Max retries exceeded")
    if failure == "value":
        raise ValueError("limit must be at most 300")
    if failure == "hang":
        import time
        time.sleep(3600)
    query = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items() if v is not None}
    url = os.environ["FUSED_STANDIN_URL"] + "?" + urllib.parse.urlencode(query)
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + (os.environ.get("FUSED_STANDIN_TOKEN") or os.environ.get("FUSED_AUTH_TOKEN", ""))})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            page = json.loads(response.read().decode("utf-8"))
            return _odd_numbers(page) if os.environ.get("FUSED_STANDIN_ODD_NUMBERS") == "1" else page
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        raise HTTPError(f"{error.code} Client Error: {body}", _Response(error.code, body)) from None
